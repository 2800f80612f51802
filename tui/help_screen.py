"""The ``?`` screen: every key, the search words, the alert keys, and how a teammate joins this server."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.cases.screen import CASE_KEYS
from tui.grades.screen import GRADE_KEYS
from tui.meetings.screen import MEETING_KEYS
from tui.report.screen import REPORT_KEYS
from tui.widgets.footer import KeyFooter
from tui.widgets.plain import assemble

KEYS: tuple[tuple[str, str], ...] = (
    ("n", "record a new finding"),
    ("e", "amend the highlighted finding (your own only)"),
    ("w", "withdraw the highlighted finding, with a reason (author or lead)"),
    ("enter", "read the highlighted finding in the detail pane"),
    ("/", "search and filter (Esc or Enter returns to the list)"),
    ("f", "filter with a form"),
    ("x", "clear the filter"),
    ("r", "mark every finding read"),
    ("!", "raise a risk alert, from any screen"),
    ("a", "alerts: open and closed, timelines, clocks, next steps"),
    ("s", "confirm you have seen what the alert bar shows"),
    ("o", "open a line of enquiry about the highlighted finding"),
    ("i", "lines of enquiry: your inbox, the ones you asked, the team's"),
    ("l  u", "link the highlighted finding to another · remove your link"),
    ("t", "triangulation view: agencies × judgement areas (there, v: a cell's criteria and their coverage)"),
    ("c", "a child's journey (the highlighted finding's child)"),
    ("m", "KIT, team and final meetings: agenda, minutes, actions, past days"),
    ("g", "the grade board: proposed and agreed grades, QA, warnings"),
    ("K", "the case sample: allocation, progress, import and draw"),
    ("R", "the report preview: read, save or copy the published report"),
    ("↑ ↓ PgUp PgDn Home End", "move through the list"),
    ("tab", "move between list, detail and search"),
    ("ctrl+p", "command palette: every action by name"),
    ("ctrl+t", "switch between light and dark"),
    ("?", "this help"),
    ("ctrl+q", "quit (unsent findings stay queued and go next time)"),
)

ENQUIRY_KEYS: tuple[tuple[str, str], ...] = (
    ("k  w", "take it on · answer it, citing findings (its owners)"),
    ("d  p", "close as answered · as not pursued, with a reason (the asker)"),
)

ALERT_KEYS: tuple[tuple[str, str], ...] = (
    ("s  u", "I have seen it · add an update (anyone)"),
    ("k  i", "acknowledge · senior manager informed (lead, deputy)"),
    ("w  v", "written confirmation · resolve (lead, deputy)"),
    ("l", "the local authority's response (anyone)"),
    ("o  e  c", "a concern: note · escalate · close with a reason"),
    ("d  t", "name a deputy · set the deadlines (lead)"),
)

SEARCH: tuple[tuple[str, str], ...] = (
    ("police  weakness  cqc", "a bare agency, kind or inspectorate name picks it"),
    ("agency:police  a:la", "agency (label, short label or prefix)"),
    ("insp:cqc  i:ofsted", "author's inspectorate"),
    ("kind:weak  k:good", "kind of finding"),
    ("by:asha", "author (any part of the name)"),
    ("child:C-104  c:C-104", "child unique ID (exact)"),
    ("area:leadership  area:none", "judgement area (none: narrative agencies)"),
    ("tri:contested  corroborated", "corroboration status"),
    ("withdrawn", "show withdrawn findings too (hidden otherwise; shown dimmed)"),
    ('other words  "police"', "must all appear in the text, criterion or child ID"),
)


KEY_SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Triangulate — keys\n", KEYS),
    ("\nOn the alerts screen (only the steps you may take now are offered)\n", ALERT_KEYS),
    ("\nOn the lines-of-enquiry screen (only the steps you may take now are offered)\n", ENQUIRY_KEYS),
    ("\nOn the meetings screen (only what you may do now is offered)\n", MEETING_KEYS),
    ("\nOn the grade board (only what you may do on the highlighted grade is offered)\n", GRADE_KEYS),
    ("\nOn the cases screen (only what you may do on the highlighted case is offered)\n", CASE_KEYS),
    ("\nOn the report preview (it follows the team's record as it changes)\n", REPORT_KEYS),
)
"""Each screen's keys under its heading, in the order help shows them."""


def help_content(share_hint: str | None) -> Content:
    parts: list[str | tuple[str, str]] = []
    if share_hint:
        parts.append(("Another team member can join this server from a second terminal with\n", "bold"))
        parts.append((share_hint, "$text-accent"))
        parts.append("\n\n")
    for heading, keys in KEY_SECTIONS:
        parts.append((heading, "bold"))
        for key, what in keys:
            parts += [(f"  {key:<24}", "$text-accent bold"), f"{what}\n"]
    parts.append(("\nSearch words (combine freely, e.g. 'police weakness by:asha missed visits')\n", "bold"))
    width = max(len(word) for word, _ in SEARCH) + 2
    for word, what in SEARCH:
        parts += [(f"  {word:<{width}}", "$text-accent"), f"{what}\n"]
    parts.append(("\nStatus marks in the list\n", "bold"))
    parts.append("  ● unread   … sending   ⇡ unsent (offline)   ✗ refused by the server   ✎ amended\n")
    parts.append("  column ✓:  ✓ corroborated   ≠ contested   · single source\n")
    parts.append(("  Corroborated: supported by a finding from another inspectorate or another kind of evidence.\n"
                  "  Contested: a finding contradicts it. @Name in any text notifies that team member.\n",
                  "$text-muted"))
    parts.append(("\nPress Esc or ? to close.", "$text-muted"))
    return assemble(*parts)


class HelpScreen(ModalScreen[None]):
    """Read-only; closes on Esc, q or ?."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 92; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, share_hint: str | None = None):
        super().__init__()
        self._share_hint = share_hint

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(help_content(self._share_hint))
        yield KeyFooter()

    def action_close(self) -> None:
        self.dismiss(None)
