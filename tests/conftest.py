"""Session-wide fixtures: the PostgreSQL schema the server tests share (tests/pg.py), and how the suite is spread
over pytest-xdist's worker processes (``-n auto`` in pyproject.toml)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import bytecode, pg  # noqa: F401 - bytecode first: it must act before anything of the project is imported

SPARE_WORKERS = 2
"""Workers beyond one per core. Tests also wait (on a server's reply, a subprocess starting, PostgreSQL), and spare
workers fill that time; more only add start-up and switching. Measured on the project's 2-core machine with
PostgreSQL, after the collector and footer changes of 2026-12-07 (docs/performance.md, "Test suite"): 3 workers
4m18 and 4m00 with 65 core-seconds idle, 4 workers 3m42, 4m00 and 4m00 with 23–40 idle."""


MEMORY_DISK = Path("/dev/shm")
"""Where the session's files go when it is there: a file system in memory. Every commit the servers under test make
waits for an fsync (SQLite ``synchronous=FULL``), and on the project's machine an fsync to the disk takes ≈ 3.6 ms
against ≈ 3 µs in memory, while a test only ever kills a server process, never the machine: the files in memory are
as real to it and as durable across the kill."""

_session_dir: Path | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Put the session's temporary files (``tmp_path``, subprocesses' ``TMPDIR``) in memory when the machine has
    ``MEMORY_DISK`` and nobody chose ``--basetemp`` or ``TMPDIR``. Set in the controlling process before xdist
    starts its workers, so they inherit it."""
    global _session_dir
    from shared import collector  # here, not at the top: tests.bytecode must act before the project is imported

    collector.run_less_often()  # as every triangulate command does; in each worker as well as here
    if hasattr(config, "workerinput") or config.option.basetemp or os.environ.get("TMPDIR"):
        return
    if not (MEMORY_DISK.is_dir() and os.access(MEMORY_DISK, os.W_OK)):
        return
    _session_dir = Path(tempfile.mkdtemp(prefix="triangulate-tests-", dir=MEMORY_DISK))
    os.environ["TMPDIR"] = str(_session_dir)
    tempfile.tempdir = None  # gettempdir() reads TMPDIR again


def pytest_unconfigure(config: pytest.Config) -> None:
    if _session_dir is not None:
        shutil.rmtree(_session_dir, ignore_errors=True)


def pytest_report_header() -> str:
    return pg.describe()


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto``: one worker per core this process may use, plus ``SPARE_WORKERS``;
    ``PYTEST_XDIST_AUTO_NUM_WORKERS`` wins."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores + SPARE_WORKERS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests first (otherwise in collection order). ``--maxschedchunk 2`` hands each worker two tests at a
    time, so the slow ones start at once on different workers and no worker is left holding a queue at the end
    (xdist's default first hands out a quarter of the suite in consecutive blocks: measured 30 s of tail)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip (or fail) a PostgreSQL test here rather than in its fixture, so the skips fold into one summary line."""
    callspec = getattr(item, "callspec", None)
    on_postgres = callspec is not None and callspec.params.get("backend") == "postgresql"
    if on_postgres or "pg_schema" in getattr(item, "fixturenames", ()):
        pg.require_url()


@pytest.fixture(scope="session")
def pg_schema(worker_id: str) -> Iterator[pg.SessionSchema]:
    """This session's schema on the configured PostgreSQL server (one per xdist worker: ``worker_id`` is ``gw0``,
    ``gw1``…, or ``master`` without xdist); skips (or fails in CI) when there is none."""
    schema = pg.SessionSchema(pg.require_url(), worker_id)
    yield schema
    schema.drop()
