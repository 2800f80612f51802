"""The grades feature: the grade board (``g``), keeping it live, and telling the lead about QA.

The board is redrawn after any batch while it is open, not only after grade events: its warnings follow the
evidence (a new link, an amended source, a withdrawal), and our own commands' fate (acked, refused) shows on the
cells.

The lead is told when the QA manager challenges or signs off a grade: a toast, and a ● on the cell until the lead
looks at it on the board (a challenge needs the lead's response before the grade can be signed off).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import SystemCommand
from textual.screen import Screen

from shared.grades import GradeChallenged, GradeSignedOff, judgement_label
from shared.vocabulary import Role
from tui.feature import Batch, Feature, Folded, feature_key
from tui.grades.screen import GradesScreen


class GradesFeature(Feature):
    """The grade board."""

    name = "grades"
    BINDINGS = [feature_key(name, "g", "grades", "Grades", show=False)]
    """Not in the footer, which is full on most screens (a cut-off "g G" helps nobody): the help screen (?) and the
    command palette list it."""

    def loaded(self) -> None:
        self._refresh()

    def after_batch(self, batch: Batch) -> None:
        for folded in batch.events:
            if folded.news:
                self._tell_the_lead(folded)
        self._refresh()

    def _tell_the_lead(self, folded: Folded) -> None:
        """A teammate's challenge or sign-off, new to the lead: a toast, and the cell marked on the board."""
        state, payload, actor = self.host.state, folded.payload, folded.event.actor
        me = state.me
        if me is None or me.role is not Role.LEAD or actor is None:
            return
        if not isinstance(payload, GradeChallenged | GradeSignedOff):
            return
        agency, judgement = payload.agency, payload.judgement
        state.grades.attention.add((agency, judgement))
        cell = f"{agency.label} · {judgement_label(judgement)}"
        if isinstance(payload, GradeChallenged):
            comment = " ".join(payload.comment.split())
            comment = comment if len(comment) <= 160 else comment[:159] + "…"
            self.host.notify(f"{actor.name} challenged {cell}: “{comment}” — respond on the grade board (g, e)",
                             title="QA challenge: your response is needed", severity="warning", timeout=12)
        else:
            self.host.notify(f"{actor.name} signed off {cell}", title="Grade signed off", timeout=8)

    def _refresh(self) -> None:
        host = self.host
        if not host.is_running:
            return
        for screen in host.screen_stack:
            if isinstance(screen, GradesScreen):
                screen.show(host.state)

    def commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield SystemCommand("Grades", "The grade board: proposed and agreed grades, QA, warnings (g)",
                            self.action_grades)

    def action_grades(self) -> None:
        host = self.host
        if isinstance(host.screen, GradesScreen):
            return
        screen = GradesScreen(host.now, host.outbox)
        host.push_screen(screen)
        screen.show(host.state)
