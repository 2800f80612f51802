"""``python -m server``: the server commands, plus ``cases``, ``db`` and ``demo`` (kept out of
server.cli.server_cli: they build on it)."""

from __future__ import annotations

from server.cli.cases_cli import cases
from server.cli.db_cli import db
from server.cli.server_cli import cli
from server.demo.live_demo import demo

cli.add_command(cases)
cli.add_command(db)
cli.add_command(demo)

if __name__ == "__main__":
    cli(prog_name="python -m server")
