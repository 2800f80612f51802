"""Fan-out across two server instances on one PostgreSQL database, side by side with one instance and a raw server.

Usage: python bench/instances.py [--db postgresql+psycopg://USER:PASSWORD@HOST/DBNAME] [--receivers 50]
                                 [--messages 500] [--window 32] [--alerts 200]

The database URL defaults to ``$TRIANGULATE_TEST_PG`` (what ``.ci/run`` exports); the benchmark works in a
schema of its own and drops it afterwards. Each server runs in its own process, as ``triangulate serve`` would.

- raw: the bare ``websockets`` broadcast server of bench/fanout.py (stores nothing), the baseline;
- one instance: the sender and every receiver on A;
- two instances: the sender on A, every receiver on B, so each event reaches them through PostgreSQL's
  ``NOTIFY`` and B's catch-up read (server/network/notify.py).

Measured per layout, by bench/fanout.py's harness: latency from ``send`` until the *last* receiver has the finding
(one at a time), durable commands/s (each ack awaited, then ``--window`` in flight), and the same latency for
significant-harm alerts. The ratios show what durability costs against raw, and what crossing instances adds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backends import bench_schema, describe  # sibling scripts, not a package
from fanout import Flavour, ServerProcess, baseline_server, make_team, run_flavour, triangulate_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=os.environ.get("TRIANGULATE_TEST_PG"), help="a PostgreSQL URL")
    parser.add_argument("--receivers", type=int, default=50)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--window", type=int, default=32, help="commands in flight in the windowed run")
    parser.add_argument("--alerts", type=int, default=200, help="significant-harm alerts raised, one at a time")
    args = parser.parse_args()
    if not args.db:
        parser.error("give --db postgresql+psycopg://… or set TRIANGULATE_TEST_PG")

    import websockets

    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.platform()}")
    print(f"python {platform.python_version()}, websockets {websockets.__version__}, {describe(args.db)}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"1 sender, {args.receivers} receivers, {args.messages} messages per phase, window {args.window}, "
          f"{args.alerts} alerts, loopback\n")

    def measured(name: str, url: str, flavour: Flavour, receivers_url: str | None = None) -> dict[str, float]:
        started = time.perf_counter()
        figures = asyncio.run(run_flavour(url, flavour, args.messages, args.window, args.alerts, receivers_url))
        print(f"  {name}: done in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        return figures

    results: dict[str, dict[str, float]] = {}
    raw = ServerProcess(baseline_server)
    try:
        results["raw"] = measured("raw", f"ws://127.0.0.1:{raw.port}",
                                  Flavour("baseline", [""] * (args.receivers + 1), hello=False))
    finally:
        raw.stop()
    db_url, drop = bench_schema(args.db)
    try:
        flavour = Flavour("triangulate", make_team(db_url, args.receivers), hello=True)
        a, b = ServerProcess(triangulate_server, db_url), ServerProcess(triangulate_server, db_url)
        try:
            url_a, url_b = f"ws://127.0.0.1:{a.port}", f"ws://127.0.0.1:{b.port}"
            results["one"] = measured("one instance", url_a, flavour)
            results["two"] = measured("two instances", url_a, flavour, url_b)
        finally:
            a.stop()
            b.stop()
    finally:
        drop()

    rows = [
        ("latency p50, send on A -> last receiver (ms)", "p50", "{:.2f}"),
        ("latency p99, send on A -> last receiver (ms)", "p99", "{:.2f}"),
        ("durable commands/s on A, sequential (ack each)", "seq", "{:.0f}"),
        (f"durable commands/s on A, window {args.window}", "win", "{:.0f}"),
        ("alert fan-out p50, raise -> last receiver (ms)", "alert_p50", "{:.2f}"),
        ("alert fan-out p99, raise -> last receiver (ms)", "alert_p99", "{:.2f}"),
    ]
    raw_, one, two = results["raw"], results["one"], results["two"]
    print(f"{'metric':<50}{'raw':>9}{'one (A)':>9}{'two (A->B)':>11}{'one/raw':>9}{'two/raw':>9}{'two/one':>9}")
    for label, key, fmt in rows:
        print(f"{label:<50}{fmt.format(raw_[key]):>9}{fmt.format(one[key]):>9}{fmt.format(two[key]):>11}"
              f"{one[key] / raw_[key]:>9.2f}{two[key] / raw_[key]:>9.2f}{two[key] / one[key]:>9.2f}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("\nA and B are both up throughout; while nobody is connected to B it follows no inspection and ignores the"
          " notifications. Every ack means the command is committed to PostgreSQL; raw stores nothing and its 'ack'"
          " is the sender's own copy of the broadcast.")

if __name__ == "__main__":
    main()
