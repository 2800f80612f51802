"""The board's part in the app: redrawing the findings a batch changed, the news of teammates' findings, and the
board's actions in the command palette from any screen.

The board records, amends and withdraws findings itself, through the outbox (tui.board.screen); this feature is what
happens when the server's log moves: a teammate's new finding is marked unread and toasted (a burst is one toast,
tui.board.finding_news), and an author is told when someone else withdrew one of their findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual.app import SystemCommand
from textual.notifications import Notification
from textual.screen import Screen

from shared.kinds import FINDING_POSTED, FINDING_WITHDRAWN
from shared.team import TEAM_KINDS
from tui.board.finding_news import FindingNews
from tui.feature import Batch, Feature, Host
from tui.state import FindingView

FULL_REDRAW = 1000
"""Live findings changed by one batch beyond which the board is redrawn whole (one O(n) refresh beats many inserts)."""


class BoardFeature(Feature):
    """The team board, the app's first screen."""

    name = "board"

    def __init__(self, host: Host, monotonic: Callable[[], float]) -> None:
        super().__init__(host)
        self._news = FindingNews(monotonic)
        self._news_toast: Notification | None = None

    def after_batch(self, batch: Batch) -> None:
        board, state = self.host.board, self.host.state
        if batch.has(TEAM_KINDS):
            board.show_team()  # someone revoked or given another role: the roster shows it
        if len(batch.changed) > FULL_REDRAW:
            board.show_state(state, newest=True)
        elif batch.changed:
            board.findings_changed(batch.changed.values())
        if not self.host.caught_up or batch.caught_up:
            board.findings.show_newest()  # what was newest before the catch-up is no reason to stay down the list
        news = [folded.view for folded in batch.events
                if folded.news and folded.view is not None and folded.event.kind == FINDING_POSTED]
        if news:
            board.add_unread(view.id for view in news)
            # After the frame that draws the rows: laying out a toast costs more than the rows themselves.
            self.host.call_after_refresh(self._announce, news)
        me = state.me
        for folded in batch.events:
            mine = folded.view
            if (folded.news and mine is not None and folded.event.kind == FINDING_WITHDRAWN and me is not None
                    and mine.author.id == me.id):
                self._announce_withdrawal(mine)

    def caught_up(self) -> None:
        self.host.board.findings.show_newest()

    def _announce(self, news: list[FindingView]) -> None:
        """One toast per burst of teammates' findings: a finding soon after another joins its toast."""
        toast = self._news.add(news)
        replacing = self._news_toast if toast.replaces_last else None
        self._news_toast = self.host.toast(toast.title, toast.message, replacing=replacing)

    def _announce_withdrawal(self, view: FindingView) -> None:
        """Tell the author when someone else (the lead) took one of their findings out of the evidence."""
        withdrawal = view.withdrawn
        if withdrawal is None:
            return
        who = withdrawal.by.name if withdrawal.by else "Someone"
        line = view.first_line if len(view.first_line) <= 80 else view.first_line[:79] + "…"
        self.host.notify(f"{who} withdrew your finding “{line}”: {withdrawal.reason}",
                         title="Your finding was withdrawn", severity="warning", timeout=12)

    def commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The board's actions, from any screen (on the board, the palette names no other of its keys)."""
        board = self.host.board
        yield SystemCommand("Record a finding", "Open the form for a new finding (n)", board.action_record)
        yield SystemCommand("Amend finding", "Amend the highlighted finding, if it is yours (e)", board.action_amend)
        yield SystemCommand("Withdraw finding", "Take the highlighted finding out of the evidence, with a reason "
                            "(w; its author or the lead)", board.action_withdraw)
        yield SystemCommand("Search", "Search and filter the findings (/)", board.action_search)
        yield SystemCommand("Filter…", "Choose agency, inspectorate, kind, author or child (f)", board.action_filters)
        yield SystemCommand("Clear filter", "Show every finding again (x)", board.action_clear_filter)
        yield SystemCommand("Mark all read", "Clear the unread marks (r)", board.action_mark_read)
