"""Fieldwork dates end to end: a real server, a real SQLite file, the lead and two inspectors on real sockets.

Only the lead sets them; the last day may not be before the first; everyone connected sees the change, and a
client that connects later finds the dates in its welcome. The CLI sets the last day when creating an inspection.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from server.network.team_server import TeamServer
from server.storage import database
from shared.cli import main
from shared.fieldwork import SetFieldwork
from shared.protocol import ErrorCode
from tests.server.conftest import Team, TeamRoom, WireClient, accepted, event_of, new_id, refused, wire


def fieldwork_frame(command_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid ``fieldwork.set``: fieldwork from Mon 30 Nov to Fri 18 Dec 2026."""
    fieldwork = SetFieldwork(id=command_id or new_id("fieldwork"), start_date="2026-11-30", end_date="2026-12-18")
    return {**wire(fieldwork), **overrides}  # start_date=None: null, which clears the day


async def test_the_lead_sets_the_dates_and_everyone_sees_them(team_room: TeamRoom) -> None:
    ack = await accepted(team_room.lead, fieldwork_frame())

    events = await team_room.everyone_sees(ack.seq)
    assert events[-1].kind == "fieldwork.set"
    assert events[-1].data == {"start_date": "2026-11-30", "end_date": "2026-12-18"}
    assert events[-1].actor == team_room.lead.me


async def test_an_inspector_may_not_set_the_dates(team_room: TeamRoom) -> None:
    error = await refused(team_room.cqc, fieldwork_frame(), ErrorCode.FORBIDDEN)

    assert "lead" in error.message


async def test_a_last_day_before_the_first_is_refused_naming_both(team_room: TeamRoom) -> None:
    frame = fieldwork_frame(start_date="2026-12-18", end_date="2026-12-11")

    error = await refused(team_room.lead, frame, ErrorCode.INVALID, field="end_date")

    assert "Fri 11 Dec 2026" in error.message and "Fri 18 Dec 2026" in error.message


async def test_a_date_that_is_not_a_date_is_refused(team_room: TeamRoom) -> None:
    await refused(team_room.lead, fieldwork_frame(end_date="18/12/2026"), ErrorCode.INVALID, field="end_date")
    await refused(team_room.lead, fieldwork_frame(end_date="2126-12-18"), ErrorCode.INVALID, field="end_date")


async def test_nothing_refused_reaches_the_log(team_room: TeamRoom) -> None:
    await refused(team_room.cqc, fieldwork_frame(), ErrorCode.FORBIDDEN)
    await refused(team_room.lead, fieldwork_frame(end_date="2026-11-01"), ErrorCode.INVALID)
    ack = await accepted(team_room.lead, fieldwork_frame(start_date=None, end_date="2026-12-18"))

    events = await team_room.everyone_sees(ack.seq)
    assert [e.kind for e in events] == ["fieldwork.set"]
    assert events[0].data == {"start_date": None, "end_date": "2026-12-18"}


async def test_a_client_connecting_later_finds_the_dates_in_its_welcome(
    server: TeamServer, team: Team, team_room: TeamRoom
) -> None:
    ack = await accepted(team_room.lead, fieldwork_frame())
    await team_room.everyone_sees(ack.seq)
    await team_room.hmic.close()

    again = await WireClient.join(server.url, team.hmic.token, since=ack.seq)
    try:
        assert again.welcome is not None
        assert again.welcome.inspection.start_date == date(2026, 11, 30)
        assert again.welcome.inspection.end_date == date(2026, 12, 18)
        assert again.replay == []  # nothing missed: the welcome alone carries the dates
    finally:
        await again.close()


async def test_a_retry_is_applied_once(team_room: TeamRoom) -> None:
    frame = fieldwork_frame("fieldwork-retry")
    first = await accepted(team_room.lead, frame)
    second = await accepted(team_room.lead, frame)

    assert first.seq == second.seq
    await event_of(team_room.cqc, "fieldwork.set", end_date="2026-12-18")


def test_inspection_create_takes_the_last_day_of_fieldwork(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = CliRunner().invoke(
        main, ["inspection", "create", "Northmoor", "--start", "2026-11-30", "--end", "2026-12-18", "--db", db_url]
    )

    assert result.exit_code == 0, result.output
    engine = database.connect(db_url)
    try:
        [created] = database.list_inspections(engine)
    finally:
        engine.dispose()
    assert (created.start_date, created.end_date) == (date(2026, 11, 30), date(2026, 12, 18))


def test_inspection_create_refuses_a_last_day_before_the_first(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = CliRunner().invoke(
        main, ["inspection", "create", "Northmoor", "--start", "2026-11-30", "--end", "2026-11-27", "--db", db_url]
    )

    assert result.exit_code != 0
    assert "before the first day of fieldwork" in result.stderr
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- who is on site when (CP ¶15; I ¶36, ¶100)


def on_site_frame(inspector_id: int, **overrides: Any) -> dict[str, Any]:
    """A valid ``on-site.set``: week three of fieldwork from Mon 30 Nov (I ¶100: HMI Prisons, typically)."""
    values: dict[str, Any] = {"type": "on-site.set", "id": new_id("on-site"), "inspector_id": inspector_id,
                              "first_day": "2026-12-14", "last_day": "2026-12-18"}
    values.update(overrides)
    return values


async def test_the_lead_records_an_inspectors_days_on_site_and_everyone_sees_them(team_room: TeamRoom) -> None:
    """CP ¶15, I ¶36: not every inspector is on site for the whole inspection; the lead records who is when."""
    hmic = team_room.hmic.me.id
    ack = await accepted(team_room.lead, on_site_frame(hmic))
    later = await accepted(team_room.lead, on_site_frame(team_room.cqc.me.id, first_day="2026-12-01", last_day=None))

    events = await team_room.everyone_sees(later.seq)
    assert events[-2].seq == ack.seq and events[-2].kind == "on-site.set"
    assert events[-2].data == {"inspector_id": hmic, "first_day": "2026-12-14", "last_day": "2026-12-18"}
    assert events[-1].data == {"inspector_id": team_room.cqc.me.id, "first_day": "2026-12-01", "last_day": None}


async def test_only_the_lead_records_days_on_site_and_only_for_the_team(team_room: TeamRoom) -> None:
    hmic = team_room.hmic.me.id
    error = await refused(team_room.cqc, on_site_frame(hmic), ErrorCode.FORBIDDEN)
    assert "lead" in error.message
    await refused(team_room.lead, on_site_frame(9999), ErrorCode.NOT_FOUND, field="inspector_id")
    error = await refused(team_room.lead, on_site_frame(hmic, first_day="2026-12-18", last_day="2026-12-14"),
                          ErrorCode.INVALID, field="last_day")
    assert "Mon 14 Dec 2026" in error.message
    ack = await accepted(team_room.lead, on_site_frame(hmic))
    events = await team_room.everyone_sees(ack.seq)
    assert [e.kind for e in events] == ["on-site.set"]  # nothing refused reached the log
