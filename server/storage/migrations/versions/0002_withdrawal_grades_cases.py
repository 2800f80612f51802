"""What issues 6 and 7 added: withdrawing findings, fieldwork end date, the personal-data policy and case salt,
leadership answers on grades, and the Annex A cases, their sample and the guard's name digests.

New NOT NULL columns are added nullable, filled, then made NOT NULL, so the result has no server defaults and is the
same schema a new database gets from the models. Every existing inspection gets its own random ``case_salt``, as a
new one does (the salt keys worker pseudonyms and the name index: sharing one would link inspections).

Revision ID: 0002
Revises: 0001
Create Date: 2026-05-01
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _findings_can_be_withdrawn()
    _grades_record_leadership()
    _inspections_gain_policy_and_salt()
    _cases_and_samples()


def _findings_can_be_withdrawn() -> None:
    with op.batch_alter_table("finding") as batch:
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("withdrawn_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("withdrawn_reason", sa.Text(), nullable=True))
        # PostgreSQL's own name for it, as create_all would get there.
        batch.create_foreign_key("finding_withdrawn_by_fkey", "inspector", ["withdrawn_by"], ["id"])


def _grades_record_leadership() -> None:
    names = ("proposed_leaders_understand", "agreed_leaders_understand")
    with op.batch_alter_table("grade") as batch:
        for name in names:
            batch.add_column(sa.Column(name, sa.Boolean(), nullable=True))
    grade = sa.table("grade", *(sa.column(name, sa.Boolean()) for name in names))
    op.execute(grade.update().values({name: False for name in names}))
    with op.batch_alter_table("grade") as batch:
        for name in names:
            batch.alter_column(name, existing_type=sa.Boolean(), nullable=False)


def _inspections_gain_policy_and_salt() -> None:
    with op.batch_alter_table("inspection") as batch:
        batch.add_column(sa.Column("end_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("personal_data_policy", sa.String(), nullable=True))
        batch.add_column(sa.Column("case_salt", sa.String(), nullable=True))
    inspection = sa.table(
        "inspection", sa.column("id", sa.Integer()), sa.column("personal_data_policy", sa.String()),
        sa.column("case_salt", sa.String()),
    )
    bind = op.get_bind()
    for (inspection_id,) in bind.execute(sa.select(inspection.c.id)).all():
        bind.execute(
            inspection.update()
            .where(inspection.c.id == inspection_id)
            .values(personal_data_policy="refuse", case_salt=secrets.token_hex(16))
        )
    with op.batch_alter_table("inspection") as batch:
        batch.alter_column("personal_data_policy", existing_type=sa.String(), nullable=False)
        batch.alter_column("case_salt", existing_type=sa.String(), nullable=False)


def _cases_and_samples() -> None:
    op.create_table(
        "case_sample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("drawn_on", sa.Date(), nullable=False),
        sa.Column("eligible", sa.Integer(), nullable=False),
        sa.Column("meet_fraction", sa.Float(), nullable=False),
        sa.Column("good_practice", sa.Text(), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inspection_id"),
    )
    op.create_table(
        "name_digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inspection_id", "digest", name="uq_name_digest"),
    )
    op.create_index("ix_name_digest_inspection_id", "name_digest", ["inspection_id"], unique=False)
    op.create_table(
        "case_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.String(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("selection", sa.String(), nullable=True),
        sa.Column("meet_child_or_family", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("enquiry_id", sa.String(), nullable=True),
        sa.Column("allocated_to", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["allocated_to"], ["inspector.id"]),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inspection_id", "child_id", name="uq_case_child"),
    )
    op.create_index("ix_case_record_inspection_id", "case_record", ["inspection_id"], unique=False)


def downgrade() -> None:
    raise NotImplementedError("downgrades are not supported: restore the backup taken before upgrading")
