"""The team roster: who is on this inspection, who is connected right now (presence from the server), and who is on
site today once the lead has recorded the days on site (CP ¶15; integrated ¶36, ¶100)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import Static

from shared.protocol import Inspector
from shared.vocabulary import Role
from tui.widgets.labels import INSPECTORATE_SHORT, short
from tui.widgets.plain import assemble

_ROLE_ORDER = {Role.LEAD: 0, Role.QA_MANAGER: 1, Role.INSPECTOR: 2}
_ROLE_SHORT = {Role.LEAD: "lead", Role.QA_MANAGER: "QA"}


class Roster(Static):
    """You first, then whoever is connected, each group lead first; a filled dot for everyone connected."""

    DEFAULT_CSS = """
    Roster { height: 100%; padding: 0 1; overflow-y: auto; scrollbar-size-vertical: 1; }
    """

    def show_team(
        self, team: Iterable[Inspector], online: set[int] | None, me: int | None,
        on_site: frozenset[int] | None = None,
    ) -> None:
        """``online`` None means presence is unknown (we are not connected ourselves); ``on_site`` None means
        nobody's days on site are recorded."""
        known = online or set()
        members = sorted(
            team,
            key=lambda m: (m.id != me, m.id not in known, _ROLE_ORDER.get(m.role, 9), m.inspectorate, m.name),
        )
        if online is None:
            heading = f"Team of {len(members)} · offline"
            online = set()
        else:
            heading = f"Team · {sum(1 for m in members if m.id in online)} of {len(members)} connected"
        if on_site is not None:
            heading += f" · {sum(1 for m in members if m.id in on_site)} on site today"
        parts: list[str | tuple[str, str]] = [(heading, "$text-muted")]
        for member in members:
            connected = member.id in online
            parts.append("\n")
            parts.append(("● ", "$text-success") if connected else ("○ ", "$text-muted"))
            parts.append((member.name, "bold") if member.id == me else member.name)
            if member.id == me:
                parts.append((" (you)", "$text-muted"))
            role = f" {_ROLE_SHORT[member.role]}" if member.role in _ROLE_SHORT else ""
            parts.append((f" {short(INSPECTORATE_SHORT, member.inspectorate)}{role}", "$text-muted"))
            if on_site is not None:
                here = member.id in on_site
                parts.append((" · on site", "$text-success") if here else (" · off site", "$text-muted"))
        if not members:
            parts.append(("\nTeam not known yet — waiting for the server.", "$text-muted italic"))
        self.update(assemble(*parts))
