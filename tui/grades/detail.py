"""How the grade board reads: a cell's one-line row, and the detail pane for the highlighted cell.

Pure functions from tui.grades.book' views to Textual Content, so the screen only arranges them. The row is for a
glance (grade, who proposed it, QA status, how many warnings); the detail says everything the QA manager
scrutinises: the rationale, what it cites and how well supported that is, the warnings in full, the history.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo

from textual.content import Content

from shared.criteria import Grade
from shared.grade_board import GradeStep
from shared.grades import (
    NARRATIVE_ONLY,
    AgreeGrade,
    ChallengeGrade,
    ProposeGrade,
    ReopenGrade,
    RespondToChallenge,
    SignOffGrade,
    judgement_label,
)
from shared.protocol import Command, Inspector
from shared.vocabulary import Agency
from tui.grades.book import CellView, Narrative
from tui.refs import ref
from tui.state import FindingView
from tui.timefmt import short_time
from tui.widgets.hanging import Block, Hanging
from tui.widgets.labels import KIND_SHORT, SUPPORT_MARK, SUPPORT_SHORT, short
from tui.widgets.plain import assemble, plain

JUDGEMENT_SHORT: dict[str, str] = {
    "overall": "Overall effectiveness",
    "help-and-protection": "Help and protection",
    "looked-after": "Looked after",
    "leadership": "Leadership",
    "lscb-effectiveness": "LSCB effectiveness",
    "quality-of-practice": "Quality of practice",
}

GRADE_SHORT: dict[str, str] = {Grade.REQUIRES_IMPROVEMENT: "Req. improv."}
GRADE_STYLE: dict[str, str] = {
    Grade.OUTSTANDING: "bold $text-success",
    Grade.GOOD: "$text-success",
    Grade.REQUIRES_IMPROVEMENT: "$text-warning",
    Grade.ADEQUATE: "$text-warning",
    Grade.INADEQUATE: "bold $text-error",
}

COLUMNS = (24, 19, 13, 15)
"""Widths of the judgement, proposed, agreed and QA columns; warnings and our commands' marks follow."""

COMMAND_WORDS: dict[type[Command], str] = {
    ProposeGrade: "your proposal",
    AgreeGrade: "the agreed grade",
    ChallengeGrade: "your challenge",
    SignOffGrade: "your sign-off",
    RespondToChallenge: "your response",
    ReopenGrade: "your reopening",
}


def grade_short(grade: Grade | None) -> str:
    return "" if grade is None else GRADE_SHORT.get(grade, grade.label)


def first_name(team: Mapping[int, Inspector], actor_id: int | None) -> str:
    member = team.get(actor_id) if actor_id is not None else None
    return member.name.split()[0] if member else "?"


def full_name(team: Mapping[int, Inspector], actor_id: int | None) -> str:
    member = team.get(actor_id) if actor_id is not None else None
    return member.name if member else "someone no longer on the team"


def column_titles() -> Content:
    names = ("Judgement", "Proposed", "Agreed", "QA")
    return plain("".join(f"{n:<{w}}" for n, w in zip(names, COLUMNS, strict=True)) + "Flags", "bold")


def _cell(text: str, width: int, style: str = "") -> tuple[str, str]:
    text = text if len(text) < width else text[: width - 2] + "…"
    return (f"{text:<{width}}", style)


def qa_status(view: CellView) -> str:
    cell = view.cell
    if cell is None:
        return ""
    challenges = len(cell.challenges)
    waiting = " open" if cell.open_challenges else ""
    parts = [f"{challenges} ch.{waiting}" if challenges else "", "✓ signed" if cell.signed_off is not None else ""]
    return " ".join(p for p in parts if p)


def flags(view: CellView) -> Content:
    """● QA news for the lead, ⚠n warnings, … one of ours on its way, ✗ one of ours refused."""
    parts: list[tuple[str, str]] = []
    if view.attention:
        parts.append(("● ", "bold $text-accent"))
    if view.warnings:
        parts.append((f"⚠{len(view.warnings)} ", "bold $text-warning"))
    if view.sending:
        parts.append(("… ", "$text-warning"))
    if view.refusal is not None:
        parts.append(("✗", "bold $text-error"))
    return assemble(*parts)


def cell_row(view: CellView, team: Mapping[int, Inspector]) -> Content:
    """One line: judgement, proposed grade (by whom), agreed grade, QA status, flags."""
    cell = view.cell
    proposed = cell.proposed if cell is not None else None
    agreed = cell.agreed if cell is not None else None
    widths = COLUMNS
    judgement = JUDGEMENT_SHORT.get(view.judgement, view.judgement)
    if proposed is not None and proposed.grade is not None:
        who = first_name(team, proposed.actor_id)
        proposed_part = _cell(f"{grade_short(proposed.grade)} ({who})", widths[1], GRADE_STYLE[proposed.grade])
    else:
        proposed_part = _cell("—", widths[1], "$text-muted")
    if agreed is not None and agreed.grade is not None:
        agreed_part = _cell(grade_short(agreed.grade), widths[2], "bold " + GRADE_STYLE[agreed.grade])
    else:
        agreed_part = _cell("—", widths[2], "$text-muted")
    return assemble(
        _cell(f"  {judgement}", widths[0]), proposed_part, agreed_part, _cell(qa_status(view), widths[3]),
        flags(view),
    )


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else words or word + 's'}"


def narrative_row(narrative: Narrative) -> Content:
    counts = (f"{plural(narrative.strengths, 'strength')} · {plural(narrative.weaknesses, 'weakness', 'weaknesses')}"
              f" · {narrative.improvements} for improvement")
    return assemble(_cell(f"  {narrative.agency.label}", COLUMNS[0]), (counts, "$text-muted"))


# ---------------------------------------------------------------- the detail pane


def _step_summary(step: GradeStep, team: Mapping[int, Inspector]) -> Content:
    who = full_name(team, step.actor_id)
    grade = step.grade.label.lower() if step.grade is not None else ""
    cites = len(step.finding_ids)
    citing = f", citing {cites} finding{'s' if cites != 1 else ''}" if step.kind in ("proposed", "agreed") else ""
    if step.kind == "proposed":
        head = f"{who} proposed {grade}{citing}"
    elif step.kind == "agreed":
        head = f"{who} recorded the agreed grade: {grade}{citing}"
        if step.sign_off_withdrawn:
            head += " (the sign-off was withdrawn)"
    elif step.kind == "challenged":
        return assemble((f"{who} challenged: ", "bold $text-warning"), step.text.strip())
    elif step.kind == "responded":
        return assemble((f"{who} responded: ", "bold"), step.text.strip())
    elif step.kind == "reopened":
        return assemble((f"{who} reopened the frozen grade: ", "bold $text-warning"), step.text.strip())
    else:
        head = f"{who} signed off {grade}"
    words = step.text.strip().splitlines()[0] if step.text.strip() else ""
    return assemble((head, "bold"), f" — {words}" if words else "")


def _who_when(step: GradeStep, team: Mapping[int, Inspector], tz: tzinfo) -> str:
    return f"{full_name(team, step.actor_id)}, {short_time(step.at, tz)}"


def _cited_line(finding_id: str, findings: Mapping[str, FindingView]) -> Content:
    view = findings.get(finding_id)
    if view is None:
        return assemble((f"{ref(finding_id)} ", "bold"), ("not in this app (unknown finding)",
                                                                   "italic $text-error"))
    if view.withdrawn is not None:
        return assemble((f"{ref(finding_id)} ", "bold"),
                                (f"withdrawn ({view.withdrawn.reason.strip()}) ", "italic $text-error"),
                                (view.first_line, "strike $text-muted"))
    return assemble(
        (f"{ref(finding_id)} ", "bold"),
        (f"{SUPPORT_MARK[view.support]} {SUPPORT_SHORT[view.support]}", "$text-muted"),
        f" · {short(KIND_SHORT, view.fields.kind)} · {view.first_line}",
    )


def _sending(command: Command) -> str:
    return COMMAND_WORDS.get(type(command), "your change")


def describe_cell(view: CellView, *, team: Mapping[int, Inspector], findings: Mapping[str, FindingView],
                  tz: tzinfo, actions: str = "") -> Hanging:
    """Everything about one cell, for the detail pane. ``actions``: the keys this user may press on it."""
    cell = view.cell
    blocks = [Block(plain(f"{view.agency.label} · {judgement_label(view.judgement, view.framework)}", "bold"))]

    def line(label: str, body: Content | str) -> None:
        blocks.append(Block(body if isinstance(body, Content) else plain(body),
                            plain(f"{label:<10}", "$text-muted"), indent=0))

    agreed = cell.agreed if cell is not None else None
    proposed = cell.proposed if cell is not None else None
    for label, step, empty in (("Agreed", agreed, "not yet — the lead records it at the final meeting"),
                               ("Proposed", proposed, "none yet")):
        if step is not None and step.grade is not None:
            line(label, assemble((step.grade.label, GRADE_STYLE[step.grade]),
                                         f" — {_who_when(step, team, tz)}"))
        else:
            line(label, plain(empty, "$text-muted"))
    if cell is not None and cell.signed_off is not None:
        line("QA", plain(f"✓ signed off by {_who_when(cell.signed_off, team, tz)}", "$text-success"))
    elif cell is not None and cell.open_challenges:
        waiting = len(cell.open_challenges)
        line("QA", plain(f"{waiting} challenge{'s' if waiting > 1 else ''} awaiting the lead's response; "
                         "not signed off", "$text-warning"))
    elif cell is not None and cell.challenges:
        line("QA", f"{len(cell.challenges)} challenge{'s' if len(cell.challenges) > 1 else ''}; not signed off")
    else:
        line("QA", plain("not signed off", "$text-muted"))
    if view.frozen:
        why = view.frozen.split(": grades are ", 1)[-1]  # the server's words, less the cell's name
        line("Frozen", plain(why[:1].upper() + why[1:], "$text-muted"))
    for command in view.sending:
        blocks.append(Block(plain(f"sending {_sending(command)} to the server", "$text-warning"),
                            plain("… ", "$text-warning")))
    if view.refusal is not None:
        why = view.refusal.message or "no reason given"
        blocks.append(Block(assemble((f"The server refused {_sending(view.refusal.command)}: ", "bold"), why),
                            plain("✗ ", "bold $text-error")))
    for warning in view.warnings:
        blocks.append(Block(plain(warning.message, "$text-warning"),
                            plain("⚠ ", "bold $text-warning")))
    current = cell.current if cell is not None else None
    if current is not None:
        which = "agreed grade" if current.kind == "agreed" else "proposal"
        blocks.append(Block(plain("")))
        blocks.append(Block(plain(f"Rationale of the {which}", "bold $text-primary")))
        blocks.append(Block(plain(current.text.strip()), indent=2))
        blocks.append(Block(plain(f"Cited findings ({len(current.finding_ids)})", "bold $text-primary")))
        if not current.finding_ids:
            blocks.append(Block(plain("none", "$text-muted"), indent=2))
        for finding_id in current.finding_ids:
            blocks.append(Block(_cited_line(finding_id, findings), indent=2))
    if cell is not None and cell.history:
        blocks.append(Block(plain("History", "bold $text-primary")))
        for step in cell.history:
            blocks.append(Block(_step_summary(step, team), plain(f"{short_time(step.at, tz)}  ",
                                                                          "$text-muted"), indent=2))
    if actions:
        blocks.append(Block(plain(actions, "$text-accent")))
    return Hanging(blocks)


def describe_narrative(narrative: Narrative) -> Hanging:
    """A narrative-only agency: why it has no grade, and what the findings say so far."""
    agency: Agency = narrative.agency
    assert agency in NARRATIVE_ONLY
    return Hanging([
        Block(plain(f"{agency.label} · narrative only", "bold")),
        Block(plain(f"{agency.label} is not graded: its report is a narrative of strengths and weaknesses "
                      "against the published criteria (integrated ¶29, ¶82–107). Proposing a grade is refused; "
                      "record findings instead.")),
        Block(plain(f"{plural(narrative.strengths, 'strength')} (good practice included) · "
                      f"{plural(narrative.weaknesses, 'weakness', 'weaknesses')} · "
                      f"{plural(narrative.improvements, 'area for improvement', 'areas for improvement')} · "
                      f"{plural(narrative.notes, 'note')}"), indent=2),
    ])
