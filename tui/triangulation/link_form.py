"""Link the highlighted finding to another: find the other by words or its #reference, say how they relate.

Returns a shared.triangulation LinkFindings command, checked with its own model (the server's rules). Before
sending it says what the link will do under the corroboration rule — a corroborating link between two case
files of one inspectorate does not count — so nobody is surprised by a status that does not change.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import ClassVar

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from shared.protocol import field_errors
from shared.triangulation import Link, LinkFindings, Relation, Source, independent
from tui.dialogs.buttons import send_row
from tui.dialogs.command_form import SendDialog
from tui.triangulation.candidates import Candidate, matching
from tui.widgets.footer import KeyFooter
from tui.widgets.guard_notice import guard_allows
from tui.widgets.plain import plain
from tui.widgets.plain_fields import PlainInput

MAX_SHOWN = 200
FIELDS = ("other_finding_id", "relation", "note")


def effect(relation: Relation | None, mine: Source | None, other: Source | None) -> str:
    """What the link will do to the two findings' corroboration status, in words."""
    if relation is Relation.CONTRADICTS:
        return "Both findings become contested until the contradiction is settled or the link withdrawn."
    if relation is Relation.RELATES_TO:
        return "Connects them for the reader; neither status changes."
    if relation is Relation.CORROBORATES and mine is not None and other is not None:
        if independent(mine, other):
            return "Independent evidence (another inspectorate or kind of source): both count as corroborated."
        return ("Same inspectorate and same kind of evidence: recorded, but it does not count as corroboration "
                "(see the rule in ? help).")
    return ""


class LinkForm(SendDialog[LinkFindings]):
    """Pick the other finding from the list (type to narrow it), the relation and a short note."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Link", priority=True),
    ]

    DEFAULT_CSS = """
    LinkForm > #link-form { width: 100; }
    LinkForm #link-title { text-style: bold; width: 1fr; }
    LinkForm #link-from { color: $text-muted; margin-bottom: 1; }
    LinkForm #link-candidates { height: 8; border: none; background: $panel; }
    LinkForm .row { height: auto; margin-top: 1; }
    LinkForm .row > Label.name { width: 14; color: $text-muted; }
    LinkForm .row > Select, LinkForm .row > Input { width: 1fr; }
    LinkForm #link-effect { color: $text-accent; height: auto; margin-top: 1; }
    LinkForm .field-error { color: $text-error; display: none; height: auto; }
    LinkForm .field-error.-shown { display: block; }
    """

    def __init__(
        self,
        *,
        finding_id: str,
        summary: str,
        source: Source | None,
        candidates: Sequence[Candidate],
        existing: Sequence[Link] = (),
    ) -> None:
        super().__init__()
        self.finding_id = finding_id
        self.command_id = uuid.uuid4().hex
        self._summary = summary
        self._source = source
        self._candidates = list(candidates)
        self._existing = list(existing)
        self._shown: list[Candidate] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="link-form"):
            yield Label("Link this finding to another", id="link-title")
            yield Static(plain(self._summary), id="link-from")
            yield PlainInput(placeholder="Find the other finding: words from it, an author, an agency or its #ref",
                        compact=True, id="link-search")
            yield OptionList(id="link-candidates")
            yield Label("", classes="field-error", id="error-other_finding_id")
            with Horizontal(classes="row"):
                yield Label("This finding", classes="name")
                yield Select(Relation.choices(), value=Relation.CORROBORATES.value, allow_blank=False,
                             compact=True, id="field-relation")
            yield Label("", classes="field-error", id="error-relation")
            with Horizontal(classes="row"):
                yield Label("Note", classes="name")
                yield PlainInput(placeholder="short and optional: why they agree or differ", max_length=500,
                            compact=True, id="field-note")
            yield Label("", classes="field-error", id="error-note")
            yield Static("", id="link-effect")
            yield Label("", classes="field-error", id="form-error")
            yield send_row("Link")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#link-search", Input).focus()

    # ------------------------------------------------------------------ the list

    def _fill(self, query: str) -> None:
        self._shown = matching(self._candidates, query)[:MAX_SHOWN]
        listing = self.query_one("#link-candidates", OptionList)
        listing.set_options([Option(plain(c.line, one_line=True), id=c.id) for c in self._shown])
        if not self._shown:
            listing.set_options([Option("No other finding matches.", disabled=True)])
        else:
            listing.highlighted = 0
        self._show_effect()

    @on(Input.Changed, "#link-search")
    def _search(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#link-search")
    def _to_list(self) -> None:
        self.query_one("#link-candidates", OptionList).focus()

    @on(OptionList.OptionHighlighted, "#link-candidates")
    def _picked(self) -> None:
        self._show_error("other_finding_id", "")
        self._show_effect()

    @on(OptionList.OptionSelected, "#link-candidates")
    def _chosen(self) -> None:
        self.query_one("#field-relation", Select).focus()

    @on(Select.Changed, "#field-relation")
    def _relation_changed(self) -> None:
        self._show_error("relation", "")
        self._show_effect()

    @property
    def chosen(self) -> Candidate | None:
        option = self.query_one("#link-candidates", OptionList).highlighted_option
        return next((c for c in self._shown if option is not None and c.id == option.id), None)

    def _relation(self) -> Relation | None:
        value = self.query_one("#field-relation", Select).selection
        return Relation(value) if value else None

    def _show_effect(self) -> None:
        chosen = self.chosen
        text = effect(self._relation(), self._source, chosen.source if chosen else None) if chosen else ""
        self.query_one("#link-effect", Static).update(text)

    # ------------------------------------------------------------------ sending

    def build(self) -> tuple[LinkFindings | None, dict[str, str]]:
        chosen = self.chosen
        values = {
            "id": self.command_id,
            "finding_id": self.finding_id,
            "relation": self._relation(),
            "note": self.query_one("#field-note", Input).value.strip(),
        }
        if chosen is not None:
            values["other_finding_id"] = chosen.id
        try:
            command = LinkFindings.model_validate(values)
        except ValidationError as exc:
            errors = field_errors(exc)
            if "other_finding_id" in errors and chosen is None:
                errors["other_finding_id"] = "choose the other finding from the list"
            return None, errors
        pair = {command.finding_id, command.other_finding_id}
        if any({link.finding_id, link.other_finding_id} == pair and link.relation is command.relation
               for link in self._existing):
            return None, {"relation": "these findings are already linked that way"}
        return command, {}

    def _show_error(self, name: str, message: str) -> None:
        label = self.query_one("#form-error" if name not in FIELDS else f"#error-{name}", Label)
        label.update(plain(f"↑ {message}" if message else ""))
        label.set_class(bool(message), "-shown")

    def action_submit(self) -> None:
        command, errors = self.build()
        for name in FIELDS:
            self._show_error(name, errors.get(name, ""))
        other = "; ".join(f"{k}: {v}" for k, v in errors.items() if k not in FIELDS)
        self._show_error("form", other)
        if command is not None and guard_allows(self, command, {"note": "Note"}):
            self.dismiss(command)
