"""The README's test command, timed with the machine's own speed measured beside it.

    .venv/bin/python bench/suite.py [--repeat 2] [--compare OTHER_CHECKOUT] [-- PYTEST_ARGS...]

The suite is CPU-bound on the project's 2-core machine, and that machine's speed moves by up to 1.7× within minutes
(docs/performance.md, "Test suite"), so a wall time alone says little. Each run prints:
  * the wall time of ``pytest`` in the checkout (PostgreSQL as ``TRIANGULATE_TEST_PG`` says, as in the README);
  * the machine's busy, idle and steal core-seconds over it (``/proc/stat``: every process, PostgreSQL's too);
  * the CPU time of a fixed pure-Python loop just before and just after it: the machine's speed at that moment.
With ``--compare``, runs alternate between this checkout and the other (say, the commit before a change, from
``git worktree add``), in the order ABBA…, so both see the same moments; the ratio of the median wall times is
ours / theirs. A checkout runs its own ``.venv`` if it has one, this interpreter otherwise (its own code first on
the path, as pytest puts it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
LOOP = 20_000_000


@dataclass(frozen=True)
class Run:
    wall: float
    busy: float
    idle: float
    steal: float
    loop_before: float
    loop_after: float
    summary: str


def machine() -> tuple[float, float, float]:
    """(busy, idle, steal) core-seconds since boot, from the first line of /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / tick, (idle + iowait) / tick, steal / tick


def fixed_loop() -> float:
    """CPU seconds this process takes for the same arithmetic every time: lower is a faster machine."""
    started = time.process_time()
    total = 0
    for i in range(LOOP):
        total += i * i
    return time.process_time() - started


def interpreter(checkout: Path) -> str:
    own = checkout / ".venv" / "bin" / "python"
    return str(own) if own.exists() else sys.executable


def run(checkout: Path, pytest_args: list[str]) -> Run:
    before = fixed_loop()
    busy0, idle0, steal0 = machine()
    started = time.perf_counter()
    done = subprocess.run([interpreter(checkout), "-m", "pytest", "-q", *pytest_args], cwd=checkout,
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    busy1, idle1, steal1 = machine()
    after = fixed_loop()
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return Run(wall, busy1 - busy0, idle1 - idle0, steal1 - steal0, before, after, lines[-1] if lines else "")


def minutes(seconds: float) -> str:
    return f"{int(seconds // 60)}m{seconds % 60:04.1f}"


def show(name: str, r: Run) -> None:
    print(f"{name:>6}: {minutes(r.wall)} wall · busy {r.busy:.0f}, idle {r.idle:.0f}, steal {r.steal:.0f} core-s · "
          f"fixed loop {r.loop_before:.2f} → {r.loop_after:.2f} s · {r.summary.strip('= ')}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--compare", type=Path, help="another checkout, run alternately with this one")
    parser.add_argument("pytest_args", nargs="*", help="after --: passed to pytest")
    args = parser.parse_args()
    checkouts = {"this": HERE} | ({"other": args.compare.resolve()} if args.compare else {})
    print(f"{os.cpu_count()} cores; TRIANGULATE_TEST_PG {'set' if os.environ.get('TRIANGULATE_TEST_PG') else 'unset'}")
    runs: dict[str, list[Run]] = {name: [] for name in checkouts}
    for repeat in range(args.repeat):
        order = list(checkouts.items())
        for name, checkout in order if repeat % 2 == 0 else reversed(order):  # ABBA: neither always goes first
            runs[name].append(run(checkout, args.pytest_args))
            show(name, runs[name][-1])
    for name, made in runs.items():
        print(f"{name:>6}: median {minutes(statistics.median(r.wall for r in made))} wall, "
              f"{statistics.median(r.busy for r in made):.0f} busy core-s")
    if args.compare:
        ours, theirs = (statistics.median(r.wall for r in runs[n]) for n in ("this", "other"))
        print(f"ratio (this / other, median wall): {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
