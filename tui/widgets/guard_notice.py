"""What a form shows when its text looks like personal data, and the one check every form runs before it closes.

Forms call ``guard_allows(screen, command)`` on save, after their own validation: nothing is sent while it says
no. The notice names each item masked, shows it in its sentence, and the first one is selected in its field so
the inspector sees exactly which characters to change. Under the ``refuse`` policy (alerts excepted) saving stays
blocked until the text is clean, because the server would refuse it anyway; under ``warn``, or for an alert, the
same save again sends it, since the inspector has now seen what will be recorded as a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea
from textual.widgets.input import Selection as InputSelection
from textual.widgets.text_area import Selection as AreaSelection

from shared.personal_data import PersonalDataPolicy
from shared.personal_data_fields import free_text_fields, warn_only
from shared.protocol import Command
from tui.guard import Flag, PersonalDataGuard, Signature, context, describe, signature
from tui.widgets.plain import visible

NOTICE_ID = "guard-notice"


class GuardNotice(Static):
    """The masked list of what looks like personal data, each in its sentence, and what saving again will do."""

    DEFAULT_CSS = """
    GuardNotice { height: auto; margin-top: 1; padding: 0 1; border: round $error; }
    GuardNotice.-warn { border: round $warning; }
    """

    def __init__(self) -> None:
        super().__init__(id=NOTICE_ID)
        self.signature: Signature = ()
        self.flags: list[Flag] = []
        self.plain = ""
        """What the notice says, without styles: what a test reads."""

    def show(self, flags: list[Flag], texts: Mapping[str, str], *, refuses: bool, alert: bool,
             labels: Mapping[str, str], sign: Signature) -> None:
        self.signature = sign
        self.flags = list(flags)
        self.set_class(not refuses, "-warn")
        text = notice_text(flags, texts, refuses=refuses, alert=alert, labels=labels)
        self.plain = text.plain
        self.update(text)


def notice_text(flags: list[Flag], texts: Mapping[str, str], *, refuses: bool, alert: bool,
                labels: Mapping[str, str]) -> Text:
    out = Text("This looks like personal data — nothing has been sent.\n", style="bold")
    for flag in flags:
        name, match = flag
        out.append(f"• {describe(flag, dict(labels))}\n")
        before, found, after = context(texts.get(name, ""), match)
        out.append("    “" + visible(before, one_line=True))
        out.append(visible(found, one_line=True), style="reverse bold")
        out.append(visible(after, one_line=True) + "”\n")
    if refuses:
        out.append("The server would refuse it: this inspection's policy refuses personal data. "
                   "Edit the highlighted text out (children by unique ID only), then save again.")
    else:
        prefix = "An alert is never held back: " if alert else ""
        out.append(f"{prefix}press ctrl+s again to send it anyway — it will be recorded with a masked warning "
                   "for the lead to review.", style="bold")
    return out


def guard_allows(screen: Screen[Any], command: Command, labels: Mapping[str, str] | None = None) -> bool:
    """True if the form may send ``command``; otherwise the notice is shown and the first match selected.

    ``labels`` names each field as the form does ("text" → "Finding"). A second save of the same text passes
    when the server would only warn, and says so.
    """
    guard = getattr(screen.app, "guard", None)
    if not isinstance(guard, PersonalDataGuard):
        return True
    flags = guard.check(command)
    notices = list(screen.query(f"#{NOTICE_ID}").results(GuardNotice))
    if not flags:
        for notice in notices:
            notice.remove()
        return True
    sign, refuses = signature(command), guard.refuses(command)
    alert = warn_only(command) and guard.policy is PersonalDataPolicy.REFUSE  # warned only because it is an alert
    if notices and notices[0].signature == sign and not refuses:
        screen.app.notify("Sent with a personal-data warning: the server records what was found, masked, for the "
                          "lead to review.", title="Personal data", severity="warning")
        return True
    texts = free_text_fields(command)
    if notices:
        notice = notices[0]
    else:
        notice = GuardNotice()
        _mount(screen, notice)
    notice.show(flags, texts, refuses=refuses, alert=alert, labels=labels or {}, sign=sign)
    _highlight(screen, flags[0], texts)
    return False


def _mount(screen: Screen[Any], notice: GuardNotice) -> None:
    """Above the form's buttons, where the eye goes to save; at the end of the form if it has none."""
    buttons = list(screen.query("#buttons"))
    if buttons and isinstance(holder := buttons[0].parent, Widget):
        holder.mount(notice, before=buttons[0])
    else:
        screen.mount(notice)


def _field_widget(screen: Screen[Any], name: str) -> Input | TextArea | None:
    for selector in (f"#field-{name}", f"#{name}"):
        for widget in screen.query(selector):
            if isinstance(widget, Input | TextArea):
                return widget
    return None


def _highlight(screen: Screen[Any], flag: Flag, texts: Mapping[str, str]) -> None:
    """Select the match in its field (the form may have trimmed the text, so find where it starts)."""
    name, match = flag
    widget = _field_widget(screen, name)
    if widget is None:
        return
    shown = widget.text if isinstance(widget, TextArea) else widget.value
    base = max(0, shown.find(texts.get(name, "")))
    start, end = base + match.start, base + match.end
    if shown[start:end] != match.text:
        return  # edited since: nothing to select reliably

    def select() -> None:
        if isinstance(widget, TextArea):
            widget.selection = AreaSelection(_location(shown, start), _location(shown, end))
            widget.scroll_cursor_visible()
        elif isinstance(widget, Input):
            widget.selection = InputSelection(start, end)

    widget.focus()
    widget.call_later(select)  # after the focus event, which would select all of an Input


def _location(text: str, offset: int) -> tuple[int, int]:
    """A str offset as a TextArea (row, column)."""
    row = text.count("\n", 0, offset)
    return row, offset - (text.rfind("\n", 0, offset) + 1)
