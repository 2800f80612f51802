"""The virtual list at scale: 20,000 findings, and a live event repaints only what is on screen."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from textual.app import App, ComposeResult

from shared.protocol import Event
from shared.vocabulary import Agency, EvidenceSource, FindingKind
from tui.board.finding_list import FindingList
from tui.state import FindingFilter, FindingView, TeamState, filter_findings

from .app_data import TEAM, welcome

START = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)


def event(seq: int, rng: random.Random, minutes: float | None = None) -> Event:
    data: dict[str, Any] = {
        "finding_id": f"f{seq:06d}",
        "agency": rng.choice([Agency.POLICE, Agency.HEALTH, Agency.YOT]).value,
        "kind": rng.choice(list(FindingKind)).value,
        "evidence_source": rng.choice(list(EvidenceSource)).value,
        "text": rng.choice(["missing episode", "health visit", "strategy meeting"]) + f" {seq}",
    }
    at = START + timedelta(minutes=seq if minutes is None else minutes)
    return Event(seq=seq, kind="finding.posted", actor=rng.choice(TEAM), at=at, data=data)


class ListApp(App[None]):
    def __init__(self, rows: list[FindingView]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield FindingList(id="list")

    def on_mount(self) -> None:
        self.query_one(FindingList).set_rows(self.rows)


async def test_twenty_thousand_findings_render_only_visible_lines() -> None:
    rng = random.Random(1)
    state = TeamState.build(welcome(), [event(seq, rng) for seq in range(1, 20_001)])
    app = ListApp(filter_findings(state.findings))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        widget = app.query_one(FindingList)
        assert widget.row_count == 20_000
        assert widget.lines_rendered <= 31 * 3  # a few frames of one screen, never 20,000 rows

        await pilot.press("pagedown", "pagedown", "down")
        reading = widget.highlighted_id
        widget.lines_rendered = 0
        view = state.apply(event(20_001, rng))
        assert view is not None
        widget.upsert(view)
        await pilot.pause()
        assert widget.rows[0].id == view.id
        assert widget.highlighted_id == reading  # the reader's place is kept
        assert widget.lines_rendered <= 31

        widget.lines_rendered = 0
        widget.set_rows(filter_findings(state.findings, FindingFilter(agency=Agency.POLICE, text="missing")))
        await pilot.pause()
        assert widget.lines_rendered <= 31


async def test_the_list_order_always_matches_filter_findings() -> None:
    rng = random.Random(7)
    events = [event(seq, rng, minutes=rng.randint(0, 50)) for seq in range(1, 301)]  # ties on time too
    state = TeamState.build(welcome(), events[:100])
    wanted = FindingFilter(agency=Agency.HEALTH)
    app = ListApp(filter_findings(state.findings, wanted))
    async with app.run_test(size=(100, 30)) as pilot:
        widget = app.query_one(FindingList)
        for extra in events[100:]:
            view = state.apply(extra)
            assert view is not None
            widget.upsert(view, wanted.matches(view))
        await pilot.pause()
        assert [v.id for v in widget.rows] == [v.id for v in filter_findings(state.findings, wanted)]
        for index, view in enumerate(widget.rows):
            assert widget.index_of(view.id) == index
        first = widget.rows[0]
        widget.take_off(first.id)
        assert widget.index_of(first.id) is None and widget.row_count == len(widget.rows)
