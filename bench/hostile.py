"""Hostile-client benchmark: the honest team's fan-out latency with and without hostile clients running.

Usage: python bench/hostile.py [--receivers 20] [--messages 300] [--interval 0.06] [--hostile never,flood,open]
       python bench/hostile.py --hostile burn   (the control: a process that burns a core and sends nothing)

The server runs in its own process with the production limits (20 commands/s per connection, burst 60;
5 connections per inspector; 10 s handshake timeout). One honest sender posts a finding every ``--interval``
seconds (under the rate limit, as a person or the paced client would) and we time send -> last of the honest
receivers. Three phases, side by side: quiet, hostile, quiet again (so drift shows). The hostile clients run
in a third process, so their CPU is theirs, not the measuring loop's:

- never-readers: 3 inspectors' connections that say hello and then never read (tiny receive buffer); they
  reconnect whenever the server drops them;
- flooders: 2 connections sending garbage frames as fast as they can, reconnecting whenever they are closed;
- a connection opener with one stolen token: keeps its 5 allowed connections, and opens more as fast as the
  server refuses them (10 at a time), plus 20 connections that never say hello, reopened when timed out.

On this 2-core machine the three processes share the CPUs, so the ratio includes CPU contention: it is what a
small team server would see. ``--hostile burn`` measures that part alone: the third process spins on a core and
opens no socket. Each phase also reports the CPU the server and the hostile process used (Linux /proc).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import platform
import socket
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import websockets
from fanout import Flavour, ServerProcess, Tracker, _run_until_terminated, join, make_team, percentile, post, read
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

NEVER_READERS = 3
FLOODERS = 2
GARBAGE = ["not json", '{"type": "finding.explode", "id": "g-1"}', "[1]",
           '{"type": "finding.post", "id": "g-2", "agency": "martians"}']


def production_server(db_url: str, ready: Connection) -> None:
    from server.network.team_server import ServerConfig, TeamServer

    async def start() -> tuple[int, Callable[[], Awaitable[None]]]:
        server = TeamServer(ServerConfig(db_url=db_url, host="127.0.0.1", port=0))  # the defaults: limits on
        await server.__aenter__()

        async def close() -> None:
            await server.__aexit__(None, None, None)

        return server.port, close

    _run_until_terminated(start, ready)


# ---------------------------------------------------------------- the hostile process


async def hostile(
    url: str, tokens: dict[str, list[str]], kinds: set[str], stop: Any, counts: dict[str, int]
) -> None:
    port = int(url.rsplit(":", 1)[1])

    async def hello(token: str, **kwargs: Any) -> ClientConnection:
        ws = await connect(url, proxy=None, compression=None, open_timeout=30, **kwargs)
        await ws.send(json.dumps({"type": "hello", "token": token, "since": 0}))
        return ws

    async def never_reader(token: str) -> None:
        while not stop.is_set():
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.connect(("127.0.0.1", port))
            ws = await hello(token, sock=sock, max_queue=1)
            while not stop.is_set() and ws.close_code is None and ws.transport and not ws.transport.is_closing():
                await asyncio.sleep(0.2)
            counts["never_reader_drops"] += not stop.is_set()
            ws.transport.abort()

    async def flooder(token: str) -> None:
        while not stop.is_set():
            ws = await hello(token, max_queue=None)
            drain = asyncio.create_task(_discard(ws))
            with contextlib.suppress(ConnectionClosed):
                i = 0
                while not stop.is_set():
                    await ws.send(GARBAGE[i % len(GARBAGE)])
                    i += 1
                    counts["garbage_frames"] += 1
                    if i % 100 == 0:
                        await asyncio.sleep(0)
            counts["flooder_closes"] += ws.close_code is not None
            drain.cancel()
            ws.transport.abort()

    async def opener(token: str) -> None:
        kept = [await hello(token) for _ in range(5)]
        drains = [asyncio.create_task(_discard(ws)) for ws in kept]

        async def one_too_many() -> None:
            with contextlib.suppress(ConnectionClosed, OSError, InvalidHandshake):
                ws = await hello(token)
                await _discard(ws)
                counts["refused_connections"] += ws.close_code == 4429

        async def silent() -> None:
            while not stop.is_set():
                with contextlib.suppress(ConnectionClosed, OSError, InvalidHandshake):
                    ws = await connect(url, proxy=None, open_timeout=30)
                    await _discard(ws)
                    counts["silent_timeouts"] += 1

        silents = [asyncio.create_task(silent()) for _ in range(20)]
        while not stop.is_set():
            await asyncio.gather(*(one_too_many() for _ in range(10)))
        for task in (*drains, *silents):
            task.cancel()

    tasks = [asyncio.create_task(never_reader(t)) for t in tokens["never"] if "never" in kinds]
    tasks += [asyncio.create_task(flooder(t)) for t in tokens["flood"] if "flood" in kinds]
    tasks += [asyncio.create_task(opener(t)) for t in tokens["opener"] if "open" in kinds]
    while not stop.is_set():
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def _discard(ws: ClientConnection) -> None:
    with contextlib.suppress(ConnectionClosed):
        async for _ in ws:
            pass


def burn(stop: Any) -> int:
    """The control: keep one core busy, as a client process at full speed would, without touching the server."""
    rounds = 0
    while not stop.is_set():
        sum(range(10_000))
        rounds += 1
    return rounds


def hostile_process(url: str, tokens: dict[str, list[str]], kinds: set[str], stop: Any, report: Connection) -> None:
    counts = dict.fromkeys(
        ("garbage_frames", "flooder_closes", "never_reader_drops", "refused_connections", "silent_timeouts"), 0
    )
    with contextlib.suppress(KeyboardInterrupt):
        if kinds == {"burn"}:
            counts = {"burn_rounds": burn(stop)}
        else:
            asyncio.run(hostile(url, tokens, kinds, stop, counts))
    report.send(counts)


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far (Linux); NaN where /proc is not there."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(run: Callable[[], dict[str, float]], pids: dict[str, int]) -> dict[str, float]:
    """Run one phase; add each process's CPU use during it, as a share of one core."""
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    started = time.perf_counter()
    row = run()
    elapsed = time.perf_counter() - started
    row.update({f"cpu {name}": (cpu_seconds(pid) - before[name]) / elapsed for name, pid in pids.items()})
    return row


# ---------------------------------------------------------------- the honest team


async def measure(url: str, tokens: list[str], messages: int, interval: float, phase: str) -> dict[str, float]:
    """Latency of ``messages`` posts, one every ``interval`` s, send -> last honest receiver."""
    flavour = Flavour(phase, tokens, hello=True)
    tracker = Tracker(len(tokens) - 1)
    sender = await join(url, tokens[0], flavour)
    receivers = [await join(url, token, flavour) for token in tokens[1:]]
    readers = [asyncio.create_task(read(sender, lambda obj, now: tracker.on_ack(flavour.ack_id(obj) or "", now)))]
    readers += [asyncio.create_task(read(ws, lambda obj, now: tracker.on_delivery(flavour.message_id(obj) or "", now)))
                for ws in receivers]
    latencies: list[float] = []
    refused = 0
    for i in range(messages):
        mid = f"{phase}-{os.getpid()}-{i}"
        tracker.expect(mid)
        slot = time.perf_counter() + interval
        tracker.sent[mid] = time.perf_counter()
        await sender.send(post(mid))
        done, _ = await asyncio.wait({tracker.delivered[mid], tracker.acked[mid]}, timeout=30,
                                     return_when=asyncio.ALL_COMPLETED)
        if tracker.delivered[mid] in done:
            latencies.append((tracker.delivered[mid].result() - tracker.sent[mid]) * 1000)
        else:
            refused += 1
        await asyncio.sleep(max(0.0, slot - time.perf_counter()))
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    await asyncio.gather(*(ws.close() for ws in [sender, *receivers]))
    return {"p50": percentile(latencies, 50), "p99": percentile(latencies, 99),
            "max": max(latencies), "lost": float(refused)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--receivers", type=int, default=20)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--interval", type=float, default=0.06, help="seconds between honest posts (< 20/s)")
    parser.add_argument("--hostile", default="never,flood,open",
                        help="which hostile clients run (never, flood, open), or burn alone for the control")
    args = parser.parse_args()
    kinds = set(args.hostile.split(","))

    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.platform()}")
    print(f"python {platform.python_version()}, websockets {websockets.__version__}")
    print(f"1 honest sender, {args.receivers} honest receivers, {args.messages} posts per phase, one every "
          f"{args.interval * 1000:.0f} ms; hostile ({args.hostile}): {NEVER_READERS} never-readers, "
          f"{FLOODERS} flooders, 1 connection opener (+20 silent)\n")

    extra = NEVER_READERS + FLOODERS + 1
    with tempfile.TemporaryDirectory(prefix="triangulate-hostile-") as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        tokens = make_team(db_url, args.receivers + extra)
        honest, rest = tokens[: args.receivers + 1], tokens[args.receivers + 1:]
        bad = {"never": rest[:NEVER_READERS], "flood": rest[NEVER_READERS:NEVER_READERS + FLOODERS],
               "opener": rest[-1:]}
        server = ServerProcess(production_server, db_url)
        url = f"ws://127.0.0.1:{server.port}"
        results: dict[str, dict[str, float]] = {}
        counts: dict[str, int] = {}

        def phase(name: str) -> Callable[[], dict[str, float]]:
            return lambda: asyncio.run(measure(url, honest, args.messages, args.interval, name))

        try:
            results["quiet"] = timed(phase("quiet"), {"server": server.process.pid})
            ctx = multiprocessing.get_context("spawn")
            stop = ctx.Event()
            parent, child = ctx.Pipe()
            attacker = ctx.Process(target=hostile_process, args=(url, bad, kinds, stop, child), daemon=True)
            attacker.start()
            time.sleep(2.0)  # let the hostile clients get going
            assert attacker.pid is not None
            results["hostile"] = timed(phase("hostile"), {"server": server.process.pid, "hostile": attacker.pid})
            stop.set()
            counts = parent.recv() if parent.poll(30) else {}
            attacker.join(10)
            results["quiet again"] = timed(phase("after"), {"server": server.process.pid})
        finally:
            server.stop()

    quiet = results["quiet"]
    print(f"{'fan-out latency, send -> last honest receiver':<48}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
          f"{'lost':>6}{'server CPU':>12}{'hostile CPU':>13}")
    for name, row in results.items():
        hostile_cpu = f"{row['cpu hostile']:.0%}" if "cpu hostile" in row else ""
        print(f"{name:<48}{row['p50']:>9.2f}{row['p99']:>9.2f}{row['max']:>9.2f}{row['lost']:>6.0f}"
              f"{row['cpu server']:>12.0%}{hostile_cpu:>13}")
    hostile_row = results["hostile"]
    print(f"\nratio hostile / quiet: p50 {hostile_row['p50'] / quiet['p50']:.2f}x, "
          f"p99 {hostile_row['p99'] / quiet['p99']:.2f}x")
    print("hostile activity during the hostile phase:", ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print("'lost' counts honest posts not delivered to every receiver within 30 s (should be 0).", file=sys.stderr)


if __name__ == "__main__":
    main()
