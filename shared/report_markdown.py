"""The report as Markdown: for reading in a terminal, pasting into a draft, or diffing two versions.

Inspectors' text is escaped so it prints as written: a ``*`` or ``<script>`` in a finding is text, never markup.
Finding ids are code spans, which need no escaping and are easy to search for in the app.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from shared import report_model
from shared.report_model import APPENDICES, DRAFT_NOTE, REASONS_TITLE, Block, Report, Section, Statement

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~!])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])")


def md_text(text: str) -> str:
    """Escape Markdown in one line or paragraph of inspectors' text; line breaks become spaces."""
    lines = []
    for line in text.splitlines() or [""]:
        escaped = _SPECIAL.sub(r"\\\1", line.strip())
        lines.append(_LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", escaped))
    return " ".join(part for part in lines if part)


def citations(finding_ids: Sequence[str]) -> str:
    return "[" + ", ".join(f"`{fid}`" for fid in finding_ids) + "]" if finding_ids else ""


def _table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
    lines += ["| " + " | ".join(md_text(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _statement(statement: Statement) -> str:
    parts = []
    if statement.lead:
        parts.append(f"**{md_text(statement.lead)}:**")
    if statement.text:
        parts.append(md_text(statement.text))
    if statement.detail:
        parts.append(f"*({md_text(statement.detail)})*")
    if statement.finding_ids:
        parts.append(citations(statement.finding_ids))
    return "- " + " ".join(parts)


def _block(block: Block) -> list[str]:
    lines = [f"### {md_text(block.title)}", ""]
    if block.statements:
        lines += [_statement(s) for s in block.statements]
    else:
        lines.append(f"*{md_text(block.empty)}*")
    return [*lines, ""]


def _section(section: Section) -> list[str]:
    lines = [f"## {md_text(section.title)}", ""]
    for paragraph in section.paragraphs:
        lines += [md_text(paragraph), ""]
    if section.grades:
        lines += ["### Grades at a glance" if section.anchor == "summary" else "### Grades", ""]
        lines += _table(report_model.GRADE_COLUMNS, map(report_model.grade_cells, section.grades))
    for block in section.blocks:
        lines += _block(block)
    return lines


def _appendices(report: Report) -> list[str]:
    (_, evidence_title), (_, clock_title), (_, method_title) = APPENDICES
    lines = [f"## {evidence_title}", ""]
    if report.evidence:
        lines += _table(report_model.EVIDENCE_COLUMNS, (report_model.evidence_cells(e) for e in report.evidence))
    else:
        lines += ["*No findings are cited.*", ""]
    if report.grade_reasons:
        lines += [f"### {REASONS_TITLE}", ""]
        lines += _table(report_model.REASON_COLUMNS, map(report_model.reason_cells, report.grade_reasons))
    if report.chain_head is not None:
        lines += [md_text(report.chain_head.line), ""]
    lines += [f"## {clock_title}", "", md_text(report.clock_note), ""]
    if report.clock:
        lines += _table(report_model.CLOCK_COLUMNS, (report_model.clock_cells(m) for m in report.clock))
    lines += [f"## {method_title}", ""]
    for paragraph in report.method:
        lines += [md_text(paragraph), ""]
    return lines


def render_markdown(report: Report) -> str:
    """The whole combined document as one Markdown text ending in a newline."""
    lines = [
        f"# {md_text(report.title)}",
        "",
        md_text(report.subtitle),
        "",
        f"Prepared from the team's record as it stood on {md_text(report.generated_label)}.",
        "",
    ]
    for section in report.sections:
        lines += _section(section)
    lines += _appendices(report)
    while lines and lines[-1] == "":
        lines.pop()
    if report.draft:
        lines = _marked_draft(lines)
    return "\n".join(lines) + "\n"


def _marked_draft(lines: list[str]) -> list[str]:
    """A DRAFT line under the title and under every part's heading: each part may be printed on its own."""
    mark = f"**{md_text(DRAFT_NOTE)}**"
    marked: list[str] = []
    for line in lines:
        marked.append(line)
        if line.startswith(("# ", "## ")):
            marked += ["", mark]
    return marked
