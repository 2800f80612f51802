"""The report as one self-contained, print-ready HTML file.

No scripts, fonts or images from anywhere: the file opens offline on a site laptop and prints to A4 as it is.
Every piece of text goes through ``html.escape``, so an inspector's ``<script>`` is shown, never run. Each
citation links to its finding's row in the evidence appendix, on screen and in a PDF printed from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from shared import report_model
from shared.report_model import (
    APPENDICES,
    DRAFT_NOTE,
    REASONS_TITLE,
    Block,
    Report,
    Section,
    Statement,
    evidence_anchor,
)

STYLESHEET = """
@page { size: A4; margin: 20mm 18mm 22mm 18mm; }
:root { color: #111; background: #fff; }
body { font-family: Georgia, Cambria, "Times New Roman", Times, serif; font-size: 11pt; line-height: 1.45;
       max-width: 48em; margin: 2em auto; padding: 0 1em; }
h1, h2, h3 { font-family: inherit; line-height: 1.2; break-after: avoid; page-break-after: avoid; }
h1 { font-size: 20pt; margin-bottom: .2em; }
h2 { font-size: 15pt; border-bottom: 1px solid #888; padding-bottom: .15em; margin-top: 1.6em; }
h3 { font-size: 12pt; margin: 1.2em 0 .4em; }
.subtitle, .generated { margin: .2em 0; color: #333; }
.contents ol { padding-left: 1.4em; }
ul.statements { padding-left: 1.2em; }
ul.statements li { margin: .35em 0; break-inside: avoid; page-break-inside: avoid; }
.detail { font-style: italic; color: #333; }
.empty { font-style: italic; color: #555; }
sup.cite { font-size: .72em; line-height: 0; white-space: nowrap; }
sup.cite a, .contents a { color: inherit; }
table { border-collapse: collapse; width: 100%; margin: .4em 0 1em; font-size: 9.5pt; }
th, td { border: 1px solid #999; padding: .25em .4em; text-align: left; vertical-align: top; }
th { background: #eee; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
tr:target { background: #fff3b0; }
.appendix td:first-child { font-family: "Courier New", Courier, monospace; white-space: nowrap; }
@media print {
  body { max-width: none; margin: 0; padding: 0; }
  a { text-decoration: none; }
  .agency-report, .appendix { break-before: page; page-break-before: always; }
  th { background: none; }
}
"""


DRAFT_STYLESHEET = """
.draft-banner { border: 2px solid #b00; color: #b00; font-weight: bold; padding: .4em .6em; margin: 0 0 1em; }
.draft-mark { position: fixed; top: 0; right: 0; color: #b00; font-weight: bold; letter-spacing: .2em;
              font-size: 9pt; padding: .2em .5em; background: #fff; border: 1px solid #b00; }
@page { @top-center { content: "DRAFT"; color: #b00; font-weight: bold; letter-spacing: .2em; } }
@media print { .draft-mark { top: -12mm; right: 0; border: none; } }
"""
"""Only in a draft: a banner at the top, and a mark repeated on every printed page — a fixed element (browsers
print it on each page) and the page's top margin box (for print engines that support it)."""


def _e(text: str) -> str:
    return escape(text, quote=True)


def _lines(text: str) -> str:
    """Escaped text with the inspector's own line breaks kept."""
    return "<br>".join(_e(line) for line in text.splitlines()) or _e(text)


def cite(finding_ids: Sequence[str]) -> str:
    links = ", ".join(f'<a href="#{_e(evidence_anchor(fid))}">{_e(fid)}</a>' for fid in finding_ids)
    return f'<sup class="cite">[{links}]</sup>' if finding_ids else ""


def _table(columns: Sequence[str], rows: Iterable[Sequence[str]], row_ids: Iterable[str] | None = None) -> str:
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in columns)
    ids = iter(row_ids) if row_ids is not None else None
    body = []
    for row in rows:
        attr = f' id="{_e(next(ids))}"' if ids is not None else ""
        body.append(f"<tr{attr}>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _statement(statement: Statement) -> str:
    parts = []
    if statement.lead:
        parts.append(f"<strong>{_e(statement.lead)}:</strong>")
    if statement.text:
        parts.append(_lines(statement.text))
    if statement.detail:
        parts.append(f'<span class="detail">({_e(statement.detail)})</span>')
    return f"<li>{' '.join(parts)}{cite(statement.finding_ids)}</li>"


def _block(block: Block) -> str:
    if block.statements:
        body = '<ul class="statements">' + "".join(_statement(s) for s in block.statements) + "</ul>"
    else:
        body = f'<p class="empty">{_e(block.empty)}</p>'
    return f"<h3>{_e(block.title)}</h3>{body}"


def _section(section: Section) -> str:
    kind = "summary-report" if section.anchor == "summary" else "agency-report"
    parts = [f'<section id="{_e(section.anchor)}" class="{kind}">', f"<h2>{_e(section.title)}</h2>"]
    parts += [f"<p>{_e(p)}</p>" for p in section.paragraphs]
    if section.grades:
        parts.append(f"<h3>{'Grades at a glance' if section.anchor == 'summary' else 'Grades'}</h3>")
        parts.append(_table(report_model.GRADE_COLUMNS, map(report_model.grade_cells, section.grades)))
    parts += [_block(block) for block in section.blocks]
    parts.append("</section>")
    return "\n".join(parts)


def _appendices(report: Report) -> str:
    (evidence_id, evidence_title), (clock_id, clock_title), (method_id, method_title) = APPENDICES
    if report.evidence:
        rows = [report_model.evidence_cells(entry) for entry in report.evidence]
        anchors = [evidence_anchor(entry.finding_id) for entry in report.evidence]
        evidence = _table(report_model.EVIDENCE_COLUMNS, rows, anchors)
    else:
        evidence = '<p class="empty">No findings are cited.</p>'
    if report.grade_reasons:
        reasons = map(report_model.reason_cells, report.grade_reasons)
        evidence += f"<h3>{_e(REASONS_TITLE)}</h3>" + _table(report_model.REASON_COLUMNS, reasons)
    if report.chain_head is not None:
        evidence += f"<p>{_e(report.chain_head.line)}</p>"
    clock = f"<p>{_e(report.clock_note)}</p>"
    if report.clock:
        clock += _table(report_model.CLOCK_COLUMNS, [report_model.clock_cells(m) for m in report.clock])
    method = "".join(f"<p>{_e(p)}</p>" for p in report.method)
    return "\n".join(
        f'<section id="{_e(anchor)}" class="appendix"><h2>{_e(title)}</h2>{body}</section>'
        for anchor, title, body in (
            (evidence_id, evidence_title, evidence),
            (clock_id, clock_title, clock),
            (method_id, method_title, method),
        )
    )


def _contents(report: Report) -> str:
    entries = [(s.anchor, s.title) for s in report.sections] + list(APPENDICES)
    items = "".join(f'<li><a href="#{_e(anchor)}">{_e(title)}</a></li>' for anchor, title in entries)
    return f'<nav class="contents" aria-label="Contents"><h2>Contents</h2><ol>{items}</ol></nav>'


def render_html(report: Report) -> str:
    """The whole combined document as one HTML file (UTF-8, inline stylesheet, no scripts)."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en-GB">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(report.title)}</title>",
            f"<style>{STYLESHEET}{DRAFT_STYLESHEET if report.draft else ''}</style>",
            "</head>",
            "<body>",
            *(_draft_marks() if report.draft else ()),
            "<header>",
            f"<h1>{_e(report.title)}</h1>",
            f'<p class="subtitle">{_e(report.subtitle)}</p>',
            f'<p class="generated">Prepared from the team\'s record as it stood on {_e(report.generated_label)}.</p>',
            _contents(report),
            "</header>",
            "<main>",
            *(_section(section) for section in report.sections),
            _appendices(report),
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _draft_marks() -> tuple[str, ...]:
    return (
        f'<div class="draft-mark" aria-hidden="true">{_e("DRAFT")}</div>',
        f'<p class="draft-banner" role="note">{_e(DRAFT_NOTE)}</p>',
    )
