"""Session-wide fixtures: the PostgreSQL schema the server tests share (tests/pg.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import pg


def pytest_report_header() -> str:
    return pg.describe()


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip (or fail) a PostgreSQL test here rather than in its fixture, so the skips fold into one summary line."""
    callspec = getattr(item, "callspec", None)
    on_postgres = callspec is not None and callspec.params.get("backend") == "postgresql"
    if on_postgres or "pg_schema" in getattr(item, "fixturenames", ()):
        pg.require_url()


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[pg.SessionSchema]:
    """This session's schema on the configured PostgreSQL server; skips (or fails in CI) when there is none."""
    schema = pg.SessionSchema(pg.require_url())
    yield schema
    schema.drop()
