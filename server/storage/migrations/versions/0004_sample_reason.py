"""What issue 16 added: a draw keeps the lead's reason for sampling fewer than 50 cases, or other than three
good-practice cases (CP ¶39, ¶43), so the report can say it.

Draws made before this revision have no reason recorded: the column is nullable and stays null for them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_sample") as batch:
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("downgrades are not supported: restore the backup taken before upgrading")
