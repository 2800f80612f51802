"""Database tables. Suffixed ``Row`` so they are never mistaken for wire models in shared.protocol."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def _utc_column(*, nullable: bool) -> Column[datetime]:
    return Column(DateTime(timezone=True), nullable=nullable)


class InspectionRow(SQLModel, table=True):
    """An inspection and its event log's identity: ``epoch`` changes only if the log is rebuilt."""

    __tablename__ = "inspection"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    framework: str
    start_date: date | None = None
    end_date: date | None = None  # last day of fieldwork: the reporting clock starts here
    timezone: str = "Europe/London"
    personal_data_policy: str = "refuse"
    case_salt: str = Field(default_factory=lambda: secrets.token_hex(16))  # worker pseudonyms, name index
    epoch: str
    head: int = 0  # last seq allocated; bumped in the same transaction as each event
    deputy_id: int | None = None  # who may act for the lead on escalations
    acknowledge_seconds: int = 15 * 60
    inform_seconds: int = 60 * 60
    confirm_seconds: int = 24 * 60 * 60
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))


class InspectorRow(SQLModel, table=True):
    __tablename__ = "inspector"
    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspection.id", index=True)
    name: str
    inspectorate: str
    role: str
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))


class TokenRow(SQLModel, table=True):
    """An access token, stored only as its SHA-256 (tokens are 256-bit random, so no slow hash is needed)."""

    __tablename__ = "token"
    id: int | None = Field(default=None, primary_key=True)
    inspector_id: int = Field(foreign_key="inspector.id", index=True)
    token_hash: str = Field(unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class EventRow(SQLModel, table=True):
    """The append-only log: every change to an inspection, numbered without gaps."""

    __tablename__ = "event"
    __table_args__ = (
        UniqueConstraint("inspection_id", "seq", name="uq_event_seq"),
        UniqueConstraint("inspection_id", "command_id", name="uq_event_command"),
    )
    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspection.id")
    seq: int
    kind: str
    actor_id: int | None = Field(default=None, foreign_key="inspector.id")  # None: the server itself
    at: datetime = Field(sa_column=_utc_column(nullable=False))
    data: str = Field(sa_column=Column(Text, nullable=False))
    command_id: str
    command_digest: str | None = None
    """SHA-256 of the command as applied (server.handlers.dispatch.command_digest): a retry with this id must match it.
    None on events stored before revision 0003, whose retries are taken on trust as before."""
    frame: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """The event as sent on the wire (shared.protocol.encode), encoded once when written: catch-up sends it as it is.
    None on events stored before revision 0005, which are encoded from the columns above when replayed."""
    content_hash: str
    """SHA-256 of ``data`` as canonical JSON (server.storage.chain): a redaction changes the data, never this."""
    chain: str
    """The hash chain up to and including this event (server.storage.chain.chain_hash), computed under the
    inspection's row lock from the previous event's, in the same transaction (revision 0006)."""


class FindingRow(SQLModel, table=True):
    """Current state of a finding, projected from its events in the same transaction."""

    __tablename__ = "finding"
    __table_args__ = (UniqueConstraint("inspection_id", "finding_id", name="uq_finding_id"),)
    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspection.id", index=True)
    finding_id: str
    author_id: int = Field(foreign_key="inspector.id")
    agency: str
    judgement_area: str | None = None
    criterion: str | None = None
    kind: str
    evidence_source: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    child_id: str | None = Field(default=None, index=True)
    version: int = 1
    posted_at: datetime = Field(sa_column=_utc_column(nullable=False))
    updated_at: datetime = Field(sa_column=_utc_column(nullable=False))
    withdrawn_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    withdrawn_by: int | None = Field(default=None, foreign_key="inspector.id")
    withdrawn_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class AlertRow(SQLModel, table=True):
    """Current state of an emerging concern or significant-harm escalation; its timeline is in the event log."""

    __tablename__ = "alert"
    __table_args__ = (UniqueConstraint("inspection_id", "alert_id", name="uq_alert_id"),)
    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspection.id", index=True)
    alert_id: str
    level: str
    status: str = Field(index=True)
    agency: str
    child_id: str | None = None
    summary: str = Field(sa_column=Column(Text, nullable=False))
    immediate_action: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    raised_by: int = Field(foreign_key="inspector.id")
    raised_at: datetime = Field(sa_column=_utc_column(nullable=False))
    escalated_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    informed_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    updated_at: datetime = Field(sa_column=_utc_column(nullable=False))


class AlertSeenRow(SQLModel, table=True):
    """A team member's read acknowledgement of an alert."""

    __tablename__ = "alert_seen"
    __table_args__ = (UniqueConstraint("alert_row_id", "inspector_id", name="uq_alert_seen"),)
    id: int | None = Field(default=None, primary_key=True)
    alert_row_id: int = Field(foreign_key="alert.id")
    inspector_id: int = Field(foreign_key="inspector.id")
    at: datetime = Field(sa_column=_utc_column(nullable=False))


class EnquiryRow(SQLModel, table=True):
    """Current state of a line of enquiry."""

    __tablename__ = "enquiry"
    __table_args__ = (UniqueConstraint("inspection_id", "enquiry_id", name="uq_enquiry_id"),)
    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspection.id", index=True)
    enquiry_id: str
    asker_id: int = Field(foreign_key="inspector.id")
    to_inspectorate: str | None = None
    to_agency: str | None = None
    to_inspector: int | None = Field(default=None, foreign_key="inspector.id")
    question: str = Field(sa_column=Column(Text, nullable=False))
    status: str
    needs_la_input: bool = False
    opened_at: datetime = Field(sa_column=_utc_column(nullable=False))
    updated_at: datetime = Field(sa_column=_utc_column(nullable=False))


class LinkRow(SQLModel, table=True):
    """A live link between two findings (withdrawn links are deleted here; the log keeps them)."""

    __tablename__ = "finding_link"
    __table_args__ = (UniqueConstraint("inspection_id", "link_id", name="uq_link_id"),)
    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspection.id", index=True)
    link_id: str
    finding_id: str
    other_finding_id: str
    relation: str
    author_id: int = Field(foreign_key="inspector.id")


class MeetingRow(SQLModel, table=True):
    """A KIT or team meeting; ``minutes`` is shared.meetings.Minutes as JSON, folded by the same rules as clients."""

    __tablename__ = "meeting"
    __table_args__ = (UniqueConstraint("inspection_id", "meeting_id", name="uq_meeting_id"),)
    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspection.id", index=True)
    meeting_id: str
    kind: str
    day: date
    is_open: bool = True
    opened_at: datetime = Field(sa_column=_utc_column(nullable=False))
    minutes: str = Field(sa_column=Column(Text, nullable=False))


class GradeRow(SQLModel, table=True):
    """Current grade of one cell of the board (agency × judgement); every proposal, agreement, challenge and
    sign-off stays in the event log. ``*_findings`` are JSON lists of cited finding ids."""

    __tablename__ = "grade"
    __table_args__ = (UniqueConstraint("inspection_id", "agency", "judgement", name="uq_grade_cell"),)
    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspection.id", index=True)
    agency: str
    judgement: str
    proposed_grade: str | None = None
    proposed_by: int | None = Field(default=None, foreign_key="inspector.id")
    proposed_findings: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    proposed_leaders_understand: bool = False  # leaders_understand_failure (¶70, ¶81) with the proposal
    agreed_grade: str | None = None
    agreed_by: int | None = Field(default=None, foreign_key="inspector.id")
    agreed_findings: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    agreed_leaders_understand: bool = False  # … and with the agreed grade
    challenges: int = 0
    signed_off: bool = False
    signed_off_by: int | None = Field(default=None, foreign_key="inspector.id")
    updated_at: datetime = Field(sa_column=_utc_column(nullable=False))


class CaseRow(SQLModel, table=True):
    """One child on the imported Annex A list and, once sampled, who tracks the case and how far they have got.

    ``record`` is the minimised shared.annex_a.CaseRecord as JSON: no date of birth, no names (CP ¶51).
    ``selection`` is null until the case is in the sample (shared.sampling.Selection otherwise).
    """

    __tablename__ = "case_record"  # "case" is an SQL keyword
    __table_args__ = (UniqueConstraint("inspection_id", "child_id", name="uq_case_child"),)
    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspection.id", index=True)
    child_id: str
    record: str = Field(sa_column=Column(Text, nullable=False))
    selection: str | None = None
    meet_child_or_family: bool = False
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # a line of enquiry's
    enquiry_id: str | None = None
    allocated_to: int | None = Field(default=None, foreign_key="inspector.id")
    status: str = "not-started"  # shared.cases.TrackingStatus
    updated_at: datetime = Field(sa_column=_utc_column(nullable=False))


class NameDigestRow(SQLModel, table=True):
    """The personal-data guard's salted hashes of imported worker names; the names themselves are never stored."""

    __tablename__ = "name_digest"
    __table_args__ = (UniqueConstraint("inspection_id", "digest", name="uq_name_digest"),)
    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspection.id", index=True)
    digest: str


class CaseSampleRow(SQLModel, table=True):
    """The latest draw's parameters, so the random part of the sample can be reproduced from the same list."""

    __tablename__ = "case_sample"
    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspection.id", unique=True)
    seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    size: int
    drawn_on: date  # the inspection's local date: eligibility (closed in the last three months) counts from it
    eligible: int
    meet_fraction: float
    good_practice: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON list of child IDs
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # fewer than 50, or not 3 GP
    drawn_at: datetime = Field(sa_column=_utc_column(nullable=False))


class TombstoneRow(SQLModel, table=True):
    """What is left of an inspection once purged (``triangulate inspection purge``): enough to say it existed,
    when, and which log it had (its chain head, which an archive's manifest can be checked against)."""

    __tablename__ = "tombstone"
    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(unique=True)  # no foreign key: the inspection's row is gone
    name: str
    framework: str
    start_date: date | None = None
    end_date: date | None = None
    created_at: datetime = Field(sa_column=_utc_column(nullable=False))
    head_seq: int
    head_chain: str | None = None  # None: the log was empty
    purged_at: datetime = Field(sa_column=_utc_column(nullable=False))
    purged_by: str
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # given when forced


class PurgedTokenRow(SQLModel, table=True):
    """The hash of a token of a purged inspection, so the server can tell its app to delete its local copy."""

    __tablename__ = "purged_token"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True)
    inspection_id: int
