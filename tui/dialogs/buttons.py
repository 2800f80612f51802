"""The row of buttons at the foot of every dialog.

Each button runs one of the dialog's own actions, the one its key runs, so a dialog needs no Pressed handler
and a click can never do something the key would not.
"""

from __future__ import annotations

from textual.containers import Horizontal
from textual.widgets import Button
from textual.widgets.button import ButtonVariant


def press(label: str, action: str, *, id: str, variant: ButtonVariant = "default") -> Button:
    """A compact button that runs the dialog's ``action_<action>``."""
    return Button(label, id=id, variant=variant, compact=True, action=f"screen.{action}")


class ButtonRow(Horizontal):
    """The dialog's buttons, right-aligned under its last field."""

    DEFAULT_CSS = """
    ButtonRow { height: auto; margin-top: 1; align-horizontal: right; }
    ButtonRow > Button { margin-left: 2; }
    """


def send_row(send_label: str, variant: ButtonVariant = "primary", *, send_id: str = "send") -> ButtonRow:
    """Cancel, then the button that sends (ctrl+s): how every form ends."""
    return ButtonRow(press("Cancel", "cancel", id="cancel"),
                     press(f"{send_label}  ctrl+s", "submit", id=send_id, variant=variant), id="buttons")
