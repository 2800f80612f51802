"""One alert in full: what was found, where it stands, its timeline with clocks, and who has seen it.

Clocks are worked out from the ``now`` passed in (the app's injectable clock), so a snapshot is stable.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from shared import kinds
from shared.alerts import (
    DUTY_STEPS,
    STEP_NAMES,
    AlertClosed,
    AlertConfirmed,
    AlertEscalated,
    AlertInformed,
    AlertNoted,
    AlertOverdue,
    AlertResolved,
    AlertResponded,
    AlertUpdated,
    Deadlines,
)
from shared.protocol import Inspector
from tui.alerts.book import AlertView, TimelineEntry, ago, elapsed, time_left, unseen_by
from tui.timefmt import long_time, short_time
from tui.widgets.plain import assemble, plain

Parts = list[str | tuple[str, str]]

KIND_WORDS = {
    kinds.ALERT_RAISED: "raised",
    kinds.ALERT_NOTED: "noted",
    kinds.ALERT_ESCALATED: "escalated to significant harm",
    kinds.ALERT_CLOSED: "closed",
    kinds.ALERT_ACKNOWLEDGED: "acknowledged",
    kinds.ALERT_INFORMED: "senior manager informed",
    kinds.ALERT_CONFIRMED: "written confirmation sent",
    kinds.ALERT_RESPONDED: "local authority's response",
    kinds.ALERT_RESOLVED: "resolved",
    kinds.ALERT_UPDATED: "update",
    kinds.ALERT_OVERDUE: "OVERDUE",
}


def _step_details(entry: TimelineEntry, tz: tzinfo) -> str:
    """The facts an event recorded, in one line (times in local time)."""
    match entry.payload:
        case AlertInformed(informed_name=name, informed_role=role, method=method, informed_at=at):
            return f"{name} ({role}), {method.label.lower()}, at {short_time(at, tz)}"
        case AlertConfirmed(sent_at=at, reference=reference):
            return f"sent {short_time(at, tz)}, reference {reference}"
        case AlertOverdue(step=step, due_at=due):
            return f"{STEP_NAMES.get(step, step.value)} was due {short_time(due, tz)}"
        case AlertEscalated(child_id=child_id, immediate_action=action):
            return f"child {child_id}; immediate action: {action}"
        case (
            AlertNoted(note=str(text)) | AlertClosed(reason=text) | AlertResponded(response=text)
            | AlertResolved(outcome=text) | AlertUpdated(text=text)
        ):
            return text
    return ""


def _timeline(alert: AlertView, now: datetime, tz: tzinfo) -> Parts:
    parts: Parts = [("\nTimeline", "bold"), ("  when · what · who · how long ago · how long after raising\n",
                                              "$text-muted")]
    for entry in alert.timeline:
        who = entry.actor.name if entry.actor else "flagged by the server"
        style = "bold $text-error" if entry.kind == kinds.ALERT_OVERDUE else "bold"
        after = "" if entry.kind == kinds.ALERT_RAISED else f" · +{elapsed(alert.raised_at, entry.at)}"
        parts += [
            (f"{short_time(entry.at, tz)}  ", "$text-muted"),
            (KIND_WORDS.get(entry.kind, entry.kind), style),
            (f" · {who}", ""),
            (f" · {ago(entry.at, now)}{after}\n", "$text-muted"),
        ]
        details = _step_details(entry, tz)
        if details:
            parts.append((f"              {details}\n", ""))
    return parts


def _status(alert: AlertView, now: datetime, tz: tzinfo, deputy: Inspector | None, deadlines: Deadlines) -> Parts:
    parts: Parts = [("Status: ", "$text-muted"), (alert.status.label, "bold"),
                    (f" for {elapsed(alert.since, now)}", "$text-muted")]
    step = alert.next_step
    if step is not None:
        who = ""
        if step in DUTY_STEPS:
            who = f" (lead inspector or deputy {deputy.name})" if deputy else " (lead inspector)"
        parts += [("  ·  next: ", "$text-muted"), (f"{STEP_NAMES[step]}{who}", "bold $text-accent")]
        due = alert.next_due(deadlines)
        if due is not None and not alert.overdue_outstanding:
            parts.append((f" · due {short_time(due, tz)}, {time_left(due, now)}", "bold"))
    parts.append("\n")
    for overdue_step, due in alert.overdue_outstanding:
        parts.append((f"⚠ OVERDUE: {STEP_NAMES[overdue_step]} — was due {short_time(due, tz)} "
                      f"({ago(due, now)})\n", "bold $text-error"))
    return parts


def _seen(alert: AlertView, team: Iterable[Inspector]) -> Parts:
    members = list(team)
    missing = unseen_by(alert, members)
    seen = [m for m in sorted(members, key=lambda m: m.name) if m not in missing]
    parts: Parts = [("\nSeen by ", "bold"), (f"{len(seen)} of {len(members)}", "bold"), (": ", "")]
    parts.append(", ".join(m.name for m in seen) or "nobody yet")
    parts.append("\n")
    if missing:
        parts += [("Not yet seen: ", "bold $text-warning"), ", ".join(m.name for m in missing), "\n"]
    return parts


def describe_alert(
    alert: AlertView,
    *,
    now: datetime,
    tz: tzinfo,
    team: Iterable[Inspector],
    deputy: Inspector | None,
    deadlines: Deadlines,
    pending: Iterable[str] = (),
) -> Content:
    """The whole pane for one alert."""
    raised_by = alert.raised_by
    who = f"{raised_by.name} ({raised_by.inspectorate.label})" if raised_by else "someone"
    level_style = "bold $text-error" if alert.is_escalation else "bold $text-warning"
    child = f" · child {alert.child_id}" if alert.child_id else ""
    parts: Parts = [
        (alert.level.label, level_style), (f" · {alert.agency.label}{child}\n", "bold"),
        (f"Raised by {who} · {long_time(alert.raised_at, tz)} · {ago(alert.raised_at, now)}\n", "$text-muted"),
    ]
    parts += _status(alert, now, tz, deputy, deadlines)
    for words in pending:
        parts.append((f"⇡ Not yet confirmed by the server: {words} — retrying\n", "bold $text-warning"))
    parts += [("\nWhat was found\n", "bold"), alert.summary.strip(), "\n"]
    if alert.immediate_action:
        parts += [("\nImmediate action needed\n", "bold"), alert.immediate_action.strip(), "\n"]
    parts += _timeline(alert, now, tz)
    parts += _seen(alert, team)
    return assemble(*parts)


def describe_settings(deputy: Inspector | None, deadlines: Deadlines) -> Content:
    """The lead's settings for escalations, shown under the list."""
    def minutes(value: Any) -> str:
        total = round(value.total_seconds() / 60)
        return f"{total // 60} h" if total >= 120 and total % 60 == 0 else f"{total} min"

    return assemble(
        ("Deputy: ", "$text-muted"), deputy.name if deputy else "none named",
        ("\nDeadlines: ", "$text-muted"),
        f"acknowledge {minutes(deadlines.acknowledge)} · inform {minutes(deadlines.inform)} · "
        f"confirm {minutes(deadlines.confirm)}",
    )


class AlertDetail(VerticalScroll, can_focus=True):
    """Scrollable, so a long timeline can be read from the keyboard."""

    DEFAULT_CSS = """
    AlertDetail { padding: 0 1; scrollbar-size-vertical: 1; }
    AlertDetail > Static { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shown_id: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(plain("No alert selected.", "$text-muted italic"), id="alert-detail-body")

    def show(self, alert_id: str | None, content: Content) -> None:
        if alert_id != self.shown_id:
            self.scroll_home(animate=False)
        self.shown_id = alert_id
        self.query_one("#alert-detail-body", Static).update(content)

    @property
    def text(self) -> str:
        return str(self.query_one("#alert-detail-body", Static).render())
