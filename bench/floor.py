"""Server CPU per durable finding: Triangulate against the floor, a bare server that commits then broadcasts.

Usage: python bench/floor.py [--findings 2000] [--receivers 10] [--windows 1,16] [--profile out.prof]
                              [--db postgresql+psycopg://USER:PASSWORD@HOST/DBNAME]

The floor is the least a durable live-sharing server can do: a ``websockets`` server that, for every frame,
commits it to the database (one transaction per frame; SQLite with WAL and synchronous=FULL, or PostgreSQL with
``synchronous_commit`` on) and then broadcasts it to every connection, the sender included (its copy stands in
for the ack). Both servers use the backend ``--db`` names (bench/backends.py). Triangulate does that and validates the
command, applies the rules (isolation, idempotent resend, the personal-data guard), keeps the projections and
encodes the event.

Both servers run in their own process, driven by the same client harness (bench/fanout.py). The figure is the
server process's CPU time (user + system, from /proc, every thread counted) over the findings posted, after a
warm-up (on PostgreSQL the database's own processes are not counted, for either server); with ``--window 1``
each finding is acked before the next is sent, so neither server batches.
``--profile`` also writes a cProfile of the writer's path for one-command batches (bench/floor.py profile_commands).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import platform
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

import websockets
from backends import RawStore, bench_database, describe
from fanout import Flavour, ServerProcess, Tracker, _run_until_terminated, join, make_team, post, read, serving
from websockets.asyncio.server import ServerConnection, broadcast

WARMUP = 50


def floor_server(db_url: str, ready: Connection) -> None:
    """Commit every frame to the database, then broadcast it to every connection."""
    db = RawStore(db_url)
    key = "BIGSERIAL" if db.postgres else "INTEGER"
    db.execute(f"CREATE TABLE IF NOT EXISTS floor_frame (seq {key} PRIMARY KEY, frame TEXT NOT NULL)")
    clients: set[ServerConnection] = set()

    async def handler(ws: ServerConnection) -> None:
        clients.add(ws)
        try:
            async for message in ws:
                db.execute("BEGIN")
                db.execute("INSERT INTO floor_frame (frame) VALUES (?)", (message,))
                db.execute("COMMIT")
                broadcast(clients, message)
        finally:
            clients.discard(ws)

    _run_until_terminated(serving(handler), ready)


def profile_commands(db_url: str, findings: int, out: str) -> None:
    """cProfile of the writer's path for ``findings`` one-command batches, in this process (the writer runs in a
    worker thread in the server, out of a whole-process profile's sight)."""
    from server.storage import database
    from server.storage.writer import Submission, Writer
    from shared.catalogue import decode_command

    engine = database.connect(db_url)
    inspection = database.list_inspections(engine)[0]
    actor = database.team(engine, inspection_id=inspection.id)[0]
    writer = Writer(engine)
    commands = [decode_command(post(f"profiled-{i}")) for i in range(WARMUP + findings)]

    def commit(command: object) -> None:
        submission = Submission(inspection.id, actor, command, lambda _outcome: None)  # type: ignore[arg-type]
        writer._commit([submission])

    for command in commands[:WARMUP]:
        commit(command)
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [commit(command) for command in commands[WARMUP:]])
    profiler.dump_stats(out)
    engine.dispose()
    print(f"profile of {findings} one-command batches written to {out}")


def triangulate_server(db_url: str, ready: Connection) -> None:
    from fanout import triangulate_server as run

    run(db_url, ready)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def post_findings(url: str, flavour: Flavour, server_pid: int, findings: int, window: int) -> float:
    """CPU milliseconds the server spent per finding, each acked and delivered to every receiver."""
    tracker = Tracker(len(flavour.tokens) - 1)
    sender = await join(url, flavour.tokens[0], flavour)
    clients = [await join(url, token, flavour) for token in flavour.tokens[1:]]
    readers = [asyncio.create_task(read(sender, lambda obj, now: _ack(tracker, flavour, obj, now)))]
    readers += [asyncio.create_task(read(ws, lambda obj, now: _delivery(tracker, flavour, obj, now)))
                for ws in clients]
    run = f"{os.getpid()}-{time.monotonic_ns()}"

    async def send_all(phase: str, count: int) -> None:
        ids = [f"{phase}-{run}-{i}" for i in range(count)]
        slots = asyncio.Semaphore(window)
        for mid in ids:
            await slots.acquire()
            tracker.expect(mid)
            await sender.send(post(mid))
            tracker.acked[mid].add_done_callback(lambda _f: slots.release())
        await asyncio.gather(*(tracker.acked[mid] for mid in ids), *(tracker.delivered[mid] for mid in ids))

    await send_all("warm", WARMUP)
    before = cpu_seconds(server_pid)
    await send_all(f"w{window}", findings)
    spent = cpu_seconds(server_pid) - before
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    await asyncio.gather(*(ws.close() for ws in [sender, *clients]))
    return spent * 1000 / findings


def _ack(tracker: Tracker, flavour: Flavour, obj: dict[str, object], now: float) -> None:
    mid = flavour.ack_id(obj)  # type: ignore[arg-type]
    if mid is not None:
        tracker.on_ack(mid, now)


def _delivery(tracker: Tracker, flavour: Flavour, obj: dict[str, object], now: float) -> None:
    mid = flavour.message_id(obj)  # type: ignore[arg-type]
    if mid is not None:
        tracker.on_delivery(mid, now)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--findings", type=int, default=2000)
    parser.add_argument("--receivers", type=int, default=10)
    parser.add_argument("--windows", default="1,16", help="findings in flight, one run per value")
    parser.add_argument("--profile", help="write a cProfile of Triangulate's server (last window) to this file")
    parser.add_argument("--db", help="a postgresql+psycopg:// URL (a schema of its own, dropped afterwards); "
                                     "default SQLite")
    args = parser.parse_args()
    windows = [int(w) for w in args.windows.split(",")]

    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.platform()}")
    print(f"python {platform.python_version()}, websockets {websockets.__version__}, {describe(args.db)}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"1 sender, {args.receivers} receivers, {args.findings} findings per window, loopback\n")
    print(f"{'window':>6}{'triangulate ms CPU/finding':>28}{'floor ms CPU/finding':>22}{'ratio':>8}")
    with tempfile.TemporaryDirectory(prefix="triangulate-floor-") as tmp:
        for window in windows:
            with bench_database(args.db, Path(tmp), f"tri-{window}") as db_url:
                tokens = make_team(db_url, args.receivers)
                tri = ServerProcess(triangulate_server, db_url)
                try:
                    tri_ms = asyncio.run(post_findings(f"ws://127.0.0.1:{tri.port}",
                                                       Flavour("triangulate", tokens, True),
                                                       tri.process.pid or 0, args.findings, window))
                finally:
                    tri.stop()
            with bench_database(args.db, Path(tmp), f"floor-{window}") as db_url:
                bare = ServerProcess(floor_server, db_url)
                try:
                    bare_ms = asyncio.run(post_findings(f"ws://127.0.0.1:{bare.port}",
                                                        Flavour("floor", [""] * (args.receivers + 1), False),
                                                        bare.process.pid or 0, args.findings, window))
                finally:
                    bare.stop()
            print(f"{window:>6}{tri_ms:>28.3f}{bare_ms:>22.3f}{tri_ms / bare_ms:>8.2f}")
        if args.profile:
            with bench_database(args.db, Path(tmp), "profiled") as db_url:
                make_team(db_url, args.receivers)
                profile_commands(db_url, args.findings, args.profile)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
