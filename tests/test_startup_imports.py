"""``triangulate --help`` (and the client's own commands' help) start without the heavy libraries: the list of
commands is read from their docstrings, and every summary in it is the one the command itself gives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from shared.cli import PluginGroup, main

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sqlalchemy", "sqlmodel", "textual", "websockets", "alembic", "pydantic", "server.storage", "tui.app")


def imported_by(args: list[str]) -> set[str]:
    """The modules a fresh interpreter has imported once ``triangulate ARGS`` has printed its help."""
    script = (
        "import json, sys\n"
        "from shared.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(f"{h}.") for h in HEAVY))


def test_the_top_level_help_imports_nothing_heavy() -> None:
    modules = imported_by(["--help"])
    assert "click" in modules  # it did run
    assert heavy(modules) == []


@pytest.mark.parametrize("command", ["join", "demo"])
def test_the_clients_commands_print_their_help_without_the_app(command: str) -> None:
    assert heavy(imported_by([command, "--help"])) == []


def test_each_summary_in_the_list_is_the_commands_own() -> None:
    assert isinstance(main, PluginGroup)
    with click.Context(main) as ctx:
        names = main.list_commands(ctx)
        assert {"serve", "join", "demo", "db", "cases"} <= set(names)
        for name in names:
            stand_in, real = main.summary(ctx, name), main.get_command(ctx, name)
            assert stand_in is not None and real is not None
            assert stand_in is not real, f"{name}: its docstring was not found in its source"
            assert stand_in.get_short_help_str(60) == real.get_short_help_str(60), name


def test_opening_a_database_imports_no_alembic_unless_it_must_migrate(tmp_path: Path) -> None:
    """A new database is created and stamped, and a current one opened, with alembic never imported: it costs the
    demo's server a tenth of a second or more to start, and only ``triangulate db upgrade`` needs it."""
    url = f"sqlite:///{tmp_path / 'new.db'}"
    script = (
        "import json, sys\n"
        "from server.storage import database\n"
        f"database.connect({url!r}).dispose()\n"  # created at the newest revision
        f"database.connect({url!r}).dispose()\n"  # and opened as it is
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    modules = set(json.loads(done.stdout.splitlines()[-1]))
    assert "server.storage.schema" in modules  # it did open the database through the schema check
    assert sorted(m for m in modules if m == "alembic" or m.startswith("alembic.")) == []
