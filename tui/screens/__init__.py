"""Full screens: the team board and the help screen."""

from tui.screens.board import BoardScreen
from tui.screens.help import HelpScreen

__all__ = ["BoardScreen", "HelpScreen"]
