"""What issue 19 added: each event stores a hash of its content and the inspection's hash chain up to it, so an edit
to the log is detected by ``triangulate audit verify`` (server/storage/chain.py says what each hash covers); and
the tombstones of purged inspections, with their tokens' hashes (``triangulate inspection purge``).

Existing logs get their chain here, in seq order per inspection, from the events as they stand when upgraded: the
chain proves nothing changes from this revision on, not what happened before it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from server.storage import chain

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_event = sa.table(
    "event",
    sa.column("id", sa.Integer()),
    sa.column("inspection_id", sa.Integer()),
    sa.column("seq", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("actor_id", sa.Integer()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("data", sa.Text()),
    sa.column("command_id", sa.String()),
    sa.column("content_hash", sa.String()),
    sa.column("chain", sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("content_hash", sa.String(), nullable=True))
        batch.add_column(sa.Column("chain", sa.String(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_event).order_by(_event.c.inspection_id, _event.c.seq)
    ).mappings()
    previous: dict[int, str] = {}
    hashed = []
    for row in rows:
        content = chain.content_hash(json.loads(row["data"]))
        link = chain.chain_hash(
            previous.get(row["inspection_id"], chain.GENESIS), seq=row["seq"], kind=row["kind"],
            actor_id=row["actor_id"], at=row["at"], command_id=row["command_id"], content=content,
        )
        previous[row["inspection_id"]] = link
        hashed.append({"row_id": row["id"], "content_hash": content, "chain": link})
    if hashed:
        connection.execute(
            _event.update().where(_event.c.id == sa.bindparam("row_id")).values(
                content_hash=sa.bindparam("content_hash"), chain=sa.bindparam("chain")
            ),
            hashed,
        )
    with op.batch_alter_table("event") as batch:
        batch.alter_column("content_hash", existing_type=sa.String(), nullable=False)
        batch.alter_column("chain", existing_type=sa.String(), nullable=False)
    _tombstones()


def _tombstones() -> None:
    op.create_table(
        "tombstone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("framework", sa.String(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("head_seq", sa.Integer(), nullable=False),
        sa.Column("head_chain", sa.String(), nullable=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purged_by", sa.String(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inspection_id"),
    )
    op.create_table(
        "purged_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_purged_token_token_hash", "purged_token", ["token_hash"], unique=True)


def downgrade() -> None:
    raise NotImplementedError("downgrades are not supported: restore the backup taken before upgrading")
