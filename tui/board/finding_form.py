"""The form for recording or amending a finding, checked with the server's own rules before it is sent.

The criterion is picked from the catalogue (tui.board.criteria_picker), narrowed to the agency, judgement
area and the inspection's framework, and checked with the same shared rule the server applies.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, TextArea

from shared.findings import FindingFields, PostFinding, validate_finding
from shared.grades import NARRATIVE_ONLY, judgement_label
from shared.vocabulary import Agency, EvidenceSource, FindingKind, Framework, JudgementArea, judgement_areas_for
from tui.board.criteria_picker import CriteriaPicker
from tui.dialogs.buttons import send_row
from tui.dialogs.frame import FramedDialog
from tui.state import TeamState
from tui.widgets.footer import KeyFooter
from tui.widgets.guard_notice import guard_allows
from tui.widgets.plain import plain
from tui.widgets.plain_fields import PlainInput, PlainTextArea

FIELDS = ("agency", "judgement_area", "kind", "evidence_source", "criterion", "child_id", "text")


class FindingForm(FramedDialog[FindingFields | None]):
    """Returns the new fields, or None if cancelled. The judgement areas offered follow the agency chosen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    DEFAULT_CSS = """
    FindingForm > #form { width: 90; }
    FindingForm #form-title { text-style: bold; width: 1fr; margin-bottom: 1; }
    FindingForm .row { height: auto; }
    FindingForm .row > Label.name { width: 16; color: $text-muted; }
    FindingForm .row > Select, FindingForm .row > Input, FindingForm .row > CriteriaPicker { width: 1fr; }
    FindingForm .field-error { color: $text-error; padding-left: 16; display: none; height: auto; }
    FindingForm .field-error.-shown { display: block; }
    FindingForm TextArea { height: 6; margin-top: 1; }
    FindingForm #hint { color: $text-muted; height: auto; }
    """

    def __init__(self, *, title: str, initial: FindingFields | None = None, defaults: dict[str, Any] | None = None):
        super().__init__()
        self._title = title
        self._initial = initial.fields() if initial is not None else dict(defaults or {})

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        init = self._initial
        with VerticalScroll(id="form"):
            yield Label(self._title, id="form-title")
            agency = init.get("agency")
            yield from self._row("Agency", "agency", Select(
                self._agencies(agency), prompt="Choose the agency", value=agency or Select.NULL, compact=True,
                id="agency"))
            yield from self._row("Judgement area", "judgement_area", Select(
                self._areas(agency), prompt=self._area_prompt(agency), compact=True, id="judgement_area",
                value=init.get("judgement_area") or Select.NULL))
            yield from self._row("Kind", "kind", Select(
                FindingKind.choices(), prompt="Choose the kind", value=init.get("kind") or Select.NULL,
                compact=True, id="kind"))
            yield from self._row("Evidence source", "evidence_source", Select(
                EvidenceSource.choices(), prompt="Choose the source", compact=True, id="evidence_source",
                value=init.get("evidence_source") or Select.NULL))
            yield from self._row("Criterion", "criterion", CriteriaPicker(init.get("criterion"), id="criterion"))
            yield from self._row("Child unique ID", "child_id", PlainInput(
                init.get("child_id") or "", placeholder="optional — the LA's ID, never a name",
                compact=True, id="child_id"))
            yield PlainTextArea(init.get("text") or "", id="text", soft_wrap=True, show_line_numbers=False)
            yield Label("", classes="field-error", id="text-error")
            yield send_row("Save", send_id="save")
        yield KeyFooter()

    def _row(self, title: str, name: str, widget: Widget) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(title, classes="name")
            yield widget
        yield Label("", classes="field-error", id=f"{name}-error")

    def on_mount(self) -> None:
        self.query_one("#text", TextArea).border_title = "Finding"
        self.query_one("#judgement_area", Select).disabled = not self._areas(self._initial.get("agency"))
        self._rescope(clear=False)  # an amended finding keeps its criterion; a misfit is shown on saving
        blank = next((name for name in ("agency", "kind", "evidence_source") if not self._initial.get(name)), "text")
        self.query_one(f"#{blank}").focus()  # the first thing still to choose

    def _agencies(self, current: str | None) -> list[tuple[str, str]]:
        """Every agency; under the child-protection framework not the narrative-only ones, which only the
        integrated framework inspects (an amended finding keeps its own)."""
        if self.framework is not Framework.CHILD_PROTECTION:
            return Agency.choices()
        return [(label, value) for label, value in Agency.choices()
                if Agency(value) not in NARRATIVE_ONLY or value == current]

    def _areas(self, agency: str | None) -> list[tuple[str, str]]:
        """The judgement areas the inspection's framework grades the agency on, in its words (CP ¶24)."""
        if not agency:
            return []
        framework = self.framework or Framework.INTEGRATED
        areas = judgement_areas_for(Agency(agency), framework)
        return [(judgement_label(area, framework), area.value) for area in areas]

    def _area_prompt(self, agency: str | None) -> str:
        if not agency:
            return "Choose the agency first"
        return "(none)" if self._areas(agency) else "Not graded for this agency"

    # ------------------------------------------------------------------ behaviour

    @on(Select.Changed, "#agency")
    def _agency_changed(self, event: Select.Changed) -> None:
        """Offer only the judgement areas that apply to the agency (police: no looked-after judgement)."""
        area = self.query_one("#judgement_area", Select)
        agency = event.value if isinstance(event.value, str) else None
        keep = area.selection
        options = self._areas(agency)
        area.prompt = self._area_prompt(agency)
        area.set_options(options)
        if keep in {value for _, value in options}:
            area.value = keep
        area.disabled = not options
        self._rescope()

    @on(Select.Changed, "#judgement_area")
    def _area_changed(self) -> None:
        self._rescope()

    @property
    def framework(self) -> Framework | None:
        """The inspection's framework, from the app's state (None before the first welcome)."""
        state = getattr(self.app, "state", None)
        inspection = state.inspection if isinstance(state, TeamState) else None
        return inspection.framework if inspection is not None else None

    def _rescope(self, clear: bool = True) -> None:
        """The criteria offered follow the agency and area; a choice that no longer fits is cleared."""
        agency = self.query_one("#agency", Select).selection
        area = self.query_one("#judgement_area", Select).selection
        self.query_one(CriteriaPicker).set_scope(
            Agency(agency) if agency else None, JudgementArea(area) if area else None, self.framework, clear=clear
        )

    @on(Select.Changed)
    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(CriteriaPicker.Changed)
    def _clear_error(self, event: Select.Changed | Input.Changed | TextArea.Changed | CriteriaPicker.Changed) -> None:
        widget_id = event.control.id if event.control is not None else None
        if widget_id in FIELDS:
            self._show_error(widget_id, "")

    def values(self) -> dict[str, Any]:
        """The form as finding fields; blanks are left out so required ones read 'is required'."""
        raw: dict[str, Any] = {
            name: self.query_one(f"#{name}", Select).selection
            for name in ("agency", "judgement_area", "kind", "evidence_source")
        }
        raw["criterion"] = self.query_one(CriteriaPicker).value
        raw["child_id"] = self.query_one("#child_id", Input).value.strip() or None
        raw["text"] = self.query_one("#text", TextArea).text
        return {k: v for k, v in raw.items() if v is not None}

    def _show_error(self, name: str, message: str) -> None:
        for label in self.query(f"#{name}-error"):
            assert isinstance(label, Label)
            label.update(plain(f"↑ {message}" if message else ""))
            label.set_class(bool(message), "-shown")

    def action_submit(self) -> None:
        values = self.values()
        errors = validate_finding(values)  # the server's rules, blank and invisible-only text included
        if "criterion" not in errors and "agency" not in errors and "judgement_area" not in errors:
            refusal = self.query_one(CriteriaPicker).refusal()  # the server's criterion rule
            if refusal is not None:
                errors["criterion"] = refusal
        for name in FIELDS:
            self._show_error(name, errors.get(name, ""))
        if errors:
            first = next((name for name in FIELDS if name in errors), None)
            if first is not None:
                self.query_one(f"#{first}").focus()
            return
        fields = FindingFields.model_validate(values)
        # Post and amend check the same field the same way, so a post stands in for either.
        if not guard_allows(self, PostFinding(id=uuid.uuid4().hex, **fields.fields()), {"text": "Finding"}):
            return  # the notice says what looks like personal data, and where
        self.dismiss(fields)

    def action_cancel(self) -> None:
        self.dismiss(None)
