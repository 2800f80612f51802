"""The team board: the live list of findings, the one highlighted in full, the roster and the status line.

It draws what the app tells it (TeamState and connection facts); a finding recorded, amended or withdrawn here goes
through the outbox it was handed, and the board redraws that finding itself. It never sees the client or the socket.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Header

from shared.findings import AmendFinding, FindingFields, PostFinding, WithdrawFinding
from shared.vocabulary import Role
from tui.board.detail import FindingDetail
from tui.board.filter_bar import FilterBar
from tui.board.filter_dialog import FilterDialog
from tui.board.finding_form import FindingForm
from tui.board.finding_list import FindingList
from tui.board.roster import Roster
from tui.board.status_line import StatusLine
from tui.board.withdraw_form import withdraw_form
from tui.outbox import Outbox
from tui.state import FindingFilter, FindingView, TeamState, filter_findings, shown_status
from tui.timefmt import short_time, zone
from tui.widgets.footer import KeyFooter
from tui.widgets.support import describe_support, support_badge


class BoardScreen(Screen[None]):
    """The main screen. Its footer shows the everyday keys at 80 columns; the rest are in help and the palette."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "record", "New finding"),
        Binding("e", "amend", "Amend"),
        Binding("w", "withdraw", "Withdraw", show=False),
        Binding("slash", "search", "Search", show=False),  # the search bar says "/ search"
        Binding("f", "filters", "Filter", show=False),
        Binding("x", "clear_filter", "Clear", show=False),
        Binding("r", "mark_read", "Mark read", show=False),
        # The app binds these on every screen; only the board's footer shows them.
        Binding("exclamation_mark", "app.feature('alerts', 'raise_alert')", "Raise alert", key_display="!"),
        Binding("a", "app.feature('alerts', 'alerts')", "Alerts"),
        Binding("i", "app.feature('triangulation', 'enquiries')", "Enquiries"),
    ]

    def __init__(self, outbox: Outbox, connection: str = "offline") -> None:
        super().__init__()
        self.outbox = outbox
        self._initial_connection = connection
        self.state = TeamState()
        self.filter = FindingFilter()
        self.unread: set[str] = set()
        self.connected = False
        self._select_after: str | None = None
        self.on_site: frozenset[int] | None = None
        """Who is on site today (the clock feature works it out); None while nobody's days are recorded."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterBar(id="filter-bar")
        yield FindingList(id="findings")
        with Horizontal(id="lower"):
            yield FindingDetail(id="detail")
            yield Roster(id="roster")
        yield StatusLine(id="status")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.findings.empty_message = "Opening the local cache…"
        self.findings.focus()
        self.status_line.set_status(connection=self._initial_connection)

    # ------------------------------------------------------------------ shortcuts

    @property
    def findings(self) -> FindingList:
        return self.query_one("#findings", FindingList)

    @property
    def detail(self) -> FindingDetail:
        return self.query_one("#detail", FindingDetail)

    @property
    def status_line(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    def _me_id(self) -> int | None:
        return self.state.me.id if self.state.me else None

    # ------------------------------------------------------------------ what the app tells us

    def show_state(self, state: TeamState, *, newest: bool = False) -> None:
        """Draw a whole state (opening, or after the server's log changed): the one O(n) refresh.

        ``newest`` (findings arrived, as in a catch-up): a list at its top stays there, at the newest finding if the
        highlighted one left the rows in view.
        """
        self.state = state
        timezone = state.inspection.timezone if state.inspection else None
        self.findings.set_timezone(timezone)
        self.detail.set_timezone(timezone)
        self.unread &= set(state.findings)
        self._refilter(newest=newest)
        self.show_team()

    def show_team(self) -> None:
        online = self.state.online if self.connected else None
        self.query_one("#roster", Roster).show_team(self.state.members(), online, self._me_id(), self.on_site)
        self.query_one("#filter-bar", FilterBar).set_team(self.state.team.values())

    def finding_changed(self, view: FindingView) -> None:
        """One finding was added or changed: move just its row, repaint just what shifted."""
        self.findings_changed([view])

    def findings_changed(self, views: Iterable[FindingView]) -> None:
        """Findings added or changed: each row moved in place (a bisect), the counts redrawn once."""
        for view in views:
            self.findings.upsert(view, self.filter.matches(view))
            if self.detail.shown_id == view.id:
                self._show_detail(view)
        self._update_counts()

    def finding_gone(self, finding_id: str) -> None:
        self.findings.take_off(finding_id)
        self.unread.discard(finding_id)
        self._update_counts()

    def add_unread(self, finding_ids: Iterable[str]) -> None:
        self.unread |= set(finding_ids)
        self.unread.discard(self.findings.highlighted_id or "")
        self.findings.set_unread(self.unread)
        self._update_counts()

    def set_connection(self, connection: str, *, retry_at: float | None = None, reason: str = "") -> None:
        connected = connection == "connected"
        if connected != self.connected:
            self.connected = connected
            self.findings.set_connected(connected)
            if self.detail.shown_id in self.state.findings:
                self._show_detail(self.state.findings[self.detail.shown_id])
            self.show_team()
        self.status_line.set_status(connection=connection, retry_at=retry_at, reason=reason)

    def set_unsent(self, count: int) -> None:
        self.status_line.set_status(unsent=count)

    def set_retrying(self, reason: str) -> None:
        """Say why unsent commands are waiting to go again; '' once the server stores them again."""
        self.status_line.set_status(retrying=reason)

    # ------------------------------------------------------------------ filtering

    def _refilter(self, *, newest: bool = False) -> None:
        if self.filter.active:
            self.findings.empty_message = "No findings match the filter — press x to clear it."
        elif self.state.me is None:
            self.findings.empty_message = "Nothing cached yet — waiting for the server."
        else:
            self.findings.empty_message = "No findings yet — press n to record one."
        self.findings.set_rows(filter_findings(self.state.findings, self.filter), newest=newest)
        self.findings.set_unread(self.unread)
        self._update_counts()

    def _update_counts(self) -> None:
        total = len(self.state.findings)
        if not self.filter.withdrawn:  # hidden by default, so not "7 of 8 shown" with no filter set
            total -= len(self.state.withdrawn_ids)
        self.status_line.set_status(unread=len(self.unread), shown=self.findings.row_count, total=total)

    @on(FilterBar.Changed)
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        if event.parsed.filter != self.filter:
            self.filter = event.parsed.filter
            self._refilter()
        if self._select_after is not None:
            self.findings.select_id(self._select_after)
            self._select_after = None

    @on(FilterBar.Done)
    def _filter_done(self) -> None:
        self.findings.focus()

    # ------------------------------------------------------------------ list and detail

    @on(FindingList.Highlighted)
    def _highlighted(self, event: FindingList.Highlighted) -> None:
        view = self.state.findings.get(event.finding_id) if event.finding_id else None
        self._show_detail(view)
        if event.finding_id in self.unread:
            self.unread.discard(event.finding_id)
            self.findings.set_unread(self.unread)
            self._update_counts()

    @on(FindingList.NewAbove)
    def _new_above(self, event: FindingList.NewAbove) -> None:
        self.status_line.set_status(above=event.count)

    @on(FindingList.Selected)
    def _selected(self) -> None:
        self.detail.focus()

    def _show_detail(self, view: FindingView | None) -> None:
        self.refresh_bindings()  # "w" is offered only on a finding this inspector may withdraw
        if view is None:
            self.detail.show(None)
            return
        tz = zone(self.state.inspection.timezone if self.state.inspection else None)
        self.detail.show(view, shown_status(view, self.connected), self._me_id(), support_badge(view),
                         describe_support(view, self.state, tz))

    # ------------------------------------------------------------------ actions

    def action_record(self) -> None:
        """Open the form for a new finding; the agency defaults to the last one this inspector used."""
        if self.state.me is None:
            self.notify("Not connected yet: the server has not said who you are.", severity="warning")
            return
        mine = [v for v in self.state.findings.values() if v.author.id == self.state.me.id]
        defaults = {}
        if mine:
            latest = max(mine, key=lambda v: v.posted_at)
            defaults = {"agency": latest.fields.agency, "evidence_source": latest.fields.evidence_source}
        self.app.push_screen(FindingForm(title="Record a finding", defaults=defaults), self._recorded)

    def _recorded(self, fields: FindingFields | None) -> None:
        if fields is not None:
            self.submit(fields)

    def action_amend(self) -> None:
        """Amend the highlighted finding: only its author may, so say whose it is otherwise."""
        finding_id = self.findings.highlighted_id
        view = self.state.findings.get(finding_id) if finding_id else None
        if view is None:
            self.notify("No finding is highlighted.", severity="warning")
            return
        if self.state.me is None or view.author.id != self.state.me.id:
            self.notify(
                f"Only {view.author.name} can amend this finding; you can amend only your own.",
                title="Not yours to amend", severity="warning",
            )
            return
        initial = view.refused if view.status == "rejected" and view.refused else view.fields
        when = short_time(view.posted_at, zone(self.state.inspection.timezone if self.state.inspection else None))
        form = FindingForm(title=f"Amend your finding of {when}", initial=initial)
        self.app.push_screen(form, lambda fields: self._amended(view.id, fields))

    def _amended(self, finding_id: str, fields: FindingFields | None) -> None:
        if fields is not None:
            self.submit(fields, finding_id)

    def submit(self, fields: FindingFields, finding_id: str | None = None) -> None:
        """Send what the form holds: a new finding, or an amendment of ``finding_id``, shown as ours at once."""
        existing = self.state.findings.get(finding_id) if finding_id else None
        if existing is not None and existing.version == 0 and existing.status == "rejected":
            self.state.dismiss(existing.id)  # a refused post never saved: send it again as a new post
            self.finding_gone(existing.id)
            finding_id = None
        command_id, values = uuid.uuid4().hex, fields.fields()
        view = self.outbox.send(PostFinding(id=command_id, **values) if finding_id is None
                                else AmendFinding(id=command_id, finding_id=finding_id, **values))
        if view is not None:
            self.finding_changed(view)
            if finding_id is None:
                self.findings.select_id(view.id)

    def _why_not_withdraw(self, view: FindingView | None) -> str | None:
        """Why the highlighted finding cannot be withdrawn now, or None if it can (its author or the lead)."""
        me = self.state.me
        if view is None:
            return "No finding is highlighted."
        if view.withdrawn is not None or view.withdrawing is not None:
            return "This finding is already withdrawn."
        if view.version == 0:
            return "This finding has not reached the server yet: withdraw it once it has."
        if me is None or (view.author.id != me.id and me.role != Role.LEAD):
            return f"Only {view.author.name} or the lead inspector can withdraw this finding."
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action != "withdraw":
            return True
        try:
            finding_id = self.findings.highlighted_id
        except NoMatches:  # not composed yet
            return False
        return self._why_not_withdraw(self.state.findings.get(finding_id) if finding_id else None) is None

    def action_withdraw(self) -> None:
        """Withdraw the highlighted finding, with a reason; it stays in the history."""
        finding_id = self.findings.highlighted_id
        view = self.state.findings.get(finding_id) if finding_id else None
        why = self._why_not_withdraw(view)
        if why is not None or view is None:
            self.notify(why or "No finding is highlighted.", title="Cannot withdraw", severity="warning")
            return
        form = withdraw_form(view, zone(self.state.inspection.timezone if self.state.inspection else None))
        self.app.push_screen(form, self._withdrawn)

    def _withdrawn(self, command: object) -> None:
        if isinstance(command, WithdrawFinding) and (view := self.outbox.send(command)) is not None:
            self.finding_changed(view)

    def set_query(self, query: str, select: str | None = None) -> None:
        """Filter the board as if ``query`` had been typed in the search box, then highlight ``select``.

        For the triangulation view's drill-in and the journey's "on the board"; the filter applies when the
        search box says it changed, so the finding to highlight waits for that too.
        """
        self._select_after = select
        self.query_one("#filter-bar", FilterBar).set_query(query)
        if select is not None:
            self.findings.select_id(select)
        self.findings.focus()

    def refresh_detail(self) -> None:
        """Redraw the detail pane: the shown finding's links or lines of enquiry may have changed."""
        if self.is_mounted and self.detail.shown_id in self.state.findings:
            self._show_detail(self.state.findings[self.detail.shown_id])

    def action_search(self) -> None:
        self.query_one("#filter-bar", FilterBar).focus_search()

    def action_filters(self) -> None:
        def apply(query: str | None) -> None:
            if query is not None:
                self.query_one("#filter-bar", FilterBar).set_query(query)

        self.app.push_screen(FilterDialog(self.filter, self.state.team.values()), apply)

    def action_clear_filter(self) -> None:
        self.query_one("#filter-bar", FilterBar).set_query("")
        self.findings.focus()

    def action_mark_read(self) -> None:
        self.unread.clear()
        self.findings.set_unread(self.unread)
        self._update_counts()
