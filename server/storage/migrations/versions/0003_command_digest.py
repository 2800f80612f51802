"""What issue 14 added: each event records a digest of the command that made it, so a command id reused with
different content is refused with ``conflict`` instead of being answered with the first command's ack.

Events stored before this revision keep a null digest: what their commands held cannot be rebuilt from the events,
so a retry of one of them is still answered with its ack, as before (docs/protocol.md, "Command ids").

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("command_digest", sa.String(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("downgrades are not supported: restore the backup taken before upgrading")
