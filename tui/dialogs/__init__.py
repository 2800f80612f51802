"""Modal dialogs that return a value: the finding form and the filter form."""

from tui.dialogs.filter_dialog import FilterDialog
from tui.dialogs.finding_form import FindingForm

__all__ = ["FilterDialog", "FindingForm"]
