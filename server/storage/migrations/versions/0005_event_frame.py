"""What issue 17 added: each event is stored as the frame sent on the wire, encoded once when it is written, so
catch-up sends stored frames without rebuilding and re-encoding every event.

Events stored before this revision have no frame: the column is nullable, and those events are encoded from their
columns when replayed, exactly as before.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("frame", sa.Text(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("downgrades are not supported: restore the backup taken before upgrading")
