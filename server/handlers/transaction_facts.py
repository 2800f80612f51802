"""What the commands of one transaction read again and again, read once: each inspection's facts and name index.

A writer batch is one transaction of up to 256 commands, nearly all ``finding.post``, and each reads its
inspection's framework, timezone, policy and name index; measured (bench/floor.py), reading them per command was
a large part of a finding's CPU. They are kept in ``session.info`` for the session's current transaction (a
caller that commits and goes on in the same session reads afresh), and ``dispatch.apply_command`` forgets them
after any command whose handler is not marked ``refuses_before_writing``, since it may have changed them (a
policy, an import of names).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import bindparam, select
from sqlmodel import Session

from server.handlers import personal_data_guard
from server.storage.tables import InspectionRow
from shared.personal_data import NameIndex

_KEPT = "transaction facts"
_FACTS = "inspection facts"
STANDING = "standing"
"""The actors' standing as read in this transaction (server/handlers/membership.py current_actor)."""

_inspections = InspectionRow.__table__  # type: ignore[attr-defined]
_INSPECTION = select(
    _inspections.c.id,
    _inspections.c.framework,
    _inspections.c.timezone,
    _inspections.c.personal_data_policy,
    _inspections.c.case_salt,
).where(_inspections.c.id == bindparam("inspection"))


@dataclass(frozen=True)
class InspectionFacts:
    """What a command's checks read of its inspection (personal_data_guard.Guarded, and the framework)."""

    id: int
    framework: str
    timezone: str
    personal_data_policy: str
    case_salt: str


def kept(session: Session, key: str) -> dict[Any, Any]:
    """A dict under ``key`` that lasts as long as the session's current transaction."""
    transaction = session.get_transaction()
    if transaction is None:
        session.connection()  # begins it
        transaction = session.get_transaction()
    held: tuple[object, dict[str, dict[Any, Any]]] | None = session.info.get(_KEPT)
    if held is None or held[0] is not transaction:
        held = session.info[_KEPT] = (transaction, {})
    return held[1].setdefault(key, {})


def inspection(session: Session, inspection_id: int) -> tuple[InspectionFacts, NameIndex | None] | None:
    """The inspection's facts and its name index, read once per transaction; None if there is no such inspection."""
    known = kept(session, _FACTS)
    if inspection_id not in known:
        row = session.connection().execute(_INSPECTION, {"inspection": inspection_id}).first()
        facts = None if row is None else InspectionFacts(*row)
        known[inspection_id] = None if facts is None else (facts, personal_data_guard.name_index(session, facts))
    found: tuple[InspectionFacts, NameIndex | None] | None = known[inspection_id]
    return found


def forget(session: Session) -> None:
    """Read the facts and the standing afresh next time: a command may have changed them (a policy, the name index,
    a revocation or a role)."""
    kept(session, _FACTS).clear()
    kept(session, STANDING).clear()


Handler = TypeVar("Handler", bound=Callable[..., Any])
_REFUSES_BEFORE_WRITING: set[Callable[..., Any]] = set()


def refuses_before_writing(handler: Handler) -> Handler:
    """Mark a handler that makes every check before its first write and writes only rows of its own (nothing of the
    inspection, its names or its team): a refusal leaves nothing to undo, so the writer needs no savepoint for it,
    and the facts stay true after it."""
    _REFUSES_BEFORE_WRITING.add(handler)
    return handler


def writes_after_every_check(handler: Callable[..., Any] | None) -> bool:
    """Whether ``handler`` is marked ``refuses_before_writing``."""
    return handler in _REFUSES_BEFORE_WRITING
