"""How soon a teammate's finding shows in the board's visible rows, with a big cache: the app against a bare board.

    .venv/bin/python bench/tui_live.py [--findings 20000 100000] [--catch-up 2000] [--live 40]

A small protocol server (its own thread and event loop, websockets) speaks to the real TeamClient: it welcomes the
app, replays ``--catch-up`` events the cache does not hold yet, says ``synced``, then sends ``--live`` findings one at
a time. Each is timed from just before the server's ``send`` to the frame in which the board draws its row (the
FindingList's ``render_line`` for that finding: only rows in the visible region are drawn). Never drawn within two
seconds counts as "missed" (the board was left scrolled away from the newest finding).

Baseline, in the same run: a bare Textual app holding only a FindingList with the same rows, reading the same server's
frames with a plain websockets client and inserting each finding's row (no store, no state, no features).
Also: the app's first rows after start (to the first frame drawing a finding), and its memory (peak RSS) with the
findings loaded, against the bare board's. Each app runs in its own process so its memory is its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import importlib.util

import websockets
from textual.app import App, ComposeResult

from shared.protocol import Event, Synced, decode_hello, decode_server, encode
from tui.app import TriangulateApp
from tui.board.finding_list import FindingList
from tui.client import TeamClient
from tui.state import TeamState, filter_findings
from tui.store import LocalStore

_spec = importlib.util.spec_from_file_location("bench_tui", Path(__file__).with_name("tui.py"))
assert _spec is not None and _spec.loader is not None
bench_tui = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_tui)
make_events, welcome = bench_tui.make_events, bench_tui.welcome  # bench/tui.py's findings and team

SIZE = (100, 30)
MISSED_AFTER = 2.0


# ---------------------------------------------------------------------- the server side


class ProtocolServer:
    """Welcome, replay, synced, then live findings on demand; runs in its own thread and event loop."""

    def __init__(self, head: int, replay: list[Event]) -> None:
        self.head, self.replay = head, replay
        self.loop = asyncio.new_event_loop()
        self.clients: list[Any] = []
        self.port = 0
        self._ready = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()
        self._ready.wait()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._serve())

    async def _serve(self) -> None:
        async with websockets.serve(self._handler, "127.0.0.1", 0, max_size=None) as server:
            self.port = next(iter(server.sockets)).getsockname()[1]
            self._ready.set()
            await asyncio.Future()

    async def _handler(self, ws: Any) -> None:
        hello = decode_hello(await ws.recv())
        await ws.send(encode(welcome().model_copy(update={"head": self.head})))
        for event in self.replay:
            if event.seq > hello.since:
                await ws.send(encode(event))
        await ws.send(encode(Synced(head=self.head)))
        self.clients.append(ws)
        await ws.wait_closed()

    def send(self, event: Event) -> float:
        """Send one event to every client; returns the moment (perf_counter) just before the send."""
        frame = encode(event)

        async def send() -> float:
            started = time.perf_counter()
            for ws in self.clients:
                await ws.send(frame)
            return started

        future: Future[float] = asyncio.run_coroutine_threadsafe(send(), self.loop)
        return future.result()


# ---------------------------------------------------------------------- seeing a row drawn


class Drawn:
    """Records when each finding's row is first drawn, by wrapping FindingList.render_line."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}
        self.first_row: float | None = None
        original = FindingList.render_line

        def render_line(widget: FindingList, y: int) -> Any:
            strip = original(widget, y)
            index = int(widget.scroll_y) + y - 1
            if y >= 1 and index < widget.row_count:
                now = time.perf_counter()
                self.first_row = self.first_row or now
                self.at.setdefault(widget.row(index).id, now)
            return strip

        FindingList.render_line = render_line  # type: ignore[method-assign]

    async def wait(self, finding_id: str, pause: Callable[[], Any]) -> float | None:
        deadline = time.perf_counter() + MISSED_AFTER
        while finding_id not in self.at:
            if time.perf_counter() > deadline:
                return None
            await pause()
        return self.at[finding_id]


GAP = [0.02]
"""Seconds between one live finding drawn and the next sent (--gap)."""


async def live_latencies(server: ProtocolServer, drawn: Drawn, extra: list[Event], pause: Callable[[], Any]) -> list[
        float | None]:
    """Milliseconds from the server's send to the row drawn, per live finding (None: never drawn)."""
    latencies: list[float | None] = []
    for event in extra:
        sent = server.send(event)
        shown = await drawn.wait(event.data["finding_id"], pause)
        latencies.append(None if shown is None else (shown - sent) * 1000)
        await asyncio.sleep(GAP[0])
    return latencies


def rss_kib() -> tuple[int, int]:
    """(peak, now) resident memory of this process, KiB."""
    with open("/proc/self/statm") as statm:
        now = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, now


# ---------------------------------------------------------------------- one process per app


async def run_app(cache: Path, events: list[Event], n: int, catch_up: int, live: int) -> dict[str, Any]:
    drawn = Drawn()
    server = ProtocolServer(n, events[n - catch_up:n])
    store = LocalStore(cache)

    def client(s: LocalStore) -> TeamClient:
        return TeamClient(f"ws://127.0.0.1:{server.port}", "bench", s, proxy=None)

    started = time.perf_counter()
    app = TriangulateApp(store=store, client_factory=client)
    async with app.run_test(size=SIZE) as pilot:
        deadline = time.perf_counter() + 300
        while not (app.caught_up and app.state.head == n and drawn.first_row):
            if time.perf_counter() > deadline or app._exception is not None:
                raise RuntimeError("the app never caught up")
            await pilot.pause(0.01)
        first_rows = (drawn.first_row - started) * 1000
        caught_up = (time.perf_counter() - started) * 1000
        await pilot.pause(0.2)
        newest_visible = events[n - 1].data["finding_id"] in visible_ids(app.board.findings)
        latencies = await live_latencies(server, drawn, events[n:n + live], pilot.pause)
        at_home = None
        if None in latencies:  # left scrolled away: how long it takes once the inspector goes back to the top
            await pilot.press("home")
            await pilot.pause(0.2)
            at_home = await live_latencies(server, drawn, events[n + live:n + 2 * live], pilot.pause)
        rss = rss_kib()
    store.close()
    return {"first rows": first_rows, "caught up": caught_up, "newest visible after catch-up": newest_visible,
            "latencies": latencies, "at home": at_home, "rss": rss}


def visible_ids(widget: FindingList) -> list[str]:
    top, height = int(widget.scroll_y), widget.scrollable_content_region.height - 1
    return [widget.row(i).id for i in range(top, min(top + height, widget.row_count))]


class BareBoard(App[None]):
    """The baseline: a FindingList alone, fed straight from the socket."""

    def __init__(self, state: TeamState, url: str) -> None:
        super().__init__()
        self.state, self.url = state, url

    def compose(self) -> ComposeResult:
        yield FindingList(id="list")

    def on_mount(self) -> None:
        self.query_one(FindingList).set_rows(filter_findings(self.state.findings))
        self.run_worker(self.receive())

    async def receive(self) -> None:
        widget = self.query_one(FindingList)
        async with websockets.connect(self.url, max_size=None, proxy=None) as ws:
            await ws.send(json.dumps({"type": "hello", "token": "bench", "since": self.state.head}))
            async for raw in ws:
                frame = decode_server(raw)
                if isinstance(frame, Event) and (view := self.state.apply(frame)) is not None:
                    widget.upsert(view)


async def run_bare(events: list[Event], n: int, live: int) -> dict[str, Any]:
    drawn = Drawn()
    server = ProtocolServer(n, [])
    started = time.perf_counter()
    state = TeamState.build(welcome(), events[:n])
    app = BareBoard(state, f"ws://127.0.0.1:{server.port}")
    async with app.run_test(size=SIZE) as pilot:
        while not (server.clients and drawn.first_row):
            await pilot.pause(0.01)
        first_rows = (drawn.first_row - started) * 1000
        await pilot.pause(0.2)
        latencies = await live_latencies(server, drawn, events[n:n + live], pilot.pause)
        rss = rss_kib()
    return {"first rows": first_rows, "latencies": latencies, "rss": rss}


def child(args: argparse.Namespace) -> None:
    GAP[0] = args.gap
    events = make_events(args.n + 2 * args.live)
    if args.kind == "app":
        result = asyncio.run(run_app(Path(args.cache), events, args.n, args.catch_up, args.live))
    else:
        result = asyncio.run(run_bare(events, args.n, args.live))
    print(json.dumps(result))


# ---------------------------------------------------------------------- the report


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def in_child(kind: str, n: int, cache: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, "--n", str(n), "--cache", str(cache),
               "--catch-up", str(args.catch_up), "--live", str(args.live), "--gap", str(args.gap)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def make_cache(path: Path, n: int, catch_up: int) -> None:
    events = make_events(n)
    with LocalStore(path) as store:
        store.save_welcome(welcome().model_copy(update={"head": n - catch_up}))
        store.append(events[:n - catch_up])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--findings", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--catch-up", type=int, default=2_000)
    parser.add_argument("--live", type=int, default=40)
    parser.add_argument("--gap", type=float, default=0.02, help="seconds from one finding drawn to the next sent")
    parser.add_argument("--child", choices=["app", "bare"])
    parser.add_argument("--n", type=int, default=0)
    parser.add_argument("--cache", default="")
    args = parser.parse_args()
    if args.child:
        args.kind = args.child
        child(args)
        return

    print(f"Live finding to the board's visible rows: terminal {SIZE[0]}x{SIZE[1]}, headless, catch-up of "
          f"{args.catch_up:,} then {args.live} live findings, {args.gap * 1000:.0f} ms apart; "
          f"load {os.getloadavg()[0]:.2f}\n")
    print(f"{'findings':>9}  {'':<10}{'p50 ms':>8}{'p95 ms':>8}{'missed':>8}{'first rows ms':>15}"
          f"{'RSS MiB peak/now':>18}")
    for n in args.findings:
        with tempfile.TemporaryDirectory() as tmp:
            cache = Path(tmp) / "cache.sqlite3"
            make_cache(cache, n, args.catch_up)
            ours = in_child("app", n, cache, args)
        bare = in_child("bare", n, Path("-"), args)
        rows = []
        runs = [("app", ours), ("bare board", bare)]
        if ours["at home"]:
            runs.insert(1, ("app, home", {**ours, "latencies": ours["at home"]}))
        for name, result in runs:
            shown = [v for v in result["latencies"] if v is not None]
            missed = len(result["latencies"]) - len(shown)
            p50 = statistics.median(shown) if shown else float("nan")
            p95 = percentile(shown, 95) if shown else float("nan")
            rows.append((p50, p95))
            peak, now = (kib / 1024 for kib in result["rss"])
            print(f"{n:>9,}  {name:<10}{p50:>8.1f}{p95:>8.1f}{missed:>8}{result['first rows']:>15.0f}"
                  f"{f'{peak:.0f} / {now:.0f}':>18}")
        (p50, p95), (b50, b95) = rows[-2], rows[-1]
        newest = ours["newest visible after catch-up"]
        print(f"{'':>9}  {'ratio':<10}{p50 / b50:>7.1f}x{p95 / b95:>7.1f}x   app caught up in "
              f"{ours['caught up']:.0f} ms; newest finding visible after catch-up: {newest}")
    print("\nratio = app / bare board (the app's row above it). 'missed': never drawn within 2 s (the board was\n"
          "scrolled away from the newest); then 'app, home' is the same after pressing home (the list at its top).\n"
          "First rows: from constructing the app to the first frame drawing a finding (the bare board builds its\n"
          "state first). RSS is the whole process (Python, Textual, the findings): its peak, and after the live\n"
          "findings.")


if __name__ == "__main__":
    main()
