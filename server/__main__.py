"""``python -m server``: the server commands, plus ``cases``, ``db`` and ``demo`` (kept out of
server.cli.server_cli: they build on it).

Each command's module is imported only when the command is named, so ``python -m server demo`` (which
``triangulate demo`` starts, and waits for) loads the demo server alone, not the report writer or the case importer.
"""

from __future__ import annotations

import importlib

import click

from server.cli.clean_errors import CleanErrors
from shared import collector

COMMANDS = {
    "serve": "server.cli.server_cli",
    "inspection": "server.cli.server_cli",
    "inspector": "server.cli.server_cli",
    "kit": "server.cli.server_cli",
    "report": "server.cli.server_cli",
    "cases": "server.cli.cases_cli",
    "db": "server.cli.db_cli",
    "demo": "server.demo.live_demo",
}
"""Each command, by the module that defines it under that name."""


class ServerCommands(CleanErrors):
    """The commands of ``python -m server``, each loaded from its module when named."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        command = getattr(importlib.import_module(module), cmd_name)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=ServerCommands)
def cli() -> None:
    """Triangulate server commands (``python -m server``)."""
    collector.run_less_often()


if __name__ == "__main__":
    cli(prog_name="python -m server")
