"""The balance report: each attribute's share among eligible cases against its share in the random draw.

¶38 asks for a random sample "adjusted to ensure a balance of age, gender, disability and ethnicity,
practitioner and team". This view lets the lead see how far the draw meets that, and which strata got no case at
all, so one can be added deliberately (``+`` on the cases screen). Built with ``shared.sampling.balance_report``,
the same report the CLI prints.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from shared.sampling import ATTRIBUTES, BalanceReport, Sample, Selection
from tui.dialogs.frame import FramedDialog
from tui.widgets.footer import KeyFooter
from tui.widgets.plain import assemble

VALUE_WIDTH = 26
"""Rows fit in 66 columns, so nothing wraps at 80×24."""


def balance_content(report: BalanceReport, sample: Sample) -> Content:
    drawn = len(sample.selected(Selection.RANDOM))
    why: list[str | tuple[str, str]] = (
        [("Why this sample (CP ¶39, ¶43): ", "$text-muted"), sample.reason + "\n"] if sample.reason else [])
    parts: list[str | tuple[str, str]] = [
        (f"Random sample: {drawn} of {sample.eligible} eligible cases · seed {sample.seed} · drawn "
         f"{sample.drawn_on:%d %b %Y}\n", "bold"),
        ("Good-practice cases and cases added for a line of enquiry are chosen, not drawn: they are left out.\n",
         "$text-muted"),
        *why,
        "\n",
        (f"  {'':<{VALUE_WIDTH}}{'Population':>13}  {'Sample':>13}{'Diff':>7}\n", "$text-muted"),
    ]
    for attribute in ATTRIBUTES:
        parts.append((f"{attribute.label}\n", "bold $text-primary"))
        for row in (r for r in report.rows if r.attribute is attribute):
            value = row.value if len(row.value) <= VALUE_WIDTH - 2 else row.value[: VALUE_WIDTH - 3] + "…"
            diff = f"{row.difference * 100:+.1f}"
            style = "$text-warning" if not row.sample else ""
            parts.append((f"  {value:<{VALUE_WIDTH}}{row.population:>5} {row.population_share:>7.1%}"
                          f"  {row.sample:>5} {row.sample_share:>7.1%}{diff:>7}\n", style))
    unsampled = report.unsampled
    parts.append(("\nStrata with no case in the sample", "bold"))
    if not unsampled:
        parts.append(": none.\n")
    else:
        parts.append((" — add a case with + on the cases screen if it matters:\n", "$text-muted"))
        for row in unsampled:
            cases = "case" if row.population == 1 else "cases"
            parts.append(f"  {row.attribute.label}: {row.value} ({row.population} eligible {cases})\n")
    return assemble(*parts)


class BalanceScreen(FramedDialog[None]):
    """Read-only; arrows and PgUp/PgDn scroll, Esc or b closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,b,q", "close", "Close"),
    ]

    DEFAULT_CSS = """
    BalanceScreen > VerticalScroll { width: 96; }
    """

    def __init__(self, report: BalanceReport, sample: Sample) -> None:
        super().__init__()
        self._content = balance_content(report, sample)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="balance"):
            yield Static(self._content, id="balance-body")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#balance", VerticalScroll).focus()

    @property
    def text(self) -> str:
        return self._content.plain

    def action_close(self) -> None:
        self.dismiss(None)
