"""The ``triangulate`` command: a group whose subcommands the server and client packages register.

Subcommands come from the ``triangulate.commands`` entry points (see pyproject.toml) and are
loaded only when named, so ``triangulate join`` never imports the server and vice versa. The list in
``triangulate --help`` loads none of them: each one-line summary is read from its command's docstring in the
source, so printing help never imports the database stack or Textual.
"""

from __future__ import annotations

import ast
import importlib.util
from importlib.metadata import EntryPoint, entry_points

import click

from shared import collector


def _docstring(entry: EntryPoint) -> str | None:
    """The docstring of the function an entry point's command is made from, read from its source without
    importing it; None when it cannot be found that way (the command is then loaded to ask it)."""
    try:
        spec = importlib.util.find_spec(entry.module)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    try:
        with open(spec.origin, encoding="utf-8") as source:
            tree = ast.parse(source.read(), filename=spec.origin)
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == entry.attr and node.decorator_list:
            return ast.get_docstring(node)
    return None


class PluginGroup(click.Group):
    """A click group that finds its commands through entry points."""

    def _entry_points(self) -> dict[str, EntryPoint]:
        return {ep.name: ep for ep in entry_points(group="triangulate.commands")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self._entry_points())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        ep = self._entry_points().get(cmd_name)
        return ep.load() if ep is not None else None

    def summary(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """A stand-in for the command that knows only its help, for the list of commands: the real one is
        loaded only if its docstring cannot be read from the source."""
        ep = self._entry_points().get(cmd_name)
        if ep is None:
            return None
        doc = _docstring(ep)
        return click.Command(cmd_name, help=doc) if doc is not None else self.get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's own list of commands, made from the stand-ins."""
        commands = [(name, cmd) for name in self.list_commands(ctx)
                    if (cmd := self.summary(ctx, name)) is not None and not cmd.hidden]
        if not commands:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in commands)
        with formatter.section("Commands"):
            formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in commands])


@click.group(cls=PluginGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="triangulate")
def main() -> None:
    """Triangulate: share inspection findings with the whole team, live and durably."""
    collector.run_less_often()
