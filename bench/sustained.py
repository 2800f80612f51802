"""Sustained load: every member of a team posts and every member receives everything, at a rate stepping up.

Usage: python bench/sustained.py [--members 50] [--rates 50,100,200,500,1000] [--seconds 5] [--clients 2]
                                 [--instances 1] [--db postgresql+psycopg://USER:PASSWORD@HOST/DBNAME]

Each step offers ``rate`` findings a second for ``--seconds``, open loop: member g of M sends its k-th finding at
``start + (k·M + g) / rate`` whether or not earlier ones were acked, so a server that falls behind shows it. Every
member's connection receives every finding (its own included). Per step:

- achieved: durable findings/s, the acks received over the time from the step's start to the later of its end
  and the last ack;
- drops: findings some member never received (within ``--drain`` seconds of the step's end), and connections the
  server closed; gaps: seq numbers missing from a connection's events (Triangulate only: the bare server numbers
  nothing);
- latency from the send to the last member's receipt, p50 / p99, over the findings every member received.

A step is sustained when every finding was acked and delivered, with no gap, at ≥ 95 % of the offered rate; a
server's steps stop after the first it does not sustain (its backlog would spill into the next). Two baselines, in
the same run and through the same clients: bench/floor.py's bare server, which commits each frame to the same
backend (one transaction per frame) then broadcasts it, and bench/fanout.py's raw broadcast server, which stores
nothing (what the clients and the machine can carry). Servers run in their own process; the members are split
across ``--clients`` processes, since one Python process cannot read 50 sockets at 1,000 frames/s each. With
``--instances 2`` (PostgreSQL) members alternate between two Triangulate servers on one database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import websockets
from backends import bench_database, describe, is_postgres
from fanout import Flavour, ServerProcess, baseline_server, join, make_team, percentile, post, triangulate_server
from floor import floor_server
from websockets.asyncio.client import ClientConnection


@dataclass
class Member:
    """One connection's view of a step: what it sent and when, and every finding it received."""

    index: int
    ws: ClientConnection
    seq: int = 0
    sent: dict[str, float] = field(default_factory=dict)
    acked: dict[str, float] = field(default_factory=dict)
    received: dict[str, float] = field(default_factory=dict)
    gaps: int = 0
    closed: bool = False

    def on_frame(self, flavour: Flavour, obj: dict[str, Any], now: float) -> None:
        if flavour.hello and obj.get("type") == "event":
            seq = int(obj["seq"])
            self.gaps += max(0, seq - self.seq - 1)
            self.seq = max(self.seq, seq)
        if (ack := flavour.ack_id(obj)) is not None and ack in self.sent:
            self.acked[ack] = now
        if (mid := flavour.message_id(obj)) is not None:
            self.received[mid] = now


async def run_member(member: Member, flavour: Flavour) -> None:
    try:
        async for raw in member.ws:
            member.on_frame(flavour, json.loads(raw), time.perf_counter())
    except websockets.ConnectionClosed:
        pass
    member.closed = True


async def send_step(member: Member, step: str, rate: float, start: float, seconds: float, members: int) -> None:
    """This member's share of the step, each finding at its own time from ``start``."""
    k = 0
    while (due := start + (k * members + member.index) / rate) < start + seconds:
        if (wait := due - time.perf_counter()) > 0:
            await asyncio.sleep(wait)
        mid = f"{step}-{member.index}-{k}"
        member.sent[mid] = time.perf_counter()
        await member.ws.send(post(mid))
        k += 1


async def client_process_main(urls: list[str], tokens: list[str], first: int, members: int, hello: bool,
                              pipe: Connection) -> None:
    flavour = Flavour("triangulate" if hello else "floor", tokens, hello)
    own: list[Member] = []
    for offset, token in enumerate(tokens):
        index = first + offset
        heads: list[int] = []  # the seq this connection was caught up to, from its welcome

        def caught_up(frame: dict[str, Any], heads: list[int] = heads) -> None:
            if frame["type"] == "welcome":
                heads.append(frame["head"])

        ws = await join(urls[index % len(urls)], token, flavour, caught_up)
        own.append(Member(index, ws, seq=heads[0] if heads else 0))
    readers = [asyncio.create_task(run_member(member, flavour)) for member in own]
    pipe.send("ready")
    while (order := await asyncio.to_thread(pipe.recv)) is not None:
        step, rate, start, seconds, drain, expected = order
        for member in own:
            member.sent.clear()
            member.acked.clear()
            member.received.clear()
        await asyncio.gather(*(send_step(member, step, rate, start, seconds, members) for member in own))
        deadline = start + seconds + drain
        while time.perf_counter() < deadline and not all(
            member.closed or (len(member.received) >= expected and len(member.acked) >= len(member.sent))
            for member in own
        ):
            await asyncio.sleep(0.05)
        pipe.send(step_report(own))
    for task in readers:
        task.cancel()
    await asyncio.gather(*(member.ws.close() for member in own), return_exceptions=True)


def step_report(own: list[Member]) -> dict[str, Any]:
    """What the parent needs from this process: sends, acks, and per finding how many here received it and when
    the last of them did."""
    delivered: dict[str, tuple[int, float]] = {}
    for member in own:
        for mid, at in member.received.items():
            count, last = delivered.get(mid, (0, 0.0))
            delivered[mid] = (count + 1, max(last, at))
    return {
        "sent": {mid: at for member in own for mid, at in member.sent.items()},
        "acked": {mid: at for member in own for mid, at in member.acked.items()},
        "delivered": delivered,
        "gaps": sum(member.gaps for member in own),
        "closed": sum(member.closed for member in own),
    }


def client_process(urls: list[str], tokens: list[str], first: int, members: int, hello: bool,
                   pipe: Connection) -> None:
    asyncio.run(client_process_main(urls, tokens, first, members, hello, pipe))


class Clients:
    """The members, split across processes; each step is ordered to all of them and their reports merged."""

    def __init__(self, urls: list[str], tokens: list[str], processes: int, hello: bool) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.processes = []
        share = -(-len(tokens) // processes)
        for first in range(0, len(tokens), share):
            parent, child = ctx.Pipe()
            process = ctx.Process(target=client_process, daemon=True,
                                  args=(urls, tokens[first:first + share], first, len(tokens), hello, child))
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)
        for pipe in self.pipes:
            if not pipe.poll(120) or pipe.recv() != "ready":
                raise RuntimeError("a client process did not connect")
        self.members = len(tokens)

    def step(self, step: str, rate: float, seconds: float, drain: float) -> dict[str, float]:
        start = time.perf_counter() + 0.5
        expected = round(rate * seconds)
        for pipe in self.pipes:
            pipe.send((step, rate, start, seconds, drain, expected))
        reports = [pipe.recv() for pipe in self.pipes]
        sent = {mid: at for report in reports for mid, at in report["sent"].items()}
        acked = {mid: at for report in reports for mid, at in report["acked"].items()}
        delivered: dict[str, tuple[int, float]] = {}
        for report in reports:
            for mid, (count, last) in report["delivered"].items():
                total, latest = delivered.get(mid, (0, 0.0))
                delivered[mid] = (total + count, max(latest, last))
        complete = [mid for mid in sent if delivered.get(mid, (0, 0.0))[0] == self.members]
        latencies = [(delivered[mid][1] - sent[mid]) * 1000 for mid in complete]
        span = max([start + seconds, *acked.values()]) - start
        return {
            "offered": len(sent) / seconds,
            "achieved": len(acked) / span,
            "unacked": len(sent) - len(acked),
            "drops": len(sent) - len(complete),
            "gaps": sum(report["gaps"] for report in reports),
            "closed": sum(report["closed"] for report in reports),
            "p50": percentile(latencies, 50) if latencies else float("nan"),
            "p99": percentile(latencies, 99) if latencies else float("nan"),
        }

    def close(self) -> None:
        for pipe in self.pipes:
            pipe.send(None)
        for process in self.processes:
            process.join(30)


def quiet(server: Callable[..., None], *args: Any) -> None:
    """Run a server without its log: members leaving a step it fell behind on leave it writing to closed sockets."""
    logging.disable(logging.CRITICAL)
    server(*args)


def sustained(figures: dict[str, float]) -> bool:
    return (figures["unacked"] == 0 and figures["drops"] == 0 and figures["gaps"] == 0 and figures["closed"] == 0
            and figures["achieved"] >= 0.95 * figures["offered"])


def run_steps(name: str, urls: list[str], tokens: list[str], hello: bool,
              args: argparse.Namespace) -> list[dict[str, float]]:
    clients = Clients(urls, tokens, args.clients, hello)
    rows = []
    try:
        for rate in [int(r) for r in args.rates.split(",")]:
            figures = clients.step(f"{name}-{rate}", rate, args.seconds, args.drain)
            figures["load"] = os.getloadavg()[0]
            rows.append(figures)
            print(f"  {name} {rate}/s: {fmt(figures)}", file=sys.stderr)
            if not sustained(figures):
                break
    finally:
        clients.close()
    return rows


def fmt(f: dict[str, float]) -> str:
    return (f"{f['achieved']:>7.0f}/s  drops {f['drops']:>5.0f}  gaps {f['gaps']:>5.0f}  closed {f['closed']:>2.0f}  "
            f"p50 {f['p50']:>8.1f}  p99 {f['p99']:>8.1f} ms  {'yes' if sustained(f) else 'no':>3}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=50, help="connections, each sending and receiving")
    parser.add_argument("--rates", default="50,100,200,500,1000", help="offered findings/s, one step each")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each step")
    parser.add_argument("--drain", type=float, default=10.0, help="seconds after a step to wait for stragglers")
    parser.add_argument("--clients", type=int, default=2, help="client processes the members are split across")
    parser.add_argument("--instances", type=int, default=1, choices=(1, 2), help="Triangulate servers (2: PostgreSQL)")
    parser.add_argument("--db", help="a postgresql+psycopg:// URL (a schema of its own, dropped afterwards); "
                                     "default SQLite")
    args = parser.parse_args()
    if args.instances == 2 and not is_postgres(args.db):
        parser.error("two instances share a PostgreSQL database: give --db")

    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.platform()}")
    print(f"python {platform.python_version()}, websockets {websockets.__version__}, {describe(args.db)}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{args.members} members each sending and receiving, {args.seconds:g} s per step, {args.clients} client "
          f"processes, {args.instances} Triangulate instance(s), loopback\n")
    results: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="triangulate-sustained-") as tmp:
        with bench_database(args.db, Path(tmp), "sustained") as db_url:
            tokens = make_team(db_url, args.members - 1)
            servers = [ServerProcess(quiet, triangulate_server, db_url) for _ in range(args.instances)]
            try:
                urls = [f"ws://127.0.0.1:{server.port}" for server in servers]
                results["triangulate"] = run_steps("triangulate", urls, tokens, True, args)
            finally:
                for server in servers:
                    server.stop()
        with bench_database(args.db, Path(tmp), "floor") as db_url:
            floor = ServerProcess(quiet, floor_server, db_url)
            try:
                results["floor"] = run_steps("floor", [f"ws://127.0.0.1:{floor.port}"], [""] * args.members, False,
                                             args)
            finally:
                floor.stop()
        raw = ServerProcess(quiet, baseline_server)
        try:
            results["raw"] = run_steps("raw", [f"ws://127.0.0.1:{raw.port}"], [""] * args.members, False, args)
        finally:
            raw.stop()

    print(f"{'offered/s':>9}  {'server':<11}achieved, findings never received by every member, seq gaps, connections"
          " closed, latency send -> last member, sustained")
    best: dict[str, int] = {}
    for i, rate in enumerate(args.rates.split(",")):
        for name, rows in results.items():
            if i < len(rows):
                print(f"{rate:>9}  {name:<11}{fmt(rows[i])}  load {rows[i]['load']:.2f}")
                best[name] = int(rate) if sustained(rows[i]) else best.get(name, 0)
    print("\nhighest rate sustained (every finding acked and received by all, no gap or close, >= 95% of offered): "
          + ", ".join(f"{name} {best.get(name, 0)}/s" for name in results))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
