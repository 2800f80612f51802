"""``python -m server``: the server commands, plus ``demo`` (kept out of server.cli so it stays optional)."""

from __future__ import annotations

from server.cli import cli
from server.demo import demo

cli.add_command(demo)

if __name__ == "__main__":
    cli(prog_name="python -m server")
