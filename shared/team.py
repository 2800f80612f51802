"""Changes to the team an administrator makes from the command line, as events every client folds.

``triangulate inspector revoke`` and ``triangulate inspector role`` record these in the inspection's log like any
other change (actor null: the server itself), so they are durable, numbered, reach every connected app and stay
in the record of who could act, and as what, when.
"""

from __future__ import annotations

from shared.kinds import INSPECTOR_REVOKED, ROLE_CHANGED
from shared.protocol import Frame
from shared.vocabulary import Role

TEAM_KINDS = (INSPECTOR_REVOKED, ROLE_CHANGED)


class InspectorRevoked(Frame):
    """``inspector.revoked``: their tokens no longer work; their open connections were closed (4401)."""

    inspector_id: int


class RoleChanged(Frame):
    """``inspector.role-changed``: they act in ``role`` from now on (their open connections reconnect)."""

    inspector_id: int
    role: Role
    was: Role
