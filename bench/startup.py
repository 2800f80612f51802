"""Start-up: ``triangulate --help``, and ``triangulate demo`` until its board shows its first rows.

    .venv/bin/python bench/startup.py [--repeat 5] [--framework integrated] [--compare OTHER_CHECKOUT]

Each is measured against a baseline in the same run, started the same way:
  * ``triangulate --help`` to its exit, against ``python -c pass``;
  * ``triangulate demo --quiet`` in a pseudo-terminal (100×30, TERM=xterm-256color) until the first screen, against
    a bare Textual app (one Static) in the same terminal until its first frame.
The demo's server alone (``python -m server demo --quiet``, until it prints the JSON line that lets the app
connect: imports, seed, listening) is timed too, against ``python -c pass``: the app's first rows wait for it.
The first screen is the board drawn with its first rows: the terminal output, with its escape sequences taken out,
holds a finding's row (a time cell such as "04 Dec 14:00" followed by its inspectorate). The board drawn while
still connecting (its status line reads "connecting…") is reported too. The demo is quit with ctrl+q, which stops
its server. Figures are seconds, median and worst of --repeat runs; the ratio is ours / the baseline's.
``triangulate`` runs from this checkout (PYTHONPATH); ``--compare`` measures another checkout too (say, the commit
before a change), interleaved with this one so both see the same load. Each checkout's modules are compiled first,
as an installation's are: with $PYTHONDONTWRITEBYTECODE set, a checkout never run by the tests would otherwise
compile its modules from source on every start (measured: 0.3 s of the demo app's start, at load 4).
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ROWS, COLUMNS = 30, 100
TIMEOUT = 60.0
ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
FIRST_ROW = re.compile(r"\d\d [A-Z][a-z]{2} \d\d:\d\d +(?:Ofsted|CQC|HMIC|HMI ?P)")
CONNECTING = re.compile(r"connecting…")
BARE_MARKER = "bare textual app: first frame"
BARE_APP = f"""
from textual.app import App
from textual.widgets import Static

class Bare(App[None]):
    def compose(self):
        yield Static({BARE_MARKER!r})

Bare().run()
"""


def triangulate(tree: Path) -> tuple[list[str], dict[str, str]]:
    """The ``triangulate`` command of the checkout at ``tree``, and the environment that makes it that one's."""
    return [sys.executable, "-c", "from shared.cli import main; main()"], {**os.environ, "PYTHONPATH": str(tree),
                                                                            "BENCH_CWD": str(tree)}


def in_terminal(command: list[str], marks: dict[str, re.Pattern[str]], env: dict[str, str] | None = None,
                ) -> dict[str, float]:
    """Run ``command`` in a pseudo-terminal; seconds from the start until each mark first shows on screen."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: a session of its own, so its whole process group can be stopped below
        os.environ.update(env or {})
        os.chdir(os.environ.get("BENCH_CWD", ROOT))  # ``python -c`` looks in the working directory first
        os.environ.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(ROWS))
        os.execv(command[0], command)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    seen: dict[str, float] = {}
    output = b""
    try:
        while len(seen) < len(marks) and time.perf_counter() - started < TIMEOUT:
            ready, _, _ = select.select([fd], [], [], 0.02)
            if not ready:
                continue
            try:
                output += os.read(fd, 1 << 16)
            except OSError:
                break  # it exited
            text = ESCAPES.sub(b"", output).decode("utf-8", "replace")
            for name, mark in marks.items():
                if name not in seen and mark.search(text):
                    seen[name] = time.perf_counter() - started
        os.write(fd, b"\x11")  # ctrl+q: the app quits, and the demo stops its server
        _wait_or_kill(pid, fd)
    finally:
        os.close(fd)
    missing = set(marks) - set(seen)
    if missing:
        raise RuntimeError(f"{command} never showed {sorted(missing)}:\n{ESCAPES.sub(b'', output)[-2000:]!r}")
    return seen


def _wait_or_kill(pid: int, fd: int) -> None:
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline:
        with_status = os.waitpid(pid, os.WNOHANG)
        if with_status[0]:
            return
        if select.select([fd], [], [], 0.05)[0]:
            with contextlib.suppress(OSError):
                os.read(fd, 1 << 16)  # keep draining, so it is never blocked writing its last frames
    os.killpg(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def to_exit(command: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env,
                   cwd=(env or {}).get("BENCH_CWD", ROOT))
    return time.perf_counter() - started


def to_announcement(tree: Path) -> float:
    """Seconds until the demo server of the checkout at ``tree`` prints its JSON line (a fresh database each time)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        server = subprocess.Popen([sys.executable, "-m", "server", "demo", "--quiet", "--db", f"{scratch}/demo.db"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=tree)
        try:
            assert server.stdout is not None
            if not server.stdout.readline():
                raise RuntimeError(f"the demo server of {tree} stopped before announcing")
            return time.perf_counter() - started
        finally:
            server.terminate()
            server.wait()


def summary(name: str, ours: list[float], base: list[float], base_name: str) -> str:
    return (f"{name:<34} median {statistics.median(ours):6.3f} s  worst {max(ours):6.3f} s   "
            f"{base_name:<22} median {statistics.median(base):6.3f} s  worst {max(base):6.3f} s   "
            f"ratio {statistics.median(ours) / statistics.median(base):5.1f}×")


def measure(tree: Path, framework: str, figures: dict[str, list[float]], label: str = "") -> None:
    """One run of ``triangulate --help`` and of the demo from ``tree``, added to ``figures``."""
    command, env = triangulate(tree)
    figures[f"{label}triangulate --help"].append(to_exit([*command, "--help"], env))
    figures[f"{label}demo server: announced"].append(to_announcement(tree))
    seen = in_terminal([*command, "demo", "--quiet", "--framework", framework],
                       {"connecting": CONNECTING, "rows": FIRST_ROW}, env)
    figures[f"{label}demo: board drawn, connecting"].append(seen["connecting"])
    figures[f"{label}demo: first screen (first rows)"].append(seen["rows"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--framework", default="integrated")
    parser.add_argument("--compare", type=Path, help="Another checkout to measure the same way, say the one before.")
    args = parser.parse_args()
    figures: dict[str, list[float]] = defaultdict(list)
    for tree in (ROOT, *((args.compare.resolve(),) if args.compare else ())):
        for package in ("shared", "server", "tui"):
            compileall.compile_dir(tree / package, quiet=1)
    load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as scratch:
        bare = Path(scratch) / "bare.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        for _ in range(args.repeat):  # interleaved, so load changes hit ours and the baselines alike
            figures["python -c pass"].append(to_exit([sys.executable, "-c", "pass"]))
            figures["bare Textual app"].append(
                in_terminal([sys.executable, str(bare)], {"frame": re.compile(BARE_MARKER)})["frame"])
            measure(ROOT, args.framework, figures)
            if args.compare:
                measure(args.compare.resolve(), args.framework, figures, "compared: ")
            load.append(os.getloadavg()[0])
    print(f"start-up, {args.repeat} runs each; load average (1 min) {min(load):.2f}–{max(load):.2f}")
    for label in ("", *(("compared: ",) if args.compare else ())):
        if label:
            print(f"compared with {args.compare}:")
        for name in ("triangulate --help", "demo server: announced"):
            print(summary(name, figures[f"{label}{name}"], figures["python -c pass"], "python -c pass"))
        for name in ("demo: board drawn, connecting", "demo: first screen (first rows)"):
            print(summary(name, figures[f"{label}{name}"], figures["bare Textual app"], "bare Textual app"))


if __name__ == "__main__":
    main()
