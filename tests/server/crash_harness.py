"""Helpers for the crash test: a real server process to SIGKILL, and checks on what the database holds.

The server runs as ``python -m server serve`` in its own process, so a kill is a real crash: no ``finally``, no
flush, no goodbye to the clients — exactly what a power cut or the OOM killer does. The checks read the
database directly, never through the server, so they judge what is actually on disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import random
import signal
import socket
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from server.storage import database
from server.storage.tables import EventRow, FindingRow, InspectionRow, InspectorRow
from shared.protocol import Event

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0
"""Generous: a loaded CI machine may take many seconds to import the server; only a hang should fail."""


def free_port() -> int:
    """A free port below the kernel's ephemeral range, reused for every restart, as an operator would.

    Not port 0's choice: while the server is down, the clients' own outgoing connections take ephemeral ports, and
    one could take the server's (even connect to itself), so the restart would find its port in use.
    """
    low = 32768
    with contextlib.suppress(OSError, ValueError):
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    candidates = list(range(max(1024, low - 12000), low))
    random.Random().shuffle(candidates)  # which port does not matter; two test runs at once must not collide
    for port in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port below the ephemeral range")


class ServerProcess:
    """``python -m server serve`` on a fixed port and database, killed and restarted at will."""

    def __init__(self, db_url: str, port: int, log_path: Path, *extra_args: str) -> None:
        self.db_url = db_url
        self.port = port
        self.log_path = log_path
        self.extra_args = extra_args
        self.starts = 0
        self._proc: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Start the server and return once it accepts TCP connections (or fail with its log)."""
        assert self._proc is None, "already running"
        command = [sys.executable, "-m", "server", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                   "--db", self.db_url, *self.extra_args]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with self.log_path.open("ab") as log:  # the child keeps its own handle; ours can close at once
            log.write(f"---- start {self.starts + 1}\n".encode())
            log.flush()
            self._proc = await asyncio.create_subprocess_exec(
                *command, cwd=REPO, env=env, stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log
            )
        self.starts += 1
        try:
            await asyncio.wait_for(self._listening(), START_TIMEOUT)
        except TimeoutError:
            raise AssertionError(f"server did not listen within {START_TIMEOUT}s:\n{self.log_tail()}") from None

    async def _listening(self) -> None:
        assert self._proc is not None
        while True:
            if self._proc.returncode is not None:
                raise AssertionError(f"server exited with {self._proc.returncode}:\n{self.log_tail()}")
            try:
                _reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                await asyncio.sleep(0.05)
                continue
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            return

    async def kill(self) -> None:
        """SIGKILL: the process gets no chance to finish anything."""
        assert self._proc is not None, "not running"
        with contextlib.suppress(ProcessLookupError):
            self._proc.send_signal(signal.SIGKILL)
        await self._proc.wait()
        self._proc = None

    async def stop(self) -> None:
        """Best-effort cleanup for a test that failed part-way."""
        if self._proc is not None:
            await self.kill()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


# ---------------------------------------------------------------- what the database holds


def event_digest(events: Iterable[Event]) -> str:
    """A digest of a log's content (seq, kind, actor, time, data): equal digests mean identical logs."""
    digest = hashlib.sha256()
    for event in events:
        digest.update(json.dumps(event.model_dump(mode="json"), sort_keys=True).encode())
        digest.update(b"\n")
    return digest.hexdigest()


@dataclass(frozen=True)
class StoredLog:
    """One inspection's log as the database holds it."""

    head: int
    """The inspection row's head: the last seq allocated."""
    events: list[Event]
    command_ids: list[str]
    """Command id of each event, in seq order."""

    @property
    def seq_of(self) -> dict[str, int]:
        return {command_id: event.seq for command_id, event in zip(self.command_ids, self.events, strict=True)}


def stored_log(db_url: str, inspection_id: int) -> StoredLog:
    engine = database.connect(db_url)
    try:
        return read_log(engine, inspection_id)
    finally:
        engine.dispose()


def read_log(engine: Engine, inspection_id: int) -> StoredLog:
    """One inspection's log, read in one session: the head, every event row and the team that wrote them."""
    with Session(engine) as session:
        inspection = session.get(InspectionRow, inspection_id)
        assert inspection is not None, f"no inspection {inspection_id}"
        actors = {
            row.id: database.inspector_model(row)
            for row in session.exec(select(InspectorRow).where(InspectorRow.inspection_id == inspection_id))
        }
        rows = session.exec(
            select(EventRow).where(EventRow.inspection_id == inspection_id).order_by(col(EventRow.seq))
        ).all()
    events = [database.event_model(row, actors[row.actor_id] if row.actor_id else None) for row in rows]
    return StoredLog(head=inspection.head, events=events, command_ids=[row.command_id for row in rows])


def integrity_problems(db_url: str) -> list[str]:
    """Everything wrong with the database as a whole; empty when it is sound.

    SQLite: ``PRAGMA integrity_check`` and ``foreign_key_check``. Both backends: the log's unique constraints
    exist and hold (no seq or command id twice in an inspection), every inspection's seqs are exactly 1..head,
    and the findings projection matches the log (each finding's version and text are its last event's).
    """
    engine = database.connect(db_url)
    problems: list[str] = []
    try:
        with engine.connect() as conn:
            if make_url(db_url).get_backend_name() == "sqlite":
                checked = [row[0] for row in conn.execute(text("PRAGMA integrity_check"))]
                if checked != ["ok"]:
                    problems.append(f"integrity_check: {checked}")
                broken = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
                if broken:
                    problems.append(f"foreign_key_check: {broken}")
            else:
                names = set(conn.execute(text(
                    "SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
                    " WHERE n.nspname = current_schema() AND c.contype = 'u'"
                )).scalars())
                missing = {"uq_event_seq", "uq_event_command"} - names
                if missing:
                    problems.append(f"unique constraints missing: {sorted(missing)}")
            for column in ("seq", "command_id"):
                twice = conn.execute(text(
                    f"SELECT inspection_id, {column}, COUNT(*) FROM event"
                    f" GROUP BY inspection_id, {column} HAVING COUNT(*) > 1"
                )).fetchall()
                if twice:
                    problems.append(f"{column} stored more than once: {twice[:10]}")
        with Session(engine) as session:
            for inspection in session.exec(select(InspectionRow)).all():
                seqs = session.exec(
                    select(EventRow.seq).where(EventRow.inspection_id == inspection.id).order_by(col(EventRow.seq))
                ).all()
                if list(seqs) != list(range(1, inspection.head + 1)):
                    problems.append(f"inspection {inspection.id}: seqs are not 1..{inspection.head}")
                expected: dict[str, tuple[int, str]] = {}  # finding id -> (version, text) the log implies
                for kind, data in session.exec(
                    select(EventRow.kind, EventRow.data)
                    .where(EventRow.inspection_id == inspection.id)
                    .order_by(col(EventRow.seq))
                ).all():
                    fields = json.loads(data)
                    if kind == "finding.posted":
                        expected[fields["finding_id"]] = (1, fields["text"])
                    elif kind == "finding.amended":
                        expected[fields["finding_id"]] = (fields["version"], fields["text"])
                projected = {
                    row.finding_id: (row.version, row.text)
                    for row in session.exec(select(FindingRow).where(FindingRow.inspection_id == inspection.id))
                }
                if projected != expected:
                    wrong = sorted(set(projected.items()) ^ set(expected.items()))[:10]
                    problems.append(f"inspection {inspection.id}: findings projection differs from the log: {wrong}")
    finally:
        engine.dispose()
    return problems

