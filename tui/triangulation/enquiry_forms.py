"""The forms for lines of enquiry: open one, answer it, close it; each returns a shared.enquiries command.

Built on CommandForm, so each is checked with the command's own pydantic model (the server's rules) and its
errors show inline under the field they are about. Findings are typed as short references (``#3f2a9e``) and
resolved against the live findings this app holds (a withdrawn one is no longer evidence: the server refuses it,
so the form says so first); "addressed to" is one choice that becomes exactly one of the command's three fields.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from shared.enquiries import INSPECTORATE_OF, AnswerEnquiry, CloseEnquiry, EnquiryOutcome, OpenEnquiry
from shared.protocol import Inspector
from shared.vocabulary import Agency, Inspectorate
from tui.dialogs.command_form import CommandForm, FormField
from tui.refs import ref, resolve_refs, split_words
from tui.triangulation.book import EnquiryView

ADDRESS_FIELDS = ("to_inspectorate", "to_agency", "to_inspector")
NO_ADDRESS = "choose who should answer"
CHILD_ID_HINT = "must be child unique IDs (letters, digits, - / _; at most 32 each), never names"


@dataclass(frozen=True)
class EnquiryContext:
    """What the enquiry forms need: the clock, the local zone, the team, me, and the finding ids we hold."""

    now: datetime
    timezone: tzinfo
    team: tuple[Inspector, ...]
    me: Inspector
    finding_ids: tuple[str, ...]
    """The saved findings that may be cited: never a withdrawn one."""
    withdrawn_ids: tuple[str, ...] = ()
    """Withdrawn findings, only so a reference to one is refused by name rather than as unknown."""


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
    """An CommandForm whose "to" choice fills one of the three address fields, with errors mapped back to it."""

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


def cited_findings(text: str, ctx: EnquiryContext) -> list[str]:
    """The live findings the typed references mean; ValueError naming an unknown or a withdrawn one."""
    try:
        return resolve_refs(text, ctx.finding_ids)
    except ValueError:
        for word in split_words(text):
            if not _fits(word, ctx.finding_ids) and _fits(word, ctx.withdrawn_ids):
                raise ValueError(f"{ref(word.removeprefix('#'))} was withdrawn: it is no longer evidence") from None
        raise


def _fits(word: str, known: Sequence[str]) -> bool:
    try:
        resolve_refs(word, known)
    except ValueError:
        return False
    return True


def _findings_field(ctx: EnquiryContext, label: str, value: str, placeholder: str) -> FormField:
    return FormField("finding_ids", label, value=value, placeholder=placeholder,
                     convert=lambda text: cited_findings(text, ctx))


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
            _findings_field(ctx, "Related findings", ref(finding_id) if finding_id else "",
                            "e.g. #3f2a9e #0c1d22 (optional)"),
            FormField("child_ids", "Child unique IDs", value=child_id or "", placeholder="optional, e.g. NM-10234",
                      convert=split_words),
            FormField("needs_la_input", "Local authority input", "choice", value="no",
                      choices=[("Not needed", "no"), ("Needed — put it on the KIT agenda", "yes")],
                      convert=lambda choice: choice == "yes"),
        ],
        timezone=ctx.timezone,
        now=ctx.now,
        send_label="Open",
        calm=True,
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
            _findings_field(ctx, "Findings that answer it", "", "e.g. #3f2a9e (optional; record them first)"),
        ],
        timezone=ctx.timezone,
        now=ctx.now,
        send_label="Answer",
        calm=True,
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
        calm=True,
    )
