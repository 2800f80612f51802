"""A user's mistake on the command line ends in one line naming the problem and a non-zero exit, never a traceback.

Each command runs as typed, through ``triangulate``'s entry points, on a real database.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from shared.cli import main
from tests.server.conftest import make_team
from tests.shared.annex_a_files import csv_rows, write_csv


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_one_line_error(result: Result, *expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # not an exception escaping the command
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for text in expected:
        assert text in lines[0], result.output


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


def test_serve_on_a_port_in_use_says_so(db_path: Path, busy_port: int) -> None:
    result = run("serve", "--port", str(busy_port), "--db", f"sqlite:///{db_path}")
    assert_one_line_error(result, f"cannot listen on 127.0.0.1:{busy_port}", "Address already in use",
                          "choose another --port")


def test_serve_on_an_address_that_is_not_this_machines_says_so(db_path: Path) -> None:
    result = run("serve", "--host", "no-such-host.invalid", "--port", "0", "--db", f"sqlite:///{db_path}")
    assert_one_line_error(result, "cannot listen on no-such-host.invalid:0")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("nonsense://", "Can't load plugin: sqlalchemy.dialects:nonsense"),
        ("nonsense", "Could not parse SQLAlchemy URL"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/x", "Connection refused"),
    ],
)
@pytest.mark.parametrize("command", [("inspection", "list"), ("serve", "--port", "0"), ("db", "upgrade")])
def test_a_mistyped_or_unreachable_database_is_named(url: str, expected: str, command: tuple[str, ...]) -> None:
    assert_one_line_error(run(*command, "--db", url), url, expected)


def test_a_database_url_with_a_password_is_named_without_it() -> None:
    result = run("inspection", "list", "--db", "postgresql+psycopg://me:sekrit@127.0.0.1:1/x")
    assert_one_line_error(result, "postgresql+psycopg://me:***@127.0.0.1:1/x")
    assert "sekrit" not in result.output


def test_an_unwritable_report_file_is_named(tmp_path: Path, db_path: Path) -> None:
    db_url = f"sqlite:///{db_path}"
    team = make_team(db_url)
    out = tmp_path / "no-such-folder" / "report.md"
    result = run("report", "--inspection", str(team.inspection.id), "--out", str(out), "--db", db_url)
    assert_one_line_error(result, f"cannot write {out}: No such file or directory")


def test_a_database_opened_read_only_says_so_when_written(db_path: Path) -> None:
    assert run("inspection", "create", "Northmoor", "--db", f"sqlite:///{db_path}").exit_code == 0
    read_only = f"sqlite:///file:{db_path}?mode=ro&uri=true"  # as a backup mounted read-only would be
    assert run("inspection", "list", "--db", read_only).stdout.startswith("1\tNorthmoor")
    result = run("inspection", "create", "Southmoor", "--db", read_only)
    assert_one_line_error(result, "the database failed: attempt to write a readonly database")


def test_a_missing_annex_a_file_is_named(db_path: Path) -> None:
    db_url = f"sqlite:///{db_path}"
    team = make_team(db_url)
    result = run("cases", "import", "--inspection", str(team.inspection.id), "annex-a.xlsx", "--db", db_url)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "'annex-a.xlsx' does not exist" in result.output


def test_an_annex_a_file_whose_name_breaks_the_text_rules_is_refused_by_name(db_path: Path, tmp_path: Path) -> None:
    """The file's name is recorded with the cases, so it follows the text rules; a terminal escape in it is named."""
    db_url = f"sqlite:///{db_path}"
    team = make_team(db_url)
    file = write_csv(tmp_path / "annex\x1b[31ma.csv", csv_rows())
    result = run("cases", "import", "--inspection", str(team.inspection.id), str(file), "--db", db_url)
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert "the file name must not contain U+001B (ESC)" in result.output
    assert "rename the file" in result.output


def test_lists_with_nothing_in_them_say_how_to_fill_them(db_path: Path) -> None:
    db_url = f"sqlite:///{db_path}"
    created = run("inspection", "create", "Northmoor", "--db", db_url)
    assert created.exit_code == 0, created.output
    team = run("inspector", "list", "--inspection", "1", "--db", db_url)
    assert team.exit_code == 0 and "No team members yet: add one with  triangulate inspector add --inspection 1" in (
        team.output
    )
    cases = run("cases", "list", "--inspection", "1", "--db", db_url)
    assert cases.exit_code == 0 and "triangulate cases import --inspection 1 FILE" in cases.output
    assert run("inspection", "list", "--db", db_url).stdout.startswith("1\tNorthmoor")


def test_no_inspections_yet_says_how_to_create_one(db_path: Path) -> None:
    db_url = f"sqlite:///{db_path}"
    assert run("db", "upgrade", "--db", db_url).exit_code == 0  # an empty database, made as the README says
    result = run("inspection", "list", "--db", db_url)
    assert result.exit_code == 0
    assert result.stdout == ""  # scripts reading the list get nothing; the hint goes to stderr
    assert "No inspections yet: create one with  triangulate inspection create" in result.stderr
