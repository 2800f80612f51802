"""The form that withdraws a finding: one reason, checked with the command's own model before it is sent.

Built on CommandForm, so a blank reason gets the inline error the server would give. The finding's first line is
shown so the user knows which one goes; withdrawing keeps it in the history but takes it out of the evidence.
"""

from __future__ import annotations

import uuid
from datetime import tzinfo

from shared.findings import WithdrawFinding
from tui.dialogs.command_form import CommandForm, FormField
from tui.state import FindingView
from tui.timefmt import short_time

INTRO = ("It stays in the history, but reports, the triangulation view and grades stop counting it, and it no longer "
         "corroborates or contests the findings it is linked to. This cannot be undone.")


def withdraw_form(view: FindingView, timezone: tzinfo) -> CommandForm:
    """A form returning a WithdrawFinding for ``view``, or None if cancelled."""
    line = view.first_line if len(view.first_line) <= 80 else view.first_line[:79] + "…"
    return CommandForm(
        title=f"Withdraw {view.author.name}'s finding of {short_time(view.posted_at, timezone)}",
        intro=f"“{line}”\n{INTRO}",
        command_type=WithdrawFinding,
        command_id=uuid.uuid4().hex,
        fixed={"finding_id": view.id},
        fields=[FormField("reason", "Why it is withdrawn (the team sees this)", "text")],
        timezone=timezone,
        send_label="Withdraw",
    )
