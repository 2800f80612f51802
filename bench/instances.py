"""Fan-out across two server instances on one PostgreSQL database, side by side with one instance.

Usage: python bench/instances.py [--db postgresql+psycopg://USER:PASSWORD@HOST/DBNAME] [--receivers 50]
                                 [--messages 500]

The database URL defaults to ``$TRIANGULATE_TEST_PG`` (what ``.ci/run`` exports); the benchmark works in a
schema of its own and drops it afterwards. Each server runs in its own process, as ``triangulate serve`` would.

- one instance: the sender and every receiver on A (the baseline);
- two instances: the sender on A, every receiver on B, so each event reaches them through PostgreSQL's
  ``NOTIFY`` and B's catch-up read (server/network/notify.py).

Measured per layout: the sender posts one finding at a time; latency is from ``send`` until the *last* receiver
has the event; then durable commands/s with each ack awaited. The ratio shows what crossing instances costs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fanout import (  # a sibling script, not a package
    WARMUP,
    Flavour,
    ServerProcess,
    Tracker,
    _run_until_terminated,
    join,
    make_team,
    percentile,
    post,
    read,
)


def instance(db_url: str, ready: Connection) -> None:
    """One ``TeamServer`` in this process; no rate limit, so the benchmark measures the server itself."""
    from server.network.team_server import ServerConfig, TeamServer

    async def start() -> tuple[int, Callable[[], Awaitable[None]]]:
        fields = ServerConfig.__dataclass_fields__
        extra: dict[str, Any] = {"command_rate": None} if "command_rate" in fields else {}
        server = TeamServer(ServerConfig(db_url=db_url, host="127.0.0.1", port=0, **extra))
        await server.__aenter__()

        async def close() -> None:
            await server.__aexit__(None, None, None)

        return server.port, close

    _run_until_terminated(start, ready)


async def measure(sender_url: str, receivers_url: str, tokens: list[str], messages: int) -> dict[str, float]:
    flavour = Flavour("triangulate", tokens, hello=True)
    tracker = Tracker(len(tokens) - 1)
    sender = await join(sender_url, tokens[0], flavour)
    clients = [await join(receivers_url, token, flavour) for token in tokens[1:]]

    def on_sender(obj: dict[str, Any], now: float) -> None:
        if (mid := flavour.ack_id(obj)) is not None:
            tracker.on_ack(mid, now)

    def on_receiver(obj: dict[str, Any], now: float) -> None:
        if (mid := flavour.message_id(obj)) is not None:
            tracker.on_delivery(mid, now)

    readers = [asyncio.create_task(read(sender, on_sender))]
    readers += [asyncio.create_task(read(ws, on_receiver)) for ws in clients]
    run = secrets.token_hex(4)

    async def sequential(phase: str, count: int, until_delivered: bool) -> list[str]:
        ids = [f"{phase}-{run}-{i}" for i in range(count)]
        for mid in ids:
            tracker.expect(mid)
            tracker.sent[mid] = time.perf_counter()
            await sender.send(post(mid))
            await (tracker.delivered if until_delivered else tracker.acked)[mid]
        return ids

    await sequential("warm", WARMUP, until_delivered=True)
    ids = await sequential("lat", messages, until_delivered=True)
    latencies = [(tracker.delivered[m].result() - tracker.sent[m]) * 1000 for m in ids]
    start = time.perf_counter()
    ids = await sequential("seq", messages, until_delivered=False)
    rate = messages / (time.perf_counter() - start)
    await asyncio.gather(*(tracker.delivered[m] for m in ids))

    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    await asyncio.gather(*(ws.close() for ws in [sender, *clients]))
    return {"p50": percentile(latencies, 50), "p99": percentile(latencies, 99), "seq": rate}


def bench_schema(url: str) -> tuple[str, Callable[[], None]]:
    """A schema of its own on the given database, and how to drop it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"bench_{secrets.token_hex(4)}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()

    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={name}"})
    return scoped.render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=os.environ.get("TRIANGULATE_TEST_PG"), help="a PostgreSQL URL")
    parser.add_argument("--receivers", type=int, default=50)
    parser.add_argument("--messages", type=int, default=500)
    args = parser.parse_args()
    if not args.db:
        parser.error("give --db postgresql+psycopg://… or set TRIANGULATE_TEST_PG")

    import psycopg
    import websockets

    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.platform()}")
    print(f"python {platform.python_version()}, websockets {websockets.__version__}, psycopg {psycopg.__version__}")
    print(f"1 sender, {args.receivers} receivers, {args.messages} messages, loopback, PostgreSQL\n")

    db_url, drop = bench_schema(args.db)
    results: dict[str, dict[str, float]] = {}
    try:
        tokens = make_team(db_url, args.receivers)
        a, b = ServerProcess(instance, db_url), ServerProcess(instance, db_url)
        try:
            print(f"  PostgreSQL {server_version(db_url)}", file=sys.stderr)
            for name, receivers_port in (("one instance", a.port), ("two instances", b.port)):
                started = time.perf_counter()
                results[name] = asyncio.run(
                    measure(f"ws://127.0.0.1:{a.port}", f"ws://127.0.0.1:{receivers_port}", tokens, args.messages)
                )
                print(f"  {name}: done in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        finally:
            a.stop()
            b.stop()
    finally:
        drop()

    rows = [
        ("latency p50, send on A -> last receiver (ms)", "p50", "{:.2f}"),
        ("latency p99, send on A -> last receiver (ms)", "p99", "{:.2f}"),
        ("durable commands/s on A, sequential (ack each)", "seq", "{:.0f}"),
    ]
    one, two = results["one instance"], results["two instances"]
    print(f"{'metric':<50}{'receivers on A':>16}{'receivers on B':>16}{'B/A':>8}")
    for label, key, fmt in rows:
        ratio = two[key] / one[key] if one[key] else float("nan")
        print(f"{label:<50}{fmt.format(one[key]):>16}{fmt.format(two[key]):>16}{ratio:>8.2f}")
    print("\nA and B are both up throughout; while nobody is connected to B it follows no inspection and ignores the"
          " notifications. Every ack means the command is committed to PostgreSQL.")


def server_version(db_url: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        version = str(conn.execute(text("SHOW server_version")).scalar_one())
    engine.dispose()
    return version


if __name__ == "__main__":
    main()
