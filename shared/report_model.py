"""The published report as data: what ``shared.report.build_report`` reads and what the renderers print.

The input is neutral (no database rows, no wire frames beyond ``Inspection``) so the server's
``triangulate report`` and the app's preview build the same document from whatever they hold. The output is a
document model, not text: every statement carries the finding ids it rests on, so Markdown, HTML and the app
can each show the trail from a sentence to its evidence (integrated ¶108–110; child-protection ¶57).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from shared.criteria import Grade
from shared.grade_board import GradeBoard
from shared.protocol import Inspection
from shared.reporting_clock import Milestone, short_day
from shared.sampling import Sample
from shared.triangulation import Corroboration, Link
from shared.vocabulary import Agency, EvidenceSource, FindingKind, Inspectorate, JudgementArea

# ---------------------------------------------------------------- input


@dataclass(frozen=True, slots=True)
class ReportFinding:
    """One finding as the report needs it: its current fields, its author's inspectorate (never their name)."""

    id: str
    agency: Agency
    judgement_area: JudgementArea | None
    criterion: str | None
    kind: FindingKind
    evidence_source: EvidenceSource
    text: str
    child_id: str | None
    inspectorate: Inspectorate
    posted_at: datetime
    withdrawn: bool = False
    """A withdrawn finding is left out everywhere: body, grades' citations, corroboration and appendix."""


@dataclass(frozen=True)
class ReportInput:
    """Everything the report is built from, as of ``generated_at``."""

    inspection: Inspection
    findings: Sequence[ReportFinding]
    links: Sequence[Link]
    """Live links only (an unlinked link is not evidence)."""
    board: GradeBoard
    generated_at: datetime
    sample: Sample | None = None
    """The case sample as it stands, with the lead's reason for its size (CP ¶38–43); None before a draw."""
    chain_head: ChainHead | None = None
    """The event log's head the server read it at; None where no log is at hand (the app's own preview)."""


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last event a report was produced from and its chain hash: ties a printed report to the log, which
    ``triangulate audit verify`` checks."""

    seq: int
    chain: str

    @property
    def line(self) -> str:
        return (
            f"Produced from the event log up to seq {self.seq}, chain hash {self.chain} "
            "(checked by triangulate audit verify)."
        )


# ---------------------------------------------------------------- document


@dataclass(frozen=True, slots=True)
class Statement:
    """One sentence of the report and the findings it rests on.

    ``lead`` is a short bold lead-in ("Health — Weakness"), ``detail`` a trailing qualifier ("case NM-10234 ·
    [I ¶68c] · corroborated"). Only a grade with no cited findings has empty ``finding_ids``, and says so.
    """

    text: str
    finding_ids: tuple[str, ...]
    lead: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Block:
    """A titled list of statements; ``empty`` is printed when there are none, so a gap is visible, not silent."""

    title: str
    statements: tuple[Statement, ...]
    empty: str = "None recorded."


GradeStatus = Literal["agreed", "proposed", "not-graded", "narrative-only"]

STATUS_LABELS: dict[GradeStatus, str] = {
    "agreed": "agreed",
    "proposed": "proposed, not yet agreed",
    "not-graded": "not yet graded",
    "narrative-only": "narrative only",
}


@dataclass(frozen=True, slots=True)
class GradeLine:
    """One row of a grades table: a judgement of an agency, or a narrative-only agency's single row."""

    agency: Agency
    judgement: str
    """``"overall"``, a JudgementArea value, or ``""`` for a narrative-only agency."""
    judgement_label: str
    grade: Grade | None
    status: GradeStatus
    signed_off: bool = False
    rationale: str = ""
    finding_ids: tuple[str, ...] = ()
    """The live findings the current grade cites (withdrawn ones dropped)."""

    @property
    def grade_label(self) -> str:
        return self.grade.label if self.grade is not None else "—"

    @property
    def status_label(self) -> str:
        label = STATUS_LABELS[self.status]
        return f"{label}, signed off" if self.signed_off else label


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the combined document: the summary report, an agency report or the LSCB report."""

    anchor: str
    """Stable id for links and page breaks: ``summary``, ``agency-health``, ``lscb``."""
    title: str
    paragraphs: tuple[str, ...] = ()
    grades: tuple[GradeLine, ...] = ()
    blocks: tuple[Block, ...] = ()
    agency: Agency | None = None

    def block(self, title: str) -> Block:
        return next(block for block in self.blocks if block.title == title)


@dataclass(frozen=True, slots=True)
class EvidenceEntry:
    """One cited finding in the evidence appendix: where it came from, without its author's name."""

    finding_id: str
    agency: Agency
    inspectorate: Inspectorate
    kind: FindingKind
    evidence_source: EvidenceSource
    judgement_area: JudgementArea | None
    criterion: str | None
    citation: str | None
    """``[I ¶68c]`` for a catalogue criterion; None for a free-text or missing one."""
    child_id: str | None
    corroboration: Corroboration
    posted_at: datetime


@dataclass(frozen=True, slots=True)
class GradeReason:
    """An agreed grade that contradicts a rule's warning, and the reason the lead recorded for agreeing it."""

    agency: Agency
    judgement_label: str
    grade: Grade
    warnings: tuple[str, ...]
    """The messages of the warnings it contradicts, as the server gave them."""
    reason: str


DRAFT_NOTE = "DRAFT — not every grade is signed off by the QA manager: this report is not final."
"""Printed at the top of a draft report and on every page (Markdown: under every part's heading)."""


@dataclass(frozen=True, slots=True)
class Report:
    """The combined document: sections in reading order, then the appendices."""

    title: str
    subtitle: str
    generated_at: datetime
    timezone: str
    sections: tuple[Section, ...]
    evidence: tuple[EvidenceEntry, ...]
    """Every finding cited anywhere in the sections, each once, grouped by agency and oldest first."""
    clock: tuple[Milestone, ...]
    clock_note: str
    """Why the clock is empty ("last day of fieldwork not set"), or what it counts from."""
    method: tuple[str, ...]
    draft: bool = False
    """True until every graded judgement is agreed and signed off (DRAFT_NOTE)."""
    grade_reasons: tuple[GradeReason, ...] = ()
    """Agreed grades against a rule's warning, in board order: Appendix A carries them with their reasons."""
    chain_head: ChainHead | None = None
    """Printed at the end of Appendix A (ReportInput.chain_head)."""

    @property
    def generated_label(self) -> str:
        """When the record was read, in the inspection's own time zone: ``28 November 2026, 10:00 (Europe/London)``."""
        local = self.generated_at.astimezone(ZoneInfo(self.timezone))
        return f"{local.day} {local:%B %Y, %H:%M} ({self.timezone})"

    def section(self, anchor: str) -> Section:
        return next(section for section in self.sections if section.anchor == anchor)

    def statements(self) -> list[Statement]:
        return [s for section in self.sections for block in section.blocks for s in block.statements]

    def cited_ids(self) -> list[str]:
        return cited_ids(self.sections)


def cited_ids(sections: Sequence[Section]) -> list[str]:
    """Every finding id cited in ``sections``, each once, in order of first citation."""
    seen: dict[str, None] = {}
    for section in sections:
        for line in section.grades:
            seen.update(dict.fromkeys(line.finding_ids))
        for block in section.blocks:
            for statement in block.statements:
                seen.update(dict.fromkeys(statement.finding_ids))
    return list(seen)


APPENDICES: tuple[tuple[str, str], ...] = (
    ("appendix-evidence", "Appendix A: Evidence"),
    ("appendix-clock", "Appendix B: Reporting clock"),
    ("appendix-method", "Appendix C: Method"),
)
"""(anchor, title) of the appendices, which every renderer prints after the sections in this order."""

REASONS_TITLE = "Grades agreed against a rule's warning"
REASON_COLUMNS = ("Agency", "Judgement", "Agreed grade", "Warning", "Reason recorded")
EVIDENCE_COLUMNS = ("Finding", "Agency", "Inspectorate", "Kind", "Evidence source", "Criterion", "Case", "Support")
GRADE_COLUMNS = ("Agency", "Judgement", "Grade", "Status")
CLOCK_COLUMNS = ("Milestone", "Working days after fieldwork", "Due", "Source")


def evidence_cells(entry: EvidenceEntry) -> tuple[str, ...]:
    """One appendix row as text, in EVIDENCE_COLUMNS order, shared by every renderer so they agree."""
    criterion = entry.citation or entry.criterion or "—"
    if entry.citation and entry.criterion:
        criterion = f"{entry.criterion} {entry.citation}"
    return (
        entry.finding_id,
        entry.agency.label,
        entry.inspectorate.label,
        entry.kind.label,
        entry.evidence_source.label,
        criterion,
        entry.child_id or "—",
        entry.corroboration.label,
    )


def reason_cells(reason: GradeReason) -> tuple[str, ...]:
    """One row of the agreed-against-a-warning table, in REASON_COLUMNS order."""
    return (reason.agency.label, reason.judgement_label, reason.grade.label, " ".join(reason.warnings), reason.reason)


def grade_cells(line: GradeLine) -> tuple[str, ...]:
    """One grades-table row as text, in GRADE_COLUMNS order."""
    return (line.agency.label, line.judgement_label, line.grade_label, line.status_label)


def clock_cells(milestone: Milestone) -> tuple[str, ...]:
    return (milestone.label, str(milestone.working_days), short_day(milestone.due), milestone.paragraphs)


def evidence_anchor(finding_id: str) -> str:
    """The appendix anchor a citation links to (ids are ``A–Z a–z 0–9 _ . : -``, safe in an HTML id)."""
    return f"ev-{finding_id}"
