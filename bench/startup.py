"""Start-up: ``triangulate --help``, and ``triangulate demo`` until its board shows its first rows.

    .venv/bin/python bench/startup.py [--repeat 5] [--framework integrated]

Each is measured against a baseline in the same run, started the same way:
  * ``triangulate --help`` to its exit, against ``python -c pass``;
  * ``triangulate demo --quiet`` in a pseudo-terminal (100×30, TERM=xterm-256color) until the first screen, against
    a bare Textual app (one Static) in the same terminal until its first frame.
The first screen is the board drawn with its first rows: the terminal output, with its escape sequences taken out,
holds a finding's row (a time cell such as "04 Dec 14:00" followed by its inspectorate). The board drawn while
still connecting (its status line reads "connecting…") is reported too. The demo is quit with ctrl+q, which stops
its server. Figures are seconds, median and worst of --repeat runs; the ratio is ours / the baseline's.
"""

from __future__ import annotations

import argparse
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


def in_terminal(command: list[str], marks: dict[str, re.Pattern[str]]) -> dict[str, float]:
    """Run ``command`` in a pseudo-terminal; seconds from the start until each mark first shows on screen."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: a session of its own, so its whole process group can be stopped below
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
            try:
                os.read(fd, 1 << 16)  # keep draining, so it is never blocked writing its last frames
            except OSError:
                pass
    os.killpg(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def to_exit(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def summary(name: str, ours: list[float], base: list[float], base_name: str) -> str:
    return (f"{name:<34} median {statistics.median(ours):6.3f} s  worst {max(ours):6.3f} s   "
            f"{base_name:<22} median {statistics.median(base):6.3f} s  worst {max(base):6.3f} s   "
            f"ratio {statistics.median(ours) / statistics.median(base):5.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--framework", default="integrated")
    args = parser.parse_args()
    triangulate = str(BIN / "triangulate")
    with tempfile.TemporaryDirectory() as scratch:
        bare = Path(scratch) / "bare.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        python_pass, helps, bare_frames, connecting, first_rows = [], [], [], [], []
        for _ in range(args.repeat):  # interleaved, so load changes hit ours and the baseline alike
            python_pass.append(to_exit([sys.executable, "-c", "pass"]))
            helps.append(to_exit([triangulate, "--help"]))
            bare_frames.append(in_terminal([sys.executable, str(bare)], {"frame": re.compile(BARE_MARKER)})["frame"])
            seen = in_terminal([triangulate, "demo", "--quiet", "--framework", args.framework],
                               {"connecting": CONNECTING, "rows": FIRST_ROW})
            connecting.append(seen["connecting"])
            first_rows.append(seen["rows"])
    print(f"start-up, {args.repeat} runs each (load average {os.getloadavg()[0]:.2f})")
    print(summary("triangulate --help", helps, python_pass, "python -c pass"))
    print(summary("demo: board drawn, connecting", connecting, bare_frames, "bare Textual app"))
    print(summary("demo: first screen (first rows)", first_rows, bare_frames, "bare Textual app"))


if __name__ == "__main__":
    main()
