"""The cases feature: case sampling and tracking — the cases screen (``K``) and, on a child-protection inspection,
the day-one request checklist (palette "Day-one requests", or ``r`` on the cases screen), keeping them live.

After any batch the cases screen and the checklist, if open, are redrawn, so a teammate's allocation or progress,
or the lead's tick, shows at once. An inspector is told when a case is allocated to them, since that is work for
them to pick up.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import SystemCommand
from textual.screen import Screen

from shared.cases import CaseAllocated
from shared.day_one import has_checklist
from tui.cases.requests_screen import RequestsScreen
from tui.cases.screen import CasesScreen, requests_screen
from tui.feature import Batch, Feature, feature_key


class CasesFeature(Feature):
    """The case sample."""

    name = "cases"
    BINDINGS = [feature_key(name, "K", "cases", "Cases", key_display="K", show=False)]
    """Capital K: the board's list takes k and j to move up and down. Not in the footer, which is full on most
    screens: the help screen (?) and the command palette list it."""

    def loaded(self) -> None:
        self._refresh()

    def after_batch(self, batch: Batch) -> None:
        me = self.host.state.me
        for folded in batch.events:
            allocated, actor = folded.payload, folded.event.actor
            if (folded.news and isinstance(allocated, CaseAllocated) and me is not None
                    and allocated.inspector_id == me.id and actor is not None):
                self.host.notify(f"{actor.name} allocated {allocated.child_id} to you  (K: cases)",
                                 title="A case to track")
        self._refresh()

    def _refresh(self) -> None:
        host = self.host
        if not host.is_running:
            return
        for screen in host.screen_stack:
            if isinstance(screen, CasesScreen):
                screen.show(host.state)
            elif isinstance(screen, RequestsScreen):
                screen.show()

    def commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield SystemCommand("Cases", "The case sample: allocation, progress, the Annex A import and the draw (K)",
                            self.action_cases)
        inspection = self.host.state.inspection
        if inspection is not None and has_checklist(inspection.framework):
            yield SystemCommand("Day-one requests", "What the local authority was asked for on day one and what "
                                "has arrived (CP ¶27, Annex A)", self.action_requests)

    def action_cases(self) -> None:
        host = self.host
        if isinstance(host.screen, CasesScreen):
            return
        screen = CasesScreen(host.now, host.outbox)
        host.push_screen(screen)
        screen.show(host.state)

    def action_requests(self) -> None:
        host = self.host
        if not isinstance(host.screen, RequestsScreen):
            host.push_screen(requests_screen(host.state, host.now, host.outbox))
