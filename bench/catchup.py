"""Catch-up: how long a client that holds nothing waits for the whole log, against a raw replay of the same frames.

Usage: python bench/catchup.py [--events 10000,100000] [--runs 3]
                                [--db postgresql+psycopg://USER:PASSWORD@HOST/DBNAME]

The log is written through the server's own writer (finding posts, committed in batches), so it is what a real
inspection stores. The baseline is the least a replaying server can do: a bare ``websockets`` server that reads the
same frames (those Triangulate sent in its first catch-up, stored in a database of their own on the same backend,
with the same (inspection, seq) key) 500 at a time in seq order, and sends each one. ``--db`` picks the backend
(bench/backends.py). The server that catches the client up did not write the log, so on PostgreSQL the figure is
also a catch-up on a second instance. Both servers run in their own process;
the client says hello (since 0) and the clock stops when the last event has arrived. The median of ``--runs``
catch-ups is reported for each, and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

import websockets
from backends import RawStore, bench_database, describe
from fanout import ServerProcess, _run_until_terminated, make_team, post, serving, triangulate_server
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection

PAGE = 500


def write_log(db_url: str, events: int) -> int:
    """Post ``events`` findings through the writer, in full batches; returns the inspection's id."""
    from server.storage import database
    from server.storage.writer import MAX_BATCH, Submission, Writer
    from shared.catalogue import decode_command

    engine = database.connect(db_url)
    inspection = database.list_inspections(engine)[0]
    author = database.team(engine, inspection_id=inspection.id)[0]
    writer = Writer(engine)
    for start in range(0, events, MAX_BATCH):
        batch = [Submission(inspection.id, author, decode_command(post(f"log-{i}")), lambda _outcome: None)
                 for i in range(start, min(events, start + MAX_BATCH))]
        writer._commit(batch)
    engine.dispose()
    return inspection.id


def store_frames(db_url: str, inspection_id: int, frames: list[str]) -> None:
    db = RawStore(db_url)
    db.execute("CREATE TABLE raw_frame (inspection_id INTEGER, seq INTEGER, frame TEXT,"
               " PRIMARY KEY (inspection_id, seq))")
    db.execute("BEGIN")
    rows = [(inspection_id, seq, frame) for seq, frame in enumerate(frames, 1)]
    db.executemany("INSERT INTO raw_frame VALUES (?, ?, ?)", rows)
    db.execute("COMMIT")
    db.connection.close()


def raw_replay_server(db_url: str, inspection_id: int, ready: Connection) -> None:
    """On any first message: send every stored frame of the inspection, a page at a time, then close."""
    db = RawStore(db_url)

    async def handler(ws: ServerConnection) -> None:
        await ws.recv()
        cursor = 0
        while True:
            rows = db.execute(
                "SELECT seq, frame FROM raw_frame WHERE inspection_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                (inspection_id, cursor, PAGE),
            )
            if not rows:
                break
            for _seq, frame in rows:
                await ws.send(frame)
            cursor = rows[-1][0]
        await ws.close()

    _run_until_terminated(serving(handler, max_size=None), ready)


async def catch_up(url: str, hello: str, events: int, frames: list[str] | None = None) -> float:
    """Seconds from hello to the last event of the log; Triangulate's events are kept in ``frames`` if given."""
    async with connect(url, proxy=None, compression=None, max_queue=None, max_size=None) as ws:
        started = time.perf_counter()
        await ws.send(hello)
        received = 0
        async for raw in ws:
            if str(raw).startswith('{"type":"welcome"'):
                continue
            if frames is not None:
                frames.append(str(raw))
            received += 1
            if received == events:
                break
        elapsed = time.perf_counter() - started
    assert received == events, f"got {received} of {events} events"
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", default="10000,100000", help="log lengths, one run per value")
    parser.add_argument("--runs", type=int, default=3, help="catch-ups per server and length (median reported)")
    parser.add_argument("--db", help="a postgresql+psycopg:// URL (a schema of its own, dropped afterwards); "
                                     "default SQLite")
    args = parser.parse_args()

    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.platform()}")
    print(f"python {platform.python_version()}, websockets {websockets.__version__}, {describe(args.db)}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print(f"{'events':>8}{'triangulate ms':>16}{'raw replay ms':>15}{'ratio':>8}")
    with tempfile.TemporaryDirectory(prefix="triangulate-catchup-") as tmp:
        for events in [int(n) for n in args.events.split(",")]:
            with bench_database(args.db, Path(tmp), f"log-{events}") as db_url:
                tokens = make_team(db_url, 1)
                inspection_id = write_log(db_url, events)
                hello = json.dumps({"type": "hello", "token": tokens[1], "since": 0})
                sent: list[str] = []
                tri = ServerProcess(triangulate_server, db_url)
                try:
                    url = f"ws://127.0.0.1:{tri.port}"
                    tri_runs = [asyncio.run(catch_up(url, hello, events, sent if run == 0 else None))
                                for run in range(args.runs)]
                finally:
                    tri.stop()
            with bench_database(args.db, Path(tmp), f"frames-{events}") as frames_url:
                store_frames(frames_url, inspection_id, sent)
                raw = ServerProcess(raw_replay_server, frames_url, inspection_id)
                try:
                    url = f"ws://127.0.0.1:{raw.port}"
                    raw_runs = [asyncio.run(catch_up(url, "go", events)) for _ in range(args.runs)]
                finally:
                    raw.stop()
            tri_ms, raw_ms = statistics.median(tri_runs) * 1000, statistics.median(raw_runs) * 1000
            print(f"{events:>8}{tri_ms:>16.0f}{raw_ms:>15.0f}{tri_ms / raw_ms:>8.2f}")
    print(f"\nload average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
