"""One line of enquiry in full: who asks whom and why, the findings and children it is about, the answer, how it
was closed, its timeline in local time, and the keys this user may press on it now."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from shared.enquiries import EnquiryStatus
from tui.alerts.book import ago
from tui.state import TeamState
from tui.timefmt import long_time, short_time
from tui.triangulation.book import EnquiryView
from tui.triangulation.enquiry_actions import Step
from tui.widgets.labels import SUPPORT_MARK
from tui.widgets.plain import assemble
from tui.widgets.support import SUPPORT_STYLE, finding_summary

Parts = list[str | tuple[str, str]]

STATUS_STYLE = {
    EnquiryStatus.OPEN: "bold $text-warning",
    EnquiryStatus.IN_PROGRESS: "bold $text-accent",
    EnquiryStatus.ANSWERED: "bold $text-success",
    EnquiryStatus.CLOSED: "bold $text-muted",
}

STEP_KEYS: dict[Step, str] = {
    "start": "k take it on",
    "answer": "w answer",
    "close_answered": "d close as answered",
    "not_pursued": "p close as not pursued",
}


def _findings(title: str, finding_ids: Iterable[str], state: TeamState) -> Parts:
    ids = list(finding_ids)
    if not ids:
        return []
    parts: Parts = [(f"{title}\n", "bold $text-muted")]
    for finding_id in ids:
        view = state.findings.get(finding_id)
        if view is not None:
            parts.append((f"  {SUPPORT_MARK[view.support]} ", SUPPORT_STYLE[view.support]))
        else:
            parts.append("    ")
        parts.append(f"{finding_summary(view, finding_id, 60)}\n")
    return parts


def describe_enquiry(
    enquiry: EnquiryView, state: TeamState, tz: tzinfo, now: datetime, steps: Iterable[Step] = ()
) -> Content:
    asker = enquiry.asker
    me = state.me
    who = "you" if asker is not None and me is not None and asker.id == me.id else (
        f"{asker.name} ({asker.inspectorate.label})" if asker else "someone")
    parts: Parts = [
        ("Line of enquiry · ", "bold"),
        (enquiry.status.label, STATUS_STYLE[enquiry.status]),
        (f"   to {enquiry.addressee(state.team)}\n", "bold"),
        (f"Asked by {who} · {long_time(enquiry.opened_at, tz)} ({ago(enquiry.opened_at, now)})\n", "$text-muted"),
    ]
    if enquiry.needs_la_input:
        parts.append(("Needs the local authority's input: it goes on the KIT agenda\n", "$text-warning"))
    parts += [("\nQuestion\n", "bold $text-muted"), f"{enquiry.question}\n",
              ("Why it matters\n", "bold $text-muted"), f"{enquiry.why}\n"]
    parts += _findings("About these findings", enquiry.finding_ids, state)
    if enquiry.child_ids:
        parts += [("Children: ", "bold $text-muted"), f"{', '.join(enquiry.child_ids)}\n"]
    if enquiry.answer is not None:
        answered = next(((at, actor) for at, actor, what in reversed(enquiry.timeline)
                         if what.startswith("answered")), None)
        by = f" — {answered[1].name}, {short_time(answered[0], tz)}" if answered and answered[1] else ""
        parts += [(f"\nAnswer{by}\n", "bold $text-success"), f"{enquiry.answer}\n"]
        parts += _findings("Findings that answer it", enquiry.answer_finding_ids, state)
    if enquiry.outcome is not None:
        parts += [(f"\nClosed — {enquiry.outcome.label.lower()}: ", "bold"), f"{enquiry.reason}\n"]
    parts.append(("\nTimeline\n", "bold $text-muted"))
    for at, actor, what in enquiry.timeline:
        name = actor.name if actor else "the server"
        first = what.splitlines()[0] if what else ""
        parts += [(f"  {short_time(at, tz)}  ", "$text-muted"), f"{name} — {first}\n"]
    keys = [STEP_KEYS[s] for s in STEP_KEYS if s in set(steps)]
    if keys:
        parts.append((f"\nYou can: {' · '.join(keys)}", "bold $text-accent"))
    return assemble(*parts)


class EnquiryDetail(VerticalScroll, can_focus=True):
    """Scrollable, so a long question and answer can be read with the keyboard."""

    DEFAULT_CSS = """
    EnquiryDetail { padding: 0 1; scrollbar-size-vertical: 1; }
    EnquiryDetail > Static { width: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="enquiry-body")

    def show(self, content: Content) -> None:
        self.query_one("#enquiry-body", Static).update(content)
