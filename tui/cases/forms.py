"""The case sample's small forms: draw the sample, allocate a case, record its progress, add a case to the sample.

Each is an CommandForm in the calm colours, checked with the command's own model from shared.cases (as the server
checks it); the draw also counts, from the list this app holds, what the server's draw will take, so it asks for
the reason a draw of fewer than 50 cases or other than three good-practice cases needs (CP ¶39, ¶43) and says why
before anything is sent. Choices come from what this app holds, so a case that is not on the imported list, or an
inspector who is not on the team, cannot be picked; the seed is drawn here and shown, so the lead can note it and
anyone can reproduce the sample from the same list (¶38, docs/cases.md).
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from shared.annex_a import CaseRecord
from shared.cases import MAX_GOOD_PRACTICE, AddToSample, AllocateCase, DrawSample, RecordCaseProgress, TrackingStatus
from shared.protocol import Command, Inspector
from shared.sampling import DEFAULT_SIZE, random_places, reason_needed
from tui.dialogs.command_form import CommandForm, FormField
from tui.triangulation.book import EnquiryView
from tui.widgets.plain import plain

NOBODY = -1
"""The allocation choice that takes a case back (a Select cannot hold None)."""
SEED_DIGITS = 6
"""Short enough to read out and note down; a million seeds are plenty to make the draw unpredictable."""


def new_command_id() -> str:
    return uuid.uuid4().hex


def new_seed(rng: random.Random | None = None) -> int:
    return (rng or random.SystemRandom()).randrange(10 ** (SEED_DIGITS - 1), 10**SEED_DIGITS)


def whole_number(text: str) -> int:
    try:
        return int(text.replace(",", "").strip())
    except ValueError:
        raise ValueError("must be a whole number") from None


def child_ids(known: Collection[str]) -> Callable[[str], list[str]]:
    """Converts "NM-1001, NM-1002" to a list, refusing any ID that is not on the imported list."""

    def convert(text: str) -> list[str]:
        ids = [word for word in re.split(r"[\s,;]+", text) if word]
        unknown = [child_id for child_id in ids if child_id not in known]
        if unknown:
            raise ValueError(f"not on the imported Annex A list: {', '.join(unknown)}")
        return list(dict.fromkeys(ids))

    return convert


class DrawForm(CommandForm):
    """The lead draws the balanced random sample; the server computes it from the imported list and the seed.

    Above the fields, kept current as the size and good-practice cases change, a line says whether the draw will
    need a reason and why; sending without one when it does shows the error under the reason, as the server would.
    """

    DEFAULT_CSS = """
    DrawForm #draw-why { margin-bottom: 1; }
    DrawForm #draw-why.-needed { color: $text-warning; }
    """

    def __init__(self, cases: Sequence[CaseRecord], seed: int, *, today: date, redraw: bool) -> None:
        again = (" This replaces the random sample and its good-practice cases; cases added for lines of enquiry"
                 " stay.") if redraw else ""
        self._cases, self._today = cases, today
        super().__init__(
            title="Draw the case sample",
            command_type=DrawSample,
            command_id=new_command_id(),
            calm=True,
            send_label="Draw",
            intro=(f"Seed {seed} was chosen at random: note it. The same list and seed always give the same sample. "
                   f"Cases are drawn from current cases and those closed in the last three months, balanced by "
                   f"age, gender, disability, ethnicity, practitioner and team (¶38).{again}"),
            fields=[
                FormField("seed", "Seed", value=str(seed), convert=whole_number),
                FormField("size", "Size", value=str(DEFAULT_SIZE), convert=whole_number),
                FormField("good_practice", "Good practice", convert=child_ids({case.child_id for case in cases}),
                          placeholder=f"the local authority's three picks (¶39), up to {MAX_GOOD_PRACTICE} child IDs"),
                FormField("reason", "Reason (when fewer than 50 cases, or not three good practice)", kind="text",
                          placeholder="why this sample departs from ¶43's 50 cases or ¶39's three; no names"),
            ],
        )

    def compose_extra(self) -> ComposeResult:
        yield Static(id="draw-why")

    def on_mount(self) -> None:
        super().on_mount()
        self._show_why()

    @property
    def why_text(self) -> str:
        return str(self.query_one("#draw-why", Static).content)

    def needs_reason(self) -> str | None:
        """Why the draw as the form stands needs a reason (shared.sampling.reason_needed); None if it does not."""
        counts = self._counts()
        return reason_needed(*counts) if counts is not None else None

    def _counts(self) -> tuple[int, int] | None:
        """The cases the draw takes at random and its good-practice cases; None while the size or good-practice
        cases cannot be read (their own errors say so)."""
        values, errors = self.values()
        if "size" in errors or "good_practice" in errors:
            return None
        good_practice = values.get("good_practice", [])
        places = random_places(self._cases, size=values.get("size", DEFAULT_SIZE), today=self._today,
                               good_practice=good_practice)
        return places, len(good_practice)

    @on(Input.Changed, "#field-size, #field-good_practice")
    def _show_why(self) -> None:
        counts = self._counts()
        why = reason_needed(*counts) if counts is not None else None
        line = self.query_one("#draw-why", Static)
        if counts is None:
            line.update("")
        elif why is None:
            line.update(plain(f"No reason is needed: {counts[0]} cases at random and three good-practice cases "
                              "(¶39, ¶43)."))
        else:
            line.update(plain(f"A reason is needed: {why}."))
        line.set_class(why is not None, "-needed")

    def build(self) -> tuple[Command | None, dict[str, str]]:
        command, errors = super().build()
        why = self.needs_reason()
        if isinstance(command, DrawSample) and command.reason is None and why is not None:
            return None, {"reason": f"give a reason: {why}"}
        return command, errors


def member_label(member: Inspector) -> str:
    return f"{member.name} ({member.inspectorate.label})"


def _case_form(child_id: str, command_type: type[Command], **kwargs: Any) -> CommandForm:
    """A calm form for a step on one sampled case: a new id and the case it is about."""
    return CommandForm(command_type=command_type, command_id=new_command_id(), calm=True, fixed={"child_id": child_id},
                       **kwargs)


def allocate_form(child_id: str, team: Iterable[Inspector], current: int | None) -> CommandForm:
    """The lead gives a sampled case to an inspector (``team``: those who still have access), or takes it back."""
    choices: list[tuple[str, int]] = [(member_label(m), m.id) for m in sorted(team, key=lambda m: m.name)]
    if current is not None:
        choices.append(("Nobody — take it back", NOBODY))
        if current not in {member_id for _, member_id in choices}:
            current = None  # tracked by someone revoked since: the lead chooses again, or takes it back
    return _case_form(
        child_id, AllocateCase,
        title=f"Allocate {child_id}",
        send_label="Allocate",
        fields=[FormField("inspector_id", "Tracked by", kind="choice", choices=choices, value=current,
                          placeholder="choose an inspector", convert=lambda v: None if v == NOBODY else v)],
    )


def progress_form(child_id: str, current: TrackingStatus) -> CommandForm:
    """The allocated inspector (or the lead) records how far the case has got."""
    return _case_form(
        child_id, RecordCaseProgress,
        title=f"Progress on {child_id}",
        send_label="Record",
        fields=[FormField("status", "Status", kind="choice", choices=TrackingStatus.choices(), value=current.value)],
    )


def case_label(record: CaseRecord) -> str:
    """``NM-1001  10–15 · Female · Assessment North``: enough to tell cases apart, never a name."""
    facts = [record.age_band.label if record.age_band else None, record.gender, record.team]
    return f"{record.child_id:<12} " + " · ".join(fact for fact in facts if fact)


def enquiry_label(enquiry: EnquiryView) -> str:
    question = enquiry.question.strip().splitlines()[0] if enquiry.question.strip() else ""
    return question if len(question) <= 70 else question[:69] + "…"


def add_form(candidates: Sequence[CaseRecord], enquiries: Sequence[EnquiryView], *,
             reason: str | None = None) -> CommandForm:
    """Anyone adds an imported case to the sample for a line of enquiry (¶38), with the reason (an Annex A list's
    words when the case was found on one)."""
    fields = [
        FormField("child_id", "Case", kind="choice", choices=[(case_label(c), c.child_id) for c in candidates],
                  placeholder="type to find a child ID"),
        FormField("reason", "Why this case (a line of enquiry; no names)", kind="text", value=reason),
    ]
    if enquiries:
        fields.append(FormField("enquiry_id", "Line of enquiry", kind="choice",
                                choices=[(enquiry_label(e), e.id) for e in enquiries], placeholder="none"))
    return CommandForm(
        title="Add a case to the sample",
        command_type=AddToSample,
        command_id=new_command_id(),
        calm=True,
        send_label="Add",
        intro="Cases on the imported list that are not in the sample yet. Type to jump to a child ID.",
        fields=fields,
    )
