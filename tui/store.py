"""The client's local SQLite file: the cached event log (so the app opens offline), the outbox, and which lines
of enquiry this user has read.

The outbox is what makes a command survive a crash: a command is committed here (WAL, synchronous=FULL)
before it is sent, and leaves only when the server acks or refuses it. Methods are blocking and
thread-safe, so the async client can run them in a worker thread and keep the event loop free.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from shared.catalogue import decode_command
from shared.private_files import SQLITE_SIDECARS, Tightened, private_dirs, private_file
from shared.protocol import Command, Event, ProtocolError, Welcome, encode
from shared.redaction import RecordRedacted, redacted, redaction_of

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, frame TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    pos INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    frame TEXT NOT NULL
);
"""



class LocalStore:
    """One inspector's cache of one server's log, plus their unsent commands."""

    def __init__(self, path: Path | str) -> None:
        path = Path(path)
        private_dirs(path.parent)
        # Created 0600 before SQLite opens it (its -wal and -shm files take the same mode): it holds the inspection.
        self.tightened: list[Tightened] = private_file(path, sidecars=SQLITE_SIDECARS)
        """Files of this cache that others could read until now (made by an older version), so the CLI can say so."""
        self.path = path
        self._lock = threading.RLock()
        # Autocommit mode: transactions are explicit (see _tx), so nothing is left half-committed.
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # an enqueued command survives a power cut
        self._db.execute("PRAGMA secure_delete=ON")  # text a redaction replaces is zeroed, not left in free space
        with self._tx() as db:
            for statement in filter(str.strip, _SCHEMA.split(";")):
                db.execute(statement)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    # ------------------------------------------------------------ plumbing

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> LocalStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ------------------------------------------------------------ the cached log

    @property
    def epoch(self) -> str | None:
        """Identity of the server log we cached; None when the cache is empty."""
        return self._meta("epoch")

    @property
    def head(self) -> int:
        """Highest seq cached (0 if none): what to ask the server for events after."""
        with self._lock:
            return self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]

    @property
    def welcome(self) -> Welcome | None:
        """The last welcome, so the app can show who we are and the team while offline."""
        raw = self._meta("welcome")
        return None if raw is None else Welcome.model_validate_json(raw)

    def save_welcome(self, welcome: Welcome) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('welcome', ?)", (encode(welcome),))
            db.execute("INSERT OR REPLACE INTO meta VALUES ('epoch', ?)", (welcome.epoch,))

    def events(self) -> list[Event]:
        """Every cached event, oldest first."""
        return list(self.each_event())

    def each_event(self, page: int = 2_000) -> Iterator[Event]:
        """Every cached event, oldest first, read a page at a time: a big cache is never all in memory twice."""
        after = 0
        while True:
            with self._lock:
                rows = self._db.execute("SELECT seq, frame FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                                        (after, page)).fetchall()
            if not rows:
                return
            after = rows[-1][0]
            yield from (Event.model_validate_json(frame) for _, frame in rows)

    def newest(self, limit: int) -> list[Event]:
        """The ``limit`` newest cached events, oldest first: a first look while the whole cache is read."""
        with self._lock:
            rows = self._db.execute(
                "SELECT frame FROM (SELECT seq, frame FROM events ORDER BY seq DESC LIMIT ?) ORDER BY seq", (limit,)
            ).fetchall()
        return [Event.model_validate_json(frame) for (frame,) in rows]

    def append(self, events: Iterable[Event]) -> None:
        """Cache events in one transaction (one fsync per batch); an already cached seq is ignored.

        A ``record.redacted`` among them rewrites the cached events it names, in the same transaction, as the
        server rewrote its own (shared.redaction); the text then leaves the file too (``_forget_old_pages``).
        """
        events = list(events)
        rows = [(event.seq, encode(event)) for event in events]
        if not rows:
            return
        redactions = [payload for event in events if (payload := redaction_of(event)) is not None]
        with self._tx() as db:
            db.executemany("INSERT OR IGNORE INTO events (seq, frame) VALUES (?, ?)", rows)
            for redaction in redactions:
                self._redact(db, redaction)
        if redactions:
            self._forget_old_pages()

    def _redact(self, db: sqlite3.Connection, redaction: RecordRedacted) -> None:
        marks = ",".join("?" * len(redaction.seqs))
        cached = db.execute(f"SELECT frame FROM events WHERE seq IN ({marks})", redaction.seqs).fetchall()
        for (frame,) in cached:
            event = Event.model_validate_json(frame)
            data = redacted(redaction.record, redaction.record_id, event.kind, event.data)
            db.execute("UPDATE events SET frame = ? WHERE seq = ?",
                       (encode(event.model_copy(update={"data": data})), event.seq))

    def _forget_old_pages(self) -> None:
        """Empty the write-ahead log, which still holds the pages as they were before a redaction."""
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def reset(self) -> None:
        """Forget the cached log (the server's log changed); the outbox is kept, so nothing is lost."""
        with self._tx() as db:
            db.execute("DELETE FROM events")
            db.execute("DELETE FROM meta WHERE key IN ('welcome', 'epoch')")

    def purge(self) -> None:
        """Delete everything this cache holds of the inspection, unsent commands too: the server purged it
        (``purged``), so nothing here may outlive it. The freed pages are zeroed (``secure_delete``)."""
        with self._tx() as db:
            for table in ("events", "outbox", "meta"):
                db.execute(f"DELETE FROM {table}")
        self._forget_old_pages()

    # ------------------------------------------------------------ what this user has read

    def read_marks(self) -> set[str]:
        """Ids of the lines of enquiry this user has opened, so the unread count survives a restart."""
        raw = self._meta("read_enquiries")
        return set(json.loads(raw)) if raw else set()

    def save_read_marks(self, ids: Iterable[str]) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('read_enquiries', ?)", (json.dumps(sorted(ids)),))

    # ------------------------------------------------------------ the outbox

    def enqueue(self, command: Command) -> None:
        """Commit a command to the outbox before it is sent; enqueuing the same id again is a no-op."""
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO outbox (id, frame) VALUES (?, ?)", (command.id, encode(command)))

    def pending(self) -> list[Command]:
        """Commands not yet acked or refused, in the order they were made (an amend follows its post)."""
        with self._lock:
            rows = self._db.execute("SELECT frame FROM outbox ORDER BY pos").fetchall()
        commands = []
        for (frame,) in rows:
            try:
                commands.append(decode_command(frame))
            except ProtocolError:
                continue  # written by another version; left in place rather than lost
        return commands

    def pending_count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]

    def remove(self, command_id: str) -> None:
        """Drop a command once the server has acked or refused it; unknown ids are ignored."""
        with self._tx() as db:
            db.execute("DELETE FROM outbox WHERE id = ?", (command_id,))
