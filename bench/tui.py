"""How the team board copes with a big inspection: 20,000 findings, headless, against a stock DataTable.

    /work/venv/bin/python bench/tui.py [--findings 20000] [--repeat 5]

Measures, for the virtual FindingList and for a baseline DataTable fed the very same cells:
  * start to first paint with every row loaded (run_test headless, until the first frame is drawn),
  * applying one live event (a new finding at the top, newest first), up to the next frame,
  * applying a filter (agency + free text), up to the next frame.
And for the whole app: opening from a 20,000-event cache, and one live event through the real message path.
Figures are medians of --repeat runs in milliseconds; "ratio" is baseline / ours.
The whole path, from a server's send to the row drawn in view, with first rows and memory: bench/tui_live.py.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from shared.kinds import FINDING_POSTED
from shared.protocol import Event, Inspection, Inspector, Welcome
from shared.vocabulary import (
    Agency,
    EvidenceSource,
    FindingKind,
    Framework,
    Inspectorate,
    Role,
    judgement_areas_for,
)
from tui import messages as m
from tui.app import ClientBatch, TriangulateApp
from tui.board.finding_list import FindingList
from tui.board.finding_row import cells, fit_columns
from tui.state import FindingFilter, FindingView, TeamState, filter_findings
from tui.store import LocalStore
from tui.timefmt import zone

SIZE = (100, 30)
START = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
WORDS = [
    "strategy",
    "meeting",
    "referral",
    "plan",
    "visit",
    "child",
    "missing",
    "health",
    "assessment",
    "police",
    "supervision",
    "oversight",
    "caseload",
    "escalation",
    "family",
    "school",
    "neglect",
    "review",
    "chronology",
    "audit",
    "consent",
]
TEAM = [
    Inspector(id=i + 1, name=name, inspectorate=insp, role=Role.LEAD if i == 0 else Role.INSPECTOR)
    for i, (name, insp) in enumerate(
        [
            ("Helen Marsh", Inspectorate.OFSTED),
            ("Priya Raman", Inspectorate.CQC),
            ("Gareth Lloyd", Inspectorate.HMIC),
            ("Sian Whitfield", Inspectorate.HMI_PROBATION),
            ("Tom Ashworth", Inspectorate.HMI_PRISONS),
            ("Daniel Okafor", Inspectorate.OFSTED),
        ]
    )
]
INSPECTION = Inspection(id=1, name="Benchmark", framework=Framework.INTEGRATED, start_date=date(2026, 11, 16))
FILTER = FindingFilter(agency=Agency.POLICE, text="missing")


def make_event(seq: int, rng: random.Random) -> Event:
    agency = rng.choice(list(Agency))
    areas = judgement_areas_for(agency)
    data = {
        "finding_id": f"f{seq:06d}",
        "agency": agency.value,
        "judgement_area": rng.choice(areas).value if areas and rng.random() < 0.7 else None,
        "criterion": f"{rng.randint(20, 118)}{rng.choice('abcdefgh')}" if rng.random() < 0.5 else None,
        "kind": rng.choice(list(FindingKind)).value,
        "evidence_source": rng.choice(list(EvidenceSource)).value,
        "text": " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40))).capitalize() + ".",
        "child_id": f"NM-{rng.randint(1000, 9999)}" if rng.random() < 0.6 else None,
    }
    return Event(
        seq=seq, kind=FINDING_POSTED, actor=rng.choice(TEAM), at=START + timedelta(seconds=40 * seq), data=data
    )


def make_events(n: int) -> list[Event]:
    rng = random.Random(2026)
    return [make_event(seq, rng) for seq in range(1, n + 1)]


def welcome() -> Welcome:
    return Welcome(inspector=TEAM[0], inspection=INSPECTION, epoch="bench", head=0, team=TEAM, online=[1])


# ---------------------------------------------------------------------- the two widgets, alone


class OursApp(App[None]):
    def __init__(self, views: list[FindingView]) -> None:
        super().__init__()
        self.views = views

    def compose(self) -> ComposeResult:
        yield FindingList(id="list")

    def on_mount(self) -> None:
        self.query_one(FindingList).set_rows(self.views)


def row_cells(view: FindingView, width: int) -> tuple[str, ...]:
    values = cells(view, zone(None), unread=False)
    return tuple(values[c.key] for c in fit_columns(width))


class BaselineApp(App[None]):
    """The stock way: a DataTable with every row added up front, kept newest first by sorting."""

    def __init__(self, views: list[FindingView]) -> None:
        super().__init__()
        self.views = views

    def compose(self) -> ComposeResult:
        yield DataTable(id="list", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        columns = fit_columns(SIZE[0] - 2)
        for column in columns:
            table.add_column(column.title or " ", key=column.key, width=column.width or 30)
        table.add_rows([row_cells(v, SIZE[0] - 2) for v in self.views])


async def timed(action: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await action()
    return (time.perf_counter() - started) * 1000


async def bench_widget(kind: str, views: list[FindingView], state: TeamState, extra: Event) -> dict[str, float]:
    """Start, one live event and one filter for one widget; each op timed up to the next painted frame."""
    app: App[None] = OursApp(views) if kind == "ours" else BaselineApp(views)
    started = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first_paint = (time.perf_counter() - started) * 1000
        widget = app.query_one("#list")
        new_view = state.apply(extra)
        assert new_view is not None

        def live() -> None:
            if isinstance(widget, FindingList):
                widget.upsert(new_view)
            else:
                assert isinstance(widget, DataTable)
                widget.add_row(*row_cells(new_view, SIZE[0] - 2))
                widget.sort("time", reverse=True)  # the only way to keep newest first in a DataTable

        def refilter() -> None:
            if isinstance(widget, FindingList):
                widget.set_rows(filter_findings(state.findings, FILTER))
            else:
                assert isinstance(widget, DataTable)
                widget.clear()
                widget.add_rows([row_cells(v, SIZE[0] - 2) for v in filter_findings(state.findings, FILTER)])

        idle = await timed(pilot.pause)
        live_work, live_frame = await work_and_frame(live, pilot.pause)
        filter_work, filter_frame = await work_and_frame(refilter, pilot.pause)
    return {
        "first paint": first_paint,
        "live event: work": live_work,
        "live event: to next frame": live_frame,
        "filter: work": filter_work,
        "filter: to next frame": filter_frame,
        "(idle frame, for scale)": idle,
    }


async def work_and_frame(action: Callable[[], None], frame: Callable[[], Awaitable[Any]]) -> tuple[float, float]:
    """(ms for the call itself, ms until the following frame has been drawn)."""
    started = time.perf_counter()
    action()
    work = (time.perf_counter() - started) * 1000
    await frame()
    return work, (time.perf_counter() - started) * 1000


# ---------------------------------------------------------------------- the whole app


async def bench_app(cache: Path, cached: int, extra: Event) -> dict[str, float]:
    """The real app from a 20,000-event cache: start to rows on screen; one live event through the worker path."""
    store = LocalStore(cache)
    app = TriangulateApp(store=store, now=lambda: START + timedelta(days=2))
    started = time.perf_counter()
    try:
        async with app.run_test(size=SIZE) as pilot:
            first_frame = (time.perf_counter() - started) * 1000  # run_test yields once the board is drawn
            deadline = time.perf_counter() + 120
            first_rows = 0.0
            while app.state.head < cached:  # a big cache shows its newest findings first, then the whole
                if time.perf_counter() > deadline or app._exception is not None:
                    raise RuntimeError("the app never showed the cached findings")
                if not first_rows and app.board.findings.row_count:
                    first_rows = (time.perf_counter() - started) * 1000
                await pilot.pause(0.005)
            await pilot.pause()
            loaded = (time.perf_counter() - started) * 1000
            app.board.findings.lines_rendered = 0
            before = time.perf_counter()
            app.post_message(ClientBatch([m.EventReceived(extra)]))
            await pilot.pause()
            live = (time.perf_counter() - before) * 1000
            assert app.board.findings.rows[0].id == extra.data["finding_id"]
            lines = app.board.findings.lines_rendered
            before = time.perf_counter()
            app.board.query_one("#filter-bar").set_query("police missing")  # type: ignore[attr-defined]
            await pilot.pause()
            await pilot.pause()
            filtering = (time.perf_counter() - before) * 1000
    finally:
        store.close()
    return {
        "first frame": first_frame,
        "first rows on screen": first_rows or loaded,
        "every row on screen": loaded,
        "live event": live,
        "filter (search box)": filtering,
        "lines repainted per event": lines,
    }


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--findings", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n = args.findings

    events = make_events(n + args.repeat * 2 + 1)
    base_events, spare = events[:n], events[n:]
    print(
        f"Triangulate board benchmark: {n:,} findings, terminal {SIZE[0]}x{SIZE[1]}, headless, "
        f"median of {args.repeat}\n"
    )

    results: dict[str, list[dict[str, float]]] = {"ours": [], "baseline": []}
    for i in range(args.repeat):
        for kind in ("ours", "baseline"):
            state = TeamState.build(welcome(), base_events)
            views = filter_findings(state.findings)
            results[kind].append(await bench_widget(kind, views, state, spare[i]))
    ours, base = median_of(results["ours"]), median_of(results["baseline"])
    print(f"{'widget (ms)':<30}{'FindingList':>12}{'DataTable':>12}{'ratio':>9}")
    for key in ours:
        ratio = base[key] / ours[key] if ours[key] else float("inf")
        print(f"{key:<30}{ours[key]:>12.1f}{base[key]:>12.1f}{ratio:>8.1f}x")

    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache.sqlite3"
        with LocalStore(cache) as store:
            store.save_welcome(welcome())
            store.append(base_events)
        runs = [await bench_app(cache, n, spare[args.repeat + i]) for i in range(args.repeat)]
    whole = median_of(runs)
    print(f"\n{f'whole app, {n:,}-event cache':<34}{'ms':>10}")
    for key, value in whole.items():
        print(f"{key:<34}{value:>10.1f}")
    print(
        "\nNotes: 'to next frame' includes run_test's own frame wait (see the idle frame); DataTable defers much\n"
        "of its work to drawing, so compare 'to next frame'. In the whole app, 'first frame' is the board drawn\n"
        "while the cache loads in a thread; 'every row' includes reading and folding every cached event;\n"
        "'lines repainted per event' counts render_line calls for one live event (the screen has ~20 rows)."
    )


if __name__ == "__main__":
    asyncio.run(main())
