"""The forms for lines of enquiry: open one, answer it, close it; each returns a shared.enquiries command.

Built on CommandForm, so each is checked with the command's own pydantic model (the server's rules) and its
errors show inline under the field they are about. Findings are cited by ticking them in a searchable list
(tui.triangulation.finding_picker), as the link dialog picks one, never by typing a reference the board does not
show; only saved, live findings are offered (a withdrawn one is no longer evidence). "Addressed to" is one choice
that becomes exactly one of the command's three fields.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Label, SelectionList

from shared.enquiries import INSPECTORATE_OF, AnswerEnquiry, CloseEnquiry, EnquiryOutcome, OpenEnquiry
from shared.protocol import Inspector
from shared.vocabulary import Agency, Inspectorate
from tui.dialogs.command_form import CommandForm, FormField
from tui.refs import split_words
from tui.triangulation.book import EnquiryView
from tui.triangulation.candidates import Candidate
from tui.triangulation.finding_picker import FindingPicker

ADDRESS_FIELDS = ("to_inspectorate", "to_agency", "to_inspector")
NO_ADDRESS = "choose who should answer"
FINDINGS_FIELD = "finding_ids"
CHILD_ID_HINT = "must be child unique IDs (letters, digits, - / _; at most 32 each), never names"


@dataclass(frozen=True)
class EnquiryContext:
    """What the enquiry forms need: the clock, the local zone, the team, me, and the findings that may be cited."""

    now: datetime
    timezone: tzinfo
    team: tuple[Inspector, ...]
    me: Inspector
    candidates: tuple[Candidate, ...]
    """The saved findings that may be cited, newest first: never a withdrawn one."""


def address_choices(team: Sequence[Inspector], me: Inspector) -> list[tuple[str, str]]:
    """Every way to address an enquiry, as one list: inspectorates, agencies (and who answers), then people."""
    choices = [(f"Inspectorate — {i.label}", f"to_inspectorate:{i.value}") for i in Inspectorate]
    for agency in Agency:
        answers = INSPECTORATE_OF[agency]
        who = answers.label if answers is not None else "every inspectorate"
        choices.append((f"Agency — {agency.label} ({who} answers)", f"to_agency:{agency.value}"))
    for member in sorted(team, key=lambda m: m.name):
        if member.id != me.id:
            choices.append((f"Inspector — {member.name} ({member.inspectorate.label})", f"to_inspector:{member.id}"))
    return choices


class EnquiryForm(CommandForm):
    """A CommandForm whose "to" choice fills one of the three address fields, with errors mapped back to it, and
    whose cited findings are ticked in a FindingPicker."""

    DEFAULT_CSS = """
    EnquiryForm #findings-label { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, *, candidates: Sequence[Candidate] = (), cited: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(calm=True, **kwargs)
        self._candidates = tuple(candidates)
        self._cited = tuple(cited)

    def _field(self, spec: FormField) -> ComposeResult:
        if spec.name != FINDINGS_FIELD:
            yield from super()._field(spec)
            return
        yield Label(spec.label, id="findings-label")
        yield FindingPicker(self._candidates, self._cited, id=f"field-{FINDINGS_FIELD}")
        yield Label("", classes="field-error", id=f"error-{FINDINGS_FIELD}")

    def raw(self, spec: FormField) -> Any:
        if spec.name == FINDINGS_FIELD:
            return self.query_one(f"#field-{FINDINGS_FIELD}", FindingPicker).chosen or None
        return super().raw(spec)

    @on(SelectionList.SelectionToggled)
    def _cited_changed(self) -> None:
        self.query_one(f"#error-{FINDINGS_FIELD}", Label).set_class(False, "-shown")

    def values(self) -> tuple[dict[str, Any], dict[str, str]]:
        values, errors = super().values()
        address = values.pop("to", None)
        if isinstance(address, str) and ":" in address:
            name, _, value = address.partition(":")
            values[name] = int(value) if name == "to_inspector" else value
        return values, errors

    def explain(self, errors: dict[str, str], values: dict[str, Any]) -> dict[str, str]:
        mapped: dict[str, str] = {}
        for name, message in errors.items():
            if name in ADDRESS_FIELDS:
                name, message = "to", NO_ADDRESS
            elif name == "child_ids" and "pattern" in message:
                message = CHILD_ID_HINT
            mapped.setdefault(name, message)
        if self._type is OpenEnquiry and not any(name in values for name in ADDRESS_FIELDS):
            mapped.setdefault("to", NO_ADDRESS)  # the model's own rule, which runs only once the fields are valid
        return mapped


def _findings_field(label: str) -> FormField:
    return FormField(FINDINGS_FIELD, label)


def open_form(ctx: EnquiryContext, finding_id: str | None = None, child_id: str | None = None) -> EnquiryForm:
    """A new line of enquiry about the highlighted finding (if any) and its child."""
    return EnquiryForm(
        title="Open a line of enquiry — ask another inspectorate to test the evidence",
        intro="Its owners take it on and answer it with findings; you close it. Children by unique ID only.",
        command_type=OpenEnquiry,
        command_id=uuid.uuid4().hex,
        fields=[
            FormField("to", "Addressed to", "choice", choices=address_choices(ctx.team, ctx.me),
                      placeholder="Who should answer?"),
            FormField("question", "The question", "text"),
            FormField("why", "Why it matters", "text"),
            _findings_field("Related findings (optional)"),
            FormField("child_ids", "Child unique IDs", value=child_id or "", placeholder="optional, e.g. NM-10234",
                      convert=split_words),
            FormField("needs_la_input", "Local authority input", "choice", value="no",
                      choices=[("Not needed", "no"), ("Needed — put it on the KIT agenda", "yes")],
                      convert=lambda choice: choice == "yes"),
        ],
        timezone=ctx.timezone,
        now=ctx.now,
        send_label="Open",
        candidates=ctx.candidates,
        cited=(finding_id,) if finding_id else (),
    )


def _about(enquiry: EnquiryView) -> str:
    first = enquiry.question.strip().splitlines()[0] if enquiry.question.strip() else ""
    return first if len(first) <= 60 else first[:59] + "…"


def answer_form(enquiry: EnquiryView, ctx: EnquiryContext) -> EnquiryForm:
    asker = enquiry.asker.name if enquiry.asker else "someone"
    return EnquiryForm(
        title=f"Answer — {_about(enquiry)}",
        intro=f"{asker} asks: {enquiry.question}\nWhy: {enquiry.why}",
        command_type=AnswerEnquiry,
        command_id=uuid.uuid4().hex,
        fixed={"enquiry_id": enquiry.id},
        fields=[
            FormField("answer", "Your answer", "text"),
            _findings_field("Findings that answer it (optional; record them first)"),
        ],
        timezone=ctx.timezone,
        now=ctx.now,
        send_label="Answer",
        candidates=ctx.candidates,
    )


CLOSE_TITLES = {
    EnquiryOutcome.ANSWERED: ("Close as answered", "What the answer settles"),
    EnquiryOutcome.NOT_PURSUED: ("Close as not pursued", "Why it is not pursued"),
}


def close_form(enquiry: EnquiryView, ctx: EnquiryContext, outcome: EnquiryOutcome) -> EnquiryForm:
    title, label = CLOSE_TITLES[outcome]
    intro = f"Answer: {enquiry.answer}" if enquiry.answer else "It has not been answered."
    return EnquiryForm(
        title=f"{title} — {_about(enquiry)}",
        intro=intro,
        command_type=CloseEnquiry,
        command_id=uuid.uuid4().hex,
        fixed={"enquiry_id": enquiry.id, "outcome": outcome},
        fields=[FormField("reason", label, "text")],
        timezone=ctx.timezone,
        now=ctx.now,
        send_label="Close",
    )
