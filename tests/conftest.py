"""Session-wide fixtures: the PostgreSQL schema the server tests share (tests/pg.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import pg


def pytest_report_header() -> str:
    return pg.describe()


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[pg.SessionSchema]:
    """This session's schema on the configured PostgreSQL server; skips (or fails in CI) when there is none."""
    schema = pg.SessionSchema(pg.require_url())
    yield schema
    schema.drop()
