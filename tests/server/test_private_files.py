"""The server's SQLite database holds every inspection's evidence: it, its -wal and -shm files are readable by the
server's user alone (0600), in directories created 0700, however they came to be made."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from server.network.team_server import ServerConfig, TeamServer
from server.storage import database
from shared.cli import main


@pytest.fixture(autouse=True)
def common_umask() -> Iterator[None]:
    """The usual umask, under which SQLite alone would make world-readable files."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def modes(*paths: Path) -> dict[str, str]:
    return {path.name: f"{stat.S_IMODE(path.stat().st_mode):04o}" for path in paths}


def sqlite_files(db: Path) -> list[Path]:
    return [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]


async def test_a_new_database_is_private_to_the_server_user(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)  # a directory the user made, such as where they keep the server's files
    db = tmp_path / "new" / "dir" / "team.db"
    async with TeamServer(ServerConfig(db_url=f"sqlite:///{db}", port=0)):
        files = sqlite_files(db)  # the server holds the database open: its write-ahead log and index exist
        assert modes(*files) == {path.name: "0600" for path in files}
        assert modes(db.parent, db.parent.parent) == {"dir": "0700", "new": "0700"}
    assert modes(tmp_path)[tmp_path.name] == "0755"  # not the server's to change


def test_db_upgrade_creates_a_private_database(tmp_path: Path) -> None:
    db = tmp_path / "made-by-upgrade" / "team.db"
    result = CliRunner().invoke(main, ["db", "upgrade", "--db", f"sqlite:///{db}"])
    assert result.exit_code == 0, result.output
    assert modes(db, db.parent) == {"team.db": "0600", "made-by-upgrade": "0700"}


def test_a_database_others_could_read_is_tightened_and_the_log_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "team.db"
    database.connect(f"sqlite:///{db}").dispose()
    older = sqlite3.connect(db)  # as an older version left it: readable by all, its log and index too
    older.execute("PRAGMA journal_mode=WAL")
    older.execute("CREATE TABLE IF NOT EXISTS scratch (x)")
    files = sqlite_files(db)
    for path in files:
        path.chmod(0o644)
    try:
        with caplog.at_level(logging.WARNING, logger="server.storage.schema"):
            database.connect(f"sqlite:///{db}").dispose()
    finally:
        older.close()
    assert modes(db) == {"team.db": "0600"}
    assert all(f"{path} (was 0644)" in caplog.text for path in files), caplog.text
