"""Who may act, and in which role: the administrator's changes to the team, and each actor's standing now.

Revoking and changing a role are commands the server records itself (never accepted from a client), applied
through ``apply_command`` like every other change, so each is one transaction with its event. Every command a
connection sends is judged by its actor's standing read in that command's transaction (``current_actor``), not
by what was true when the connection said hello.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import bindparam, exists
from sqlmodel import Session, col, select

from server.handlers import transaction_facts
from server.handlers.errors import CommandRejected
from server.storage.tables import InspectorRow, TokenRow
from shared.protocol import REVOKED_REASON, Command, ErrorCode, Inspector
from shared.team import InspectorRevoked, RoleChanged
from shared.vocabulary import Role

_inspectors = InspectorRow.__table__  # type: ignore[attr-defined]
_tokens = TokenRow.__table__  # type: ignore[attr-defined]
_STANDINGS = select(_inspectors.c.id, _inspectors.c.role).where(
    _inspectors.c.id.in_(bindparam("ids", expanding=True)),
    exists().where(_tokens.c.inspector_id == _inspectors.c.id, _tokens.c.revoked_at.is_(None)),
)
"""Key in ``Session.info``: each actor's standing is read once per transaction (a writer batch), not per command."""


class RevokeInspector(Command):
    """``triangulate inspector revoke``: every live token of the inspector stops working."""

    type: Literal["inspector.revoke"] = "inspector.revoke"
    inspector_id: int


class ChangeRole(Command):
    """``triangulate inspector role``: the inspector acts in another role from now on."""

    type: Literal["inspector.change-role"] = "inspector.change-role"
    inspector_id: int
    role: Role


def _member(session: Session, inspection_id: int, inspector_id: int) -> InspectorRow:
    row = session.get(InspectorRow, inspector_id)
    if row is None or row.inspection_id != inspection_id:
        raise CommandRejected(ErrorCode.NOT_FOUND, f"no inspector with id {inspector_id}", field="inspector_id")
    return row


def require_lead(actor: Inspector | None, doing: str) -> None:
    """Refuse (``forbidden``) anyone but the lead; None, the server itself (the command line), may do it too."""
    if actor is not None and actor.role is not Role.LEAD:
        raise CommandRejected(ErrorCode.FORBIDDEN, f"only the lead inspector may {doing}")


def active_member(session: Session, inspection_id: int, inspector_id: int, field: str) -> InspectorRow:
    """A team member a command names (deputy, case tracker, enquiry addressee): of this inspection, and not revoked,
    since work given to someone who can no longer connect would wait for ever."""
    row = session.get(InspectorRow, inspector_id)
    if row is None or row.inspection_id != inspection_id:
        raise CommandRejected(ErrorCode.NOT_FOUND, f"no team member with id {inspector_id}", field=field)
    if inspector_id not in standings(session, {inspector_id}):
        raise CommandRejected(ErrorCode.CONFLICT, f"{row.name} no longer has access to this inspection", field=field)
    return row


def revoke_inspector(
    session: Session, *, inspection_id: int, actor: Inspector | None, command: RevokeInspector, at: datetime
) -> InspectorRevoked:
    _member(session, inspection_id, command.inspector_id)
    live = session.exec(
        select(TokenRow).where(TokenRow.inspector_id == command.inspector_id, col(TokenRow.revoked_at).is_(None))
    ).all()
    if not live:
        raise CommandRejected(
            ErrorCode.CONFLICT, f"inspector {command.inspector_id} holds no live token", field="inspector_id"
        )
    for token in live:
        token.revoked_at = at
        session.add(token)
    return InspectorRevoked(inspector_id=command.inspector_id)


def change_role(
    session: Session, *, inspection_id: int, actor: Inspector | None, command: ChangeRole, at: datetime
) -> RoleChanged:
    row = _member(session, inspection_id, command.inspector_id)
    was = Role(row.role)
    if was is command.role:
        raise CommandRejected(ErrorCode.CONFLICT, f"{row.name} is already {was.label}", field="role")
    row.role = command.role.value
    session.add(row)
    return RoleChanged(inspector_id=command.inspector_id, role=command.role, was=was)


def standings(session: Session, inspector_ids: set[int]) -> dict[int, Role]:
    """The current role of each of these inspectors who still holds a live token; the revoked are missing."""
    if not inspector_ids:
        return {}
    session.flush()  # as a query through the session would: this command's own changes count
    rows = session.connection().execute(_STANDINGS, {"ids": sorted(inspector_ids)})
    return {inspector_id: Role(role) for inspector_id, role in rows}


def current_actor(session: Session, actor: Inspector) -> Inspector:
    """``actor`` as they stand now: refused if revoked, with their present role if it changed."""
    cache: dict[int, Role | None] = transaction_facts.kept(session, transaction_facts.STANDING)
    if actor.id not in cache:
        cache[actor.id] = standings(session, {actor.id}).get(actor.id)
    role = cache[actor.id]
    if role is None:
        raise CommandRejected(ErrorCode.UNAUTHORIZED, REVOKED_REASON)
    return actor if role is actor.role else actor.model_copy(update={"role": role})
