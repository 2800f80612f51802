"""The ``triangulate`` command: a group whose subcommands the server and client packages register.

Subcommands come from the ``triangulate.commands`` entry points (see pyproject.toml) and are
loaded only when named, so ``triangulate join`` never imports the server and vice versa.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import click


class PluginGroup(click.Group):
    """A click group that finds its commands through entry points."""

    def _entry_points(self) -> dict[str, object]:
        return {ep.name: ep for ep in entry_points(group="triangulate.commands")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self._entry_points())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        ep = self._entry_points().get(cmd_name)
        return ep.load() if ep is not None else None  # type: ignore[attr-defined]


@click.group(cls=PluginGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="triangulate")
def main() -> None:
    """Triangulate: share inspection findings with the whole team, live and durably."""
