"""The local SQLite file: cached log, welcome and outbox, across reopenings."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared.findings import AmendFinding, PostFinding
from shared.protocol import Event, Inspection, Inspector, Welcome
from shared.vocabulary import Agency, EvidenceSource, FindingKind, Framework, Inspectorate, Role
from tui.store import LocalStore

ASHA = Inspector(id=1, name="Asha Patel", inspectorate=Inspectorate.OFSTED, role=Role.LEAD)
WELCOME = Welcome(
    inspector=ASHA,
    inspection=Inspection(id=1, name="Northmoor", framework=Framework.INTEGRATED),
    epoch="epoch-1",
    head=3,
    team=[ASHA],
    online=[1],
)
FIELDS = {
    "agency": Agency.HEALTH,
    "kind": FindingKind.NOTE,
    "evidence_source": EvidenceSource.OBSERVATION,
    "text": "Note",
}


def event(seq: int) -> Event:
    return Event(
        seq=seq,
        kind="finding.posted",
        actor=ASHA,
        at=datetime(2026, 11, 16, 9, seq, tzinfo=UTC),
        data={"finding_id": f"f{seq}", **FIELDS},
    )


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "client.db"


@pytest.fixture
def store(path: Path) -> LocalStore:
    with LocalStore(path) as s:
        yield s


def test_empty_store(store: LocalStore) -> None:
    assert store.epoch is None
    assert store.head == 0
    assert store.welcome is None
    assert store.events() == []
    assert store.pending() == []
    assert store.pending_count() == 0


def test_file_is_wal_and_full_sync(store: LocalStore, path: Path) -> None:
    assert path.exists()
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_welcome_and_events_survive_reopening(store: LocalStore, path: Path) -> None:
    store.save_welcome(WELCOME)
    store.append([event(1), event(2)])
    store.append([event(3)])
    store.close()
    with LocalStore(path) as again:
        assert again.welcome == WELCOME
        assert again.epoch == "epoch-1"
        assert again.head == 3
        assert again.events() == [event(1), event(2), event(3)]


def test_append_ignores_seqs_already_cached(store: LocalStore) -> None:
    store.append([event(1), event(2)])
    store.append([event(2), event(3)])
    store.append([])
    assert [e.seq for e in store.events()] == [1, 2, 3]


def test_events_are_read_page_by_page_across_the_page_boundaries_and_the_newest_last(store: LocalStore) -> None:
    store.append([event(seq) for seq in (1, 2, 3, 5, 8, 9, 10)])  # gaps, so a page is not a run of seqs
    every = [e.seq for e in store.events()]
    assert every == [1, 2, 3, 5, 8, 9, 10]
    for page in (1, 2, 3, 7, 50):
        assert [e.seq for e in store.each_event(page)] == every
    assert [e.seq for e in store.newest(3)] == [8, 9, 10]
    assert [e.seq for e in store.newest(50)] == every


def test_reset_drops_cache_but_keeps_outbox(store: LocalStore) -> None:
    store.save_welcome(WELCOME)
    store.append([event(1)])
    store.enqueue(PostFinding(id="c1", **FIELDS))
    store.reset()
    assert (store.epoch, store.head, store.welcome, store.events()) == (None, 0, None, [])
    assert [c.id for c in store.pending()] == ["c1"]


def test_outbox_keeps_order_and_type_across_reopening(store: LocalStore, path: Path) -> None:
    post = PostFinding(id="c1", **FIELDS)
    amend = AmendFinding(id="c2", finding_id="c1", **(FIELDS | {"text": "Amended"}))
    store.enqueue(post)
    store.enqueue(amend)
    store.enqueue(post)  # same id again: no duplicate
    store.close()
    with LocalStore(path) as again:
        assert again.pending() == [post, amend]
        assert again.pending_count() == 2
        again.remove("c1")
        again.remove("never-sent")
        assert again.pending() == [amend]


def test_enqueue_is_committed_before_returning(store: LocalStore, path: Path) -> None:
    store.enqueue(PostFinding(id="c1", **FIELDS))
    # a second, independent connection (as after a crash) sees it at once
    other = sqlite3.connect(path)
    try:
        assert other.execute("SELECT id FROM outbox").fetchall() == [("c1",)]
    finally:
        other.close()


def test_unreadable_outbox_row_is_kept_not_lost(store: LocalStore) -> None:
    store.enqueue(PostFinding(id="c1", **FIELDS))
    store._db.execute("INSERT INTO outbox (id, frame) VALUES ('old', '{\"type\": \"finding.retract\"}')")
    assert [c.id for c in store.pending()] == ["c1"]
    assert store.pending_count() == 2
