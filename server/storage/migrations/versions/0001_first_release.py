"""The schema of the first release, exactly as its ``create_all`` made it (git adf1eb9, server/models.py).

Databases from that release have these tables and no ``alembic_version``; ``triangulate db upgrade`` recognises
them, stamps them 0001 and carries on from here. Types are plain SQLAlchemy ones, not the models' (SQLModel's
AutoString is a VARCHAR), so this file never changes when the models do.

Revision ID: 0001
Revises:
Create Date: 2026-05-01
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _utc(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _id() -> sa.Column[Any]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _inspection_id() -> sa.Column[Any]:
    return sa.Column("inspection_id", sa.Integer(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "inspection",
        _id(),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("framework", sa.String(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("epoch", sa.String(), nullable=False),
        sa.Column("head", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=True),
        sa.Column("acknowledge_seconds", sa.Integer(), nullable=False),
        sa.Column("inform_seconds", sa.Integer(), nullable=False),
        sa.Column("confirm_seconds", sa.Integer(), nullable=False),
        _utc("created_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "inspector",
        _id(),
        _inspection_id(),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("inspectorate", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        _utc("created_at"),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_inspector_inspection_id", "inspector", ["inspection_id"], unique=False)
    op.create_table(
        "meeting",
        _id(),
        _inspection_id(),
        sa.Column("meeting_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        _utc("opened_at"),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inspection_id", "meeting_id", name="uq_meeting_id"),
    )
    op.create_index("ix_meeting_inspection_id", "meeting", ["inspection_id"], unique=False)
    op.create_table(
        "alert",
        _id(),
        _inspection_id(),
        sa.Column("alert_id", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("child_id", sa.String(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("immediate_action", sa.Text(), nullable=True),
        sa.Column("raised_by", sa.Integer(), nullable=False),
        _utc("raised_at"),
        _utc("escalated_at", nullable=True),
        _utc("informed_at", nullable=True),
        _utc("updated_at"),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"]),
        sa.ForeignKeyConstraint(["raised_by"], ["inspector.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inspection_id", "alert_id", name="uq_alert_id"),
    )
    op.create_index("ix_alert_inspection_id", "alert", ["inspection_id"], unique=False)
    op.create_index("ix_alert_status", "alert", ["status"], unique=False)
    op.create_table(
        "enquiry",
        _id(),
        _inspection_id(),
        sa.Column("enquiry_id", sa.String(), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=False),
        sa.Column("to_inspectorate", sa.String(), nullable=True),
        sa.Column("to_agency", sa.String(), nullable=True),
        sa.Column("to_inspector", sa.Integer(), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("needs_la_input", sa.Boolean(), nullable=False),
        _utc("opened_at"),
        _utc("updated_at"),
        sa.ForeignKeyConstraint(["asker_id"], ["inspector.id"]),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"]),
        sa.ForeignKeyConstraint(["to_inspector"], ["inspector.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inspection_id", "enquiry_id", name="uq_enquiry_id"),
    )
    op.create_index("ix_enquiry_inspection_id", "enquiry", ["inspection_id"], unique=False)
    op.create_table(
        "event",
        _id(),
        _inspection_id(),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        _utc("at"),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("command_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["inspector.id"]),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inspection_id", "command_id", name="uq_event_command"),
        sa.UniqueConstraint("inspection_id", "seq", name="uq_event_seq"),
    )
    op.create_table(
        "finding",
        _id(),
        _inspection_id(),
        sa.Column("finding_id", sa.String(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("judgement_area", sa.String(), nullable=True),
        sa.Column("criterion", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("evidence_source", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("child_id", sa.String(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _utc("posted_at"),
        _utc("updated_at"),
        sa.ForeignKeyConstraint(["author_id"], ["inspector.id"]),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inspection_id", "finding_id", name="uq_finding_id"),
    )
    op.create_index("ix_finding_child_id", "finding", ["child_id"], unique=False)
    op.create_index("ix_finding_inspection_id", "finding", ["inspection_id"], unique=False)
    op.create_table(
        "finding_link",
        _id(),
        _inspection_id(),
        sa.Column("link_id", sa.String(), nullable=False),
        sa.Column("finding_id", sa.String(), nullable=False),
        sa.Column("other_finding_id", sa.String(), nullable=False),
        sa.Column("relation", sa.String(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["inspector.id"]),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inspection_id", "link_id", name="uq_link_id"),
    )
    op.create_index("ix_finding_link_inspection_id", "finding_link", ["inspection_id"], unique=False)
    op.create_table(
        "grade",
        _id(),
        _inspection_id(),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("judgement", sa.String(), nullable=False),
        sa.Column("proposed_grade", sa.String(), nullable=True),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("proposed_findings", sa.Text(), nullable=False),
        sa.Column("agreed_grade", sa.String(), nullable=True),
        sa.Column("agreed_by", sa.Integer(), nullable=True),
        sa.Column("agreed_findings", sa.Text(), nullable=False),
        sa.Column("challenges", sa.Integer(), nullable=False),
        sa.Column("signed_off", sa.Boolean(), nullable=False),
        sa.Column("signed_off_by", sa.Integer(), nullable=True),
        _utc("updated_at"),
        sa.ForeignKeyConstraint(["agreed_by"], ["inspector.id"]),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"]),
        sa.ForeignKeyConstraint(["proposed_by"], ["inspector.id"]),
        sa.ForeignKeyConstraint(["signed_off_by"], ["inspector.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inspection_id", "agency", "judgement", name="uq_grade_cell"),
    )
    op.create_index("ix_grade_inspection_id", "grade", ["inspection_id"], unique=False)
    op.create_table(
        "token",
        _id(),
        sa.Column("inspector_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=False),
        _utc("created_at"),
        _utc("revoked_at", nullable=True),
        sa.ForeignKeyConstraint(["inspector_id"], ["inspector.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_token_inspector_id", "token", ["inspector_id"], unique=False)
    op.create_index("ix_token_token_hash", "token", ["token_hash"], unique=True)
    op.create_table(
        "alert_seen",
        _id(),
        sa.Column("alert_row_id", sa.Integer(), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=False),
        _utc("at"),
        sa.ForeignKeyConstraint(["alert_row_id"], ["alert.id"]),
        sa.ForeignKeyConstraint(["inspector_id"], ["inspector.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("alert_row_id", "inspector_id", name="uq_alert_seen"),
    )


def downgrade() -> None:
    raise NotImplementedError("downgrades are not supported: restore the backup taken before upgrading")
