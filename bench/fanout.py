"""Fan-out benchmark: one sender, N receivers, Triangulate vs a bare websockets broadcast server.

Usage: python bench/fanout.py [--receivers 50] [--messages 500] [--window 32] [--alerts 500]
       python bench/fanout.py --idle 500   (server memory per idle connection instead)
       either with --db postgresql+psycopg://USER:PASSWORD@HOST/DBNAME (default: SQLite; bench/backends.py)

Why a baseline: absolute numbers depend on the machine, so each run also measures a minimal
``websockets`` server that just rebroadcasts every frame (no parsing, no storage), driven by the same
client harness. The ratio shows what durability, validation and per-connection queues cost.

Each server runs in its own process (so the 50 clients in this process do not steal its event loop).
Measured per server:
- latency: the sender posts one message at a time; time from ``send`` until the *last* receiver has it;
- durable commands/s: the sender posts as fast as acks allow, sequentially and with a window of
  in-flight commands (for the baseline the sender's own copy of the broadcast stands in for the ack);
- alert fan-out latency: the sender (an inspector; the lead is among the receivers) raises significant-harm
  escalations one at a time; time from ``send`` until the *last* receiver has the ``alert.raised`` event.
  This is the path that must feel instant (issue 4); it also pays for the server's deadline watch, which
  looks at open escalations again after every alert change.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import signal
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import websockets
from backends import bench_database, describe
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, broadcast, serve

from shared.kinds import ALERT_RAISED, FINDING_POSTED

WARMUP = 20


# ---------------------------------------------------------------- servers (child processes)


def _run_until_terminated(start: Callable[[], Awaitable[tuple[int, Callable[[], Awaitable[None]]]]],
                          ready: Connection) -> None:
    """Start a server, report its port through ``ready``, and stop cleanly on SIGTERM."""

    async def main() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        port, close = await start()
        ready.send(port)
        await stop.wait()
        await close()

    asyncio.run(main())


def serving(
    handler: Callable[[ServerConnection], Awaitable[None]], **options: Any
) -> Callable[[], Awaitable[tuple[int, Callable[[], Awaitable[None]]]]]:
    """A bare ``websockets`` server's ``start`` for ``_run_until_terminated``: ``handler`` on an ephemeral port."""

    async def start() -> tuple[int, Callable[[], Awaitable[None]]]:
        server = await serve(handler, "127.0.0.1", 0, compression=None, **options)
        port = int(next(iter(server.sockets)).getsockname()[1])

        async def close() -> None:
            server.close()
            await server.wait_closed()

        return port, close

    return start


def triangulate_server(db_url: str, ready: Connection) -> None:
    from server.network.team_server import ServerConfig, TeamServer

    async def start() -> tuple[int, Callable[[], Awaitable[None]]]:
        # No per-connection rate limit: this measures what one sender can push (bench/hostile.py keeps it on).
        server = TeamServer(ServerConfig(db_url=db_url, host="127.0.0.1", port=0, command_rate=None))
        await server.__aenter__()

        async def close() -> None:
            await server.__aexit__(None, None, None)

        return server.port, close

    _run_until_terminated(start, ready)


def baseline_server(ready: Connection) -> None:
    """The least a live-sharing server can do: rebroadcast every frame to every connection."""
    clients: set[ServerConnection] = set()

    async def handler(ws: ServerConnection) -> None:
        clients.add(ws)
        try:
            async for message in ws:
                broadcast(clients, message)
        finally:
            clients.discard(ws)

    _run_until_terminated(serving(handler), ready)


class ServerProcess:
    """A server in a spawned process; ``port`` once it listens."""

    def __init__(self, target: Callable[..., None], *args: Any) -> None:
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        self.process = ctx.Process(target=target, args=(*args, child), daemon=True)
        self.process.start()
        if not parent.poll(30):
            raise RuntimeError(f"{target.__name__} did not start")
        self.port: int = parent.recv()

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(10)


# ---------------------------------------------------------------- client harness (shared)


@dataclass
class Flavour:
    """How the harness speaks to one kind of server; everything else is identical."""

    name: str
    tokens: list[str]
    """tokens[0] is the sender's; one per receiver after it (empty strings for the baseline)."""
    hello: bool

    def ack_id(self, obj: dict[str, Any]) -> str | None:
        """Which sent message this frame confirms to the sender."""
        if self.hello:
            return obj.get("id") if obj.get("type") == "ack" else None
        return obj.get("id")

    def message_id(self, obj: dict[str, Any]) -> str | None:
        """Which sent message this frame delivers to a receiver."""
        if not self.hello:
            return obj.get("id")
        if obj.get("type") != "event":
            return None
        key = {FINDING_POSTED: "finding_id", ALERT_RAISED: "alert_id"}.get(obj.get("kind", ""))
        return obj["data"].get(key) if key else None


@dataclass
class Tracker:
    """Per-message bookkeeping: when it was sent, acked, and last delivered."""

    receivers: int
    sent: dict[str, float] = field(default_factory=dict)
    acked: dict[str, asyncio.Future[float]] = field(default_factory=dict)
    delivered: dict[str, asyncio.Future[float]] = field(default_factory=dict)
    remaining: dict[str, int] = field(default_factory=dict)

    def expect(self, mid: str) -> None:
        loop = asyncio.get_running_loop()
        self.acked[mid] = loop.create_future()
        self.delivered[mid] = loop.create_future()
        self.remaining[mid] = self.receivers

    def on_ack(self, mid: str, now: float) -> None:
        future = self.acked.get(mid)
        if future is not None and not future.done():
            future.set_result(now)

    def on_delivery(self, mid: str, now: float) -> None:
        if mid not in self.remaining:
            return
        self.remaining[mid] -= 1
        if self.remaining[mid] == 0:
            self.delivered[mid].set_result(now)


def post(mid: str) -> str:
    return json.dumps({
        "type": "finding.post",
        "id": mid,
        "agency": "health",
        "judgement_area": "help-and-protection",
        "kind": "strength",
        "evidence_source": "case-file",
        "text": "Health visitors share concerns with social care within a day; strategy meetings follow.",
        "child_id": "NHS-0042",
    })


def alert(mid: str) -> str:
    """A significant-harm escalation; each is a new alert (its id is the command id)."""
    return json.dumps({
        "type": "alert.raise",
        "id": mid,
        "level": "significant-harm",
        "agency": "health",
        "child_id": "NHS-0042",
        "summary": "Bruising seen at a health visit was not referred to children's social care.",
        "immediate_action": "Arrange a child protection medical today.",
    })


async def join(
    url: str, token: str, flavour: Flavour, caught_up: Callable[[dict[str, Any]], None] | None = None
) -> ClientConnection:
    """Connect; a Triangulate connection says hello and catches up, each frame before ``synced`` to ``caught_up``."""
    ws = await connect(url, proxy=None, compression=None, max_queue=None, open_timeout=30)
    if flavour.hello:
        await ws.send(json.dumps({"type": "hello", "token": token, "since": 0}))
        while (frame := json.loads(await ws.recv())).get("type") != "synced":
            if caught_up is not None:
                caught_up(frame)
    return ws


async def read(ws: ClientConnection, handle: Callable[[dict[str, Any], float], None]) -> None:
    async for raw in ws:
        now = time.perf_counter()
        handle(json.loads(raw), now)


async def run_flavour(url: str, flavour: Flavour, messages: int, window: int, alerts: int,
                      receivers_url: str | None = None) -> dict[str, float]:
    """Every figure for one server; the receivers connect to ``receivers_url`` if given (another instance)."""
    receivers = len(flavour.tokens) - 1
    tracker = Tracker(receivers)
    sender = await join(url, flavour.tokens[0], flavour)
    clients = [await join(receivers_url or url, token, flavour) for token in flavour.tokens[1:]]

    def on_sender_frame(obj: dict[str, Any], now: float) -> None:
        mid = flavour.ack_id(obj)
        if mid is not None:
            tracker.on_ack(mid, now)

    def on_receiver_frame(obj: dict[str, Any], now: float) -> None:
        mid = flavour.message_id(obj)
        if mid is not None:
            tracker.on_delivery(mid, now)

    readers = [asyncio.create_task(read(sender, on_sender_frame))]
    readers += [asyncio.create_task(read(ws, on_receiver_frame)) for ws in clients]
    run = f"{os.getpid()}-{time.monotonic_ns()}"

    async def send(mid: str, frame: Callable[[str], str] = post) -> None:
        tracker.expect(mid)
        tracker.sent[mid] = time.perf_counter()
        await sender.send(frame(mid))

    async def sequential(
        phase: str, count: int, until_delivered: bool, frame: Callable[[str], str] = post
    ) -> list[str]:
        ids = [f"{phase}-{run}-{i}" for i in range(count)]
        for mid in ids:
            await send(mid, frame)
            await (tracker.delivered if until_delivered else tracker.acked)[mid]
        return ids

    async def windowed(phase: str, count: int) -> list[str]:
        ids = [f"{phase}-{run}-{i}" for i in range(count)]
        slots = asyncio.Semaphore(window)
        for mid in ids:
            await slots.acquire()
            await send(mid)
            tracker.acked[mid].add_done_callback(lambda _f: slots.release())
        await asyncio.gather(*(tracker.acked[mid] for mid in ids))
        return ids

    async def settle(ids: list[str]) -> None:
        """Let every receiver catch up before the next phase starts."""
        await asyncio.gather(*(tracker.delivered[mid] for mid in ids))

    await settle(await sequential("warm", WARMUP, until_delivered=True))

    ids = await sequential("lat", messages, until_delivered=True)
    latencies = [(tracker.delivered[m].result() - tracker.sent[m]) * 1000 for m in ids]

    start = time.perf_counter()
    ids = await sequential("seq", messages, until_delivered=False)
    seq_rate = messages / (time.perf_counter() - start)
    await settle(ids)

    start = time.perf_counter()
    ids = await windowed("win", messages)
    win_rate = messages / (time.perf_counter() - start)
    await settle(ids)

    await settle(await sequential("alert-warm", WARMUP, until_delivered=True, frame=alert))
    ids = await sequential("alert", alerts, until_delivered=True, frame=alert)
    alert_latencies = [(tracker.delivered[m].result() - tracker.sent[m]) * 1000 for m in ids]

    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    await asyncio.gather(*(ws.close() for ws in [sender, *clients]))
    return {
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "seq": seq_rate,
        "win": win_rate,
        "alert_p50": percentile(alert_latencies, 50),
        "alert_p99": percentile(alert_latencies, 99),
    }


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


# ---------------------------------------------------------------- setup and report


def make_team(db_url: str, receivers: int) -> list[str]:
    """An inspection with a sender (an inspector) and one member per receiver, the first of them the lead.

    Returns their tokens, the sender's first.
    """
    from server.storage import database
    from shared.vocabulary import Framework, Inspectorate, Role

    engine = database.connect(db_url)
    inspection = database.create_inspection(
        engine, name="Bench", framework=Framework.INTEGRATED, start_date=date(2026, 11, 16),
        timezone="Europe/London",
    )
    tokens = []
    for i in range(receivers + 1):
        _, token = database.add_inspector(
            engine, inspection_id=inspection.id, name=f"Inspector {i}",
            inspectorate=Inspectorate.CQC, role=Role.LEAD if i == 1 else Role.INSPECTOR,
        )
        tokens.append(token)
    engine.dispose()
    return tokens


def resident_kib(pid: int) -> int:
    """A process's resident set (VmRSS), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


async def idle_growth(url: str, flavour: Flavour, pid: int, warm: int) -> float:
    """KiB of server memory per idle connection: the resident set after ``warm`` connections, then after the rest
    (each said hello and caught up, then sends nothing), over the number added."""
    opened = [await join(url, token, flavour) for token in flavour.tokens[:warm]]
    await asyncio.sleep(1)
    before = resident_kib(pid)
    opened += [await join(url, token, flavour) for token in flavour.tokens[warm:]]
    await asyncio.sleep(1)
    grown = resident_kib(pid) - before
    await asyncio.gather(*(ws.close() for ws in opened))
    return grown / (len(flavour.tokens) - warm)


def idle_memory(connections: int, db: str | None) -> None:
    """Server memory per idle connection, Triangulate against the bare broadcast server, in the same run."""
    warm = 50
    with tempfile.TemporaryDirectory(prefix="triangulate-bench-") as tmp, \
            bench_database(db, Path(tmp), "idle") as db_url:
        tokens = make_team(db_url, warm + connections - 1)
        figures = {}
        for name, flavour, target, target_args in [
            ("triangulate", Flavour("triangulate", tokens, hello=True), triangulate_server, (db_url,)),
            ("baseline", Flavour("baseline", [""] * len(tokens), hello=False), baseline_server, ()),
        ]:
            server = ServerProcess(target, *target_args)
            try:
                url = f"ws://127.0.0.1:{server.port}"
                figures[name] = asyncio.run(idle_growth(url, flavour, server.process.pid or 0, warm))
            finally:
                server.stop()
    tri, base = figures["triangulate"], figures["baseline"]
    print(f"server memory per idle connection over {connections} (RSS growth, KiB): "
          f"triangulate {tri:.1f}, baseline {base:.1f}, ratio {tri / base:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--receivers", type=int, default=50)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--window", type=int, default=32, help="commands in flight in the windowed run")
    parser.add_argument("--alerts", type=int, default=500, help="significant-harm alerts raised, one at a time")
    parser.add_argument("--idle", type=int, default=0,
                        help="instead: server memory per idle connection over this many connections")
    parser.add_argument("--db", help="a postgresql+psycopg:// URL (a schema of its own, dropped afterwards); "
                                     "default SQLite")
    args = parser.parse_args()
    if args.idle:
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {describe(args.db)}")
        idle_memory(args.idle, args.db)
        return

    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.platform()}")
    print(f"python {platform.python_version()}, websockets {websockets.__version__}, {describe(args.db)}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"1 sender, {args.receivers} receivers, {args.messages} messages per phase, "
          f"window {args.window}, {args.alerts} alerts, loopback\n")

    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="triangulate-bench-") as tmp, \
            bench_database(args.db, Path(tmp), "bench") as db_url:
        tokens = make_team(db_url, args.receivers)
        runs = [
            ("triangulate", Flavour("triangulate", tokens, hello=True), triangulate_server, (db_url,)),
            ("baseline", Flavour("baseline", [""] * (args.receivers + 1), hello=False), baseline_server, ()),
        ]
        for name, flavour, target, target_args in runs:
            started = time.perf_counter()
            server = ServerProcess(target, *target_args)
            try:
                results[name] = asyncio.run(
                    run_flavour(f"ws://127.0.0.1:{server.port}", flavour, args.messages, args.window, args.alerts)
                )
            finally:
                server.stop()
            print(f"  {name}: done in {time.perf_counter() - started:.1f}s", file=sys.stderr)

    rows = [
        ("latency p50, send -> last receiver (ms)", "p50", "{:.2f}"),
        ("latency p99, send -> last receiver (ms)", "p99", "{:.2f}"),
        ("commands/s, sequential (ack each)", "seq", "{:.0f}"),
        (f"commands/s, window {args.window}", "win", "{:.0f}"),
        ("alert fan-out p50, raise -> last receiver (ms)", "alert_p50", "{:.2f}"),
        ("alert fan-out p99, raise -> last receiver (ms)", "alert_p99", "{:.2f}"),
    ]
    tri, base = results["triangulate"], results["baseline"]
    print(f"{'metric':<48}{'triangulate':>13}{'baseline':>11}{'tri/base':>10}")
    for label, key, fmt in rows:
        ratio = tri[key] / base[key] if base[key] else float("nan")
        print(f"{label:<48}{fmt.format(tri[key]):>13}{fmt.format(base[key]):>11}{ratio:>10.2f}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("\nTriangulate acks only after the command is committed to the database (durable); the baseline"
          " stores nothing and its 'ack' is the sender's own copy of the broadcast.")
    print("For alerts the baseline rebroadcasts the raise frame as it is; Triangulate validates it, stores the"
          " alert and its event, and wakes its deadline watch.")


if __name__ == "__main__":
    main()
