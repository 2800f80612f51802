"""One small form per command (alerts, enquiries, meetings, grades, …), checked with the command's own pydantic
model before it is sent.

The server validates with the same models (shared.alerts, shared.enquiries, …), so an error shown here inline is
the error the server would give; times are typed in the inspection's local time and sent in UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from shared.protocol import Command, field_errors
from tui.dialogs.buttons import send_row
from tui.dialogs.frame import FramedDialog
from tui.timefmt import to_local
from tui.widgets.footer import KeyFooter
from tui.widgets.guard_notice import guard_allows
from tui.widgets.plain import plain
from tui.widgets.plain_fields import PlainInput, PlainTextArea

Kind = Literal["line", "text", "choice", "time"]
T = TypeVar("T")
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%H:%M")


@dataclass(frozen=True)
class FormField:
    """One input of a command form; ``name`` is the command field it fills."""

    name: str
    label: str
    kind: Kind = "line"
    value: Any = None
    choices: Sequence[tuple[str, Any]] = ()
    placeholder: str = ""
    convert: Callable[[Any], Any] | None = None
    """Turns what was typed or chosen into the command's value; raise ValueError to show an inline error."""


def time_text(moment: datetime, tz: tzinfo) -> str:
    """How a time is shown for editing: local, to the minute."""
    return to_local(moment, tz).strftime("%Y-%m-%d %H:%M")


def parse_time(text: str, tz: tzinfo, today: datetime) -> datetime:
    """A local time typed as '2026-11-18 10:52', '18/11/2026 10:52' or '10:52' (today), as UTC."""
    text = text.strip()
    for pattern in TIME_FORMATS:
        try:
            parsed = datetime.strptime(text, pattern)
        except ValueError:
            continue
        if pattern == "%H:%M":
            local_day = to_local(today, tz).date()
            parsed = datetime.combine(local_day, parsed.time())
        return parsed.replace(tzinfo=tz).astimezone(UTC)
    raise ValueError("give a local time like 2026-11-18 10:52, or 10:52 for today")


class SendDialog(FramedDialog[T | None]):
    """A modal ending in Cancel (``#cancel``, escape: None) and Send (``#send``, ctrl+s → ``action_submit``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Send", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def action_submit(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)


class CommandForm(SendDialog[Command]):
    """Returns the validated command, or None if cancelled."""

    DEFAULT_CSS = """
    CommandForm > #command-form { width: 92; border: thick $error; }
    CommandForm #command-form-title { text-style: bold; width: 1fr; margin-bottom: 1; }
    CommandForm #command-form-intro { color: $text-muted; margin-bottom: 1; }
    CommandForm .row { height: auto; }
    CommandForm .row > Label.name { width: 22; color: $text-muted; }
    CommandForm .row > Select, CommandForm .row > Input { width: 1fr; }
    CommandForm .text-label { color: $text-muted; margin-top: 1; }
    CommandForm TextArea.field { height: 4; }
    CommandForm .field-error { color: $text-error; padding-left: 22; display: none; height: auto; }
    CommandForm .field-error.-shown { display: block; }
    CommandForm #form-error { padding-left: 0; }
    CommandForm.-calm > #command-form { border: thick $primary; }
    """

    def __init__(
        self,
        *,
        title: str,
        command_type: type[Command],
        command_id: str,
        fields: Sequence[FormField] = (),
        fixed: dict[str, Any] | None = None,
        intro: str = "",
        timezone: tzinfo = UTC,
        now: datetime | None = None,
        send_label: str = "Send",
        calm: bool = False,
    ) -> None:
        """``calm``: a blue frame and button, for forms that are not about risk (lines of enquiry)."""
        super().__init__(classes="-calm" if calm else None)
        self._title = title
        self._type = command_type
        self._command_id = command_id
        self._fields = tuple(fields)
        self._fixed = dict(fixed or {})
        self._intro = intro
        self._tz = timezone
        self._now = now or datetime.now(UTC)
        self._send_label = send_label
        self._calm = calm

    @property
    def command_id(self) -> str:
        """The id the command will carry (for a raise, the new alert's id)."""
        return self._command_id

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="command-form"):
            yield Label(plain(self._title), id="command-form-title")
            if self._intro:
                yield Static(plain(self._intro), id="command-form-intro")
            yield from self.compose_extra()
            for spec in self._fields:
                yield from self._field(spec)
            yield Label("", classes="field-error", id="form-error")
            yield send_row(self._send_label, "primary" if self._calm else "error")
        yield KeyFooter()

    def compose_extra(self) -> ComposeResult:
        """Above the fields: for subclasses (the written confirmation shows its letter here)."""
        yield from ()

    def _field(self, spec: FormField) -> ComposeResult:
        widget_id = f"field-{spec.name}"
        if spec.kind == "text":
            yield Label(spec.label, classes="text-label")
            area = PlainTextArea(str(spec.value or ""), id=widget_id, classes="field", soft_wrap=True,
                            show_line_numbers=False)
            if spec.placeholder:
                area.placeholder = spec.placeholder
            yield area
        else:
            widget: Widget
            if spec.kind == "choice":
                choices = [(plain(label, one_line=True), value) for label, value in spec.choices]
                widget = Select(choices, prompt=spec.placeholder or "Choose", compact=True, id=widget_id,
                                value=spec.value if spec.value is not None else Select.NULL)
            else:
                value = time_text(spec.value, self._tz) if isinstance(spec.value, datetime) else spec.value
                widget = PlainInput(str(value or ""), placeholder=spec.placeholder, compact=True, id=widget_id)
            with Horizontal(classes="row"):
                yield Label(spec.label, classes="name")
                yield widget
        yield Label("", classes="field-error", id=f"error-{spec.name}")

    def on_mount(self) -> None:
        first = next((spec for spec in self._fields if spec.value in (None, "")), None)
        target = first or (self._fields[0] if self._fields else None)
        if target is not None:
            self.query_one(f"#field-{target.name}").focus()
        else:
            self.query_one("#send").focus()

    # ------------------------------------------------------------------ behaviour

    def raw(self, spec: FormField) -> Any:
        widget = self.query_one(f"#field-{spec.name}")
        if isinstance(widget, Select):
            return widget.selection
        if isinstance(widget, TextArea):
            return widget.text if widget.text.strip() else None
        assert isinstance(widget, Input)
        return widget.value.strip() or None

    def values(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The command's values from the form, and errors from converting them (bad times, numbers)."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for spec in self._fields:
            raw = self.raw(spec)
            if raw is None:
                continue  # left out, so a required field reads "is required"
            try:
                if spec.kind == "time":
                    values[spec.name] = parse_time(raw, self._tz, self._now)
                else:
                    values[spec.name] = spec.convert(raw) if spec.convert else raw
            except ValueError as bad:
                errors[spec.name] = str(bad)
        return values, errors

    def build(self) -> tuple[Command | None, dict[str, str]]:
        """The command, or the errors to show (the model's own rules, as the server would apply them)."""
        values, errors = self.values()
        if errors:
            return None, errors
        try:
            return self._type.model_validate({"id": self._command_id, **self._fixed, **values}), {}
        except ValidationError as exc:
            return None, self.explain(field_errors(exc), values)

    def explain(self, errors: dict[str, str], values: dict[str, Any]) -> dict[str, str]:
        """The model's errors as this form shows them: for subclasses whose fields are not the model's."""
        return errors

    def _show_errors(self, errors: dict[str, str]) -> None:
        names = {spec.name for spec in self._fields}
        for spec in self._fields:
            self._show_error(f"error-{spec.name}", errors.get(spec.name, ""))
        other = "; ".join(f"{name}: {message}" for name, message in errors.items() if name not in names)
        self._show_error("form-error", other)

    def _show_error(self, label_id: str, message: str) -> None:
        label = self.query_one(f"#{label_id}", Label)
        label.update(plain(f"↑ {message}" if message and label_id != "form-error" else message))
        label.set_class(bool(message), "-shown")

    @on(Select.Changed)
    @on(Input.Changed)
    @on(TextArea.Changed)
    def _clear_error(self, event: Select.Changed | Input.Changed | TextArea.Changed) -> None:
        widget_id = event.control.id if event.control is not None else None
        if widget_id and widget_id.startswith("field-"):
            for label in self.query(f"#error-{widget_id.removeprefix('field-')}"):
                assert isinstance(label, Label)
                label.set_class(False, "-shown")

    def action_submit(self) -> None:
        command, errors = self.build()
        self._show_errors(errors)
        if command is None:
            first = next((spec.name for spec in self._fields if spec.name in errors), None)
            if first is not None:
                self.query_one(f"#field-{first}").focus()
            return
        if not guard_allows(self, command, {spec.name: spec.label for spec in self._fields}):
            return  # its text looks like personal data: the notice says what and where
        self.dismiss(command)
