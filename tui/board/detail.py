"""The detail pane: one finding in full — text, evidence source, who and when, how well it is supported (its
corroboration status, links and lines of enquiry, given by the board) and its amendment history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from shared.findings import FindingFields
from tui.timefmt import long_time, short_time, zone
from tui.triangulation.coverage import cite
from tui.triangulation.views import criterion_for_code
from tui.widgets.labels import STATUS_TEXT
from tui.widgets.plain import assemble, plain

_FIELD_NAMES = {
    "agency": "agency",
    "judgement_area": "judgement area",
    "criterion": "criterion",
    "kind": "kind",
    "evidence_source": "evidence source",
    "child_id": "child ID",
    "text": "text",
}


def _label(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return getattr(value, "label", str(value))


def changes(before: FindingFields, after: FindingFields) -> list[str]:
    """What an amendment changed, in words: 'kind: Weakness → Strength', 'text rewritten'."""
    said: list[str] = []
    for name, title in _FIELD_NAMES.items():
        old, new = getattr(before, name), getattr(after, name)
        if old == new:
            continue
        said.append("text rewritten" if name == "text" else f"{title}: {_label(old)} → {_label(new)}")
    return said


Parts = Sequence[str | tuple[str, str]]


def describe(
    view: Any, tz: tzinfo, status: str, me_id: int | None, badge: Parts = (), support: Parts = ()
) -> Content:
    """The whole pane's content for one finding (a tui.state.FindingView).

    ``badge`` follows the heading (the corroboration status); ``support`` follows the text (links, enquiries).
    """
    f = view.fields
    author = view.author
    mine = " (you)" if me_id is not None and author.id == me_id else ""
    parts: list[str | tuple[str, str]] = [
        (f"{f.kind.label}", "bold"),
        (f" · {f.agency.label}", "bold"),
        *badge,
        ("\n", ""),
        (f"{author.name}{mine} · {author.inspectorate.label} · {long_time(view.posted_at, tz)}", "$text-muted"),
        "\n",
    ]
    if f.judgement_area is not None:
        parts += [("Judgement area: ", "$text-muted"), f.judgement_area.label, "\n"]
    meta = [("Evidence", _label(f.evidence_source)), ("Child ID", f.child_id)]
    for index, (title, value) in enumerate((t, v) for t, v in meta if v):
        parts += [(" · " if index else "", "$text-muted"), (f"{title}: ", "$text-muted"), value]
    parts += _criterion(f.criterion)
    if status != "saved":
        style = "$text-error" if status == "rejected" else "$text-warning"
        parts += ["\n", (f"Status: {STATUS_TEXT.get(status, status)}", f"bold {style}")]
        if getattr(view, "error", None):
            parts.append((f" — {view.error}", style))
            if getattr(view, "refused", None) is not None:
                parts.append(("  (e: edit and send again)", "$text-muted"))
    parts += _withdrawal(view, tz, me_id)
    parts += ["\n\n", f.text, "\n"]
    parts += support
    parts += _history(view, tz)
    return assemble(*parts)


def _criterion(code: str | None) -> list[str | tuple[str, str]]:
    """The criterion's citation and its words from the catalogue, so nobody has to look '68c' up."""
    if not code:
        return []
    found = criterion_for_code(code)
    if found is None:
        return ["\n", ("Criterion: ", "$text-muted"), code, (" (not in the catalogue)", "$text-muted")]
    return ["\n", ("Criterion: ", "$text-muted"), (cite(found), "bold"), " ", (found.text, "$text-muted")]


def _withdrawal(view: Any, tz: tzinfo, me_id: int | None) -> list[str | tuple[str, str]]:
    """'Withdrawn by Ben Okafor at …: reason' once recorded; our own withdrawal while it is on its way."""
    withdrawn = getattr(view, "withdrawn", None)
    if withdrawn is not None:
        who = withdrawn.by.name if withdrawn.by is not None else "someone"
        if me_id is not None and withdrawn.by is not None and withdrawn.by.id == me_id:
            who += " (you)"
        return ["\n", (f"Withdrawn by {who} at {long_time(withdrawn.at, tz)}: ", "bold $text-warning"),
                withdrawn.reason, ("\nNo longer counted as evidence; it stays in the history.", "$text-muted")]
    withdrawing = getattr(view, "withdrawing", None)
    if withdrawing:
        return ["\n", ("Withdrawing: ", "bold $text-warning"), withdrawing]
    return []


def _history(view: Any, tz: tzinfo) -> list[str | tuple[str, str]]:
    history = list(view.history)
    if len(history) <= 1:
        return []
    parts: list[str | tuple[str, str]] = [("\nHistory\n", "bold $text-muted")]
    previous: FindingFields | None = None
    for version, at, fields in history:
        what = "posted" if previous is None else "; ".join(changes(previous, fields)) or "no change"
        parts.append((f"v{version} {short_time(at, tz)}  ", "$text-muted"))
        parts.append(f"{what}\n")
        if previous is not None and previous.text != fields.text:
            parts.append((f"    was: {previous.text.splitlines()[0] if previous.text else ''}\n", "$text-muted"))
        previous = fields
    return parts


class FindingDetail(VerticalScroll, can_focus=True):
    """Scrollable so a long finding can be read with the keyboard when focused."""

    DEFAULT_CSS = """
    FindingDetail { padding: 0 1; scrollbar-size-vertical: 1; }
    FindingDetail > Static { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._tz = zone(None)
        self.shown_id: str | None = None
        self._drawn: tuple[str, object] | None = None

    def compose(self) -> ComposeResult:
        yield Static(plain("Select a finding to read it in full.", "$text-muted italic"), id="detail-body")

    def set_timezone(self, name: str | None) -> None:
        self._tz = zone(name)

    def show(
        self,
        view: Any | None,
        status: str = "saved",
        me_id: int | None = None,
        badge: Parts = (),
        support: Parts = (),
    ) -> None:
        body = self.query_one("#detail-body", Static)
        if view is None:
            self.shown_id = None
            self._drawn = None
            body.update(plain("No finding selected.", "$text-muted italic"))
            return
        if view.id != self.shown_id:
            self.scroll_home(animate=False)
        self.shown_id = view.id
        content = describe(view, self._tz, status, me_id, badge, support)
        if (content.plain, content.spans) != self._drawn:  # every batch asks again; a new body is a layout pass
            self._drawn = (content.plain, content.spans)
            body.update(content)
