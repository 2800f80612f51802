"""The board's widgets; each knows how to draw what it is given and nothing about the network."""

from tui.widgets.detail import FindingDetail
from tui.widgets.filter_bar import FilterBar
from tui.widgets.finding_list import FindingList
from tui.widgets.roster import Roster
from tui.widgets.status_line import StatusLine

__all__ = ["FilterBar", "FindingDetail", "FindingList", "Roster", "StatusLine"]
