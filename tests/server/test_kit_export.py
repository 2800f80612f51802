"""``triangulate kit export``: the minutes of a day's meeting as Markdown, from a database the server wrote.

The database is prepared through a real server (on a clock the test sets, so times in the minutes are exact)
and real clients; the command runs through click's CliRunner exactly as an inspector would type it. Errors
must say what is wrong, exit non-zero and never show a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from server.network.team_server import ServerConfig, TeamServer
from shared.cli import main
from tests.server.conftest import Team, WireClient, accepted, make_team, meeting_command, meeting_frame, post_frame


class Clock:
    """The server's clock, set by the test before each command."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def at(self, day: int, hour: int, minute: int) -> None:
        self.now = datetime(2026, 11, day, hour, minute, tzinfo=UTC)  # November: London is on UTC


EXPECTED_KIT = """\
# Keeping-in-touch meeting, Wednesday 18 November 2026

Northmoor · opened 18 Nov 2026 16:30 · closed 18 Nov 2026 17:00

## Findings since the last meeting

1. Local authority — Strength: Managers know their cases.
2. Health — Weakness: No GP input to child protection conferences.
   - **Local authority's response:** Health leads will raise it with every GP practice.
     - version 1 (18 Nov 2026 16:35): Health leads will raise it with GP practices.
     - amended 19 Nov 2026 08:15 — Wording agreed with the DCS.
   - **Action:** Send the GP attendance audit. — owner: Designated nurse; due 2026-11-20

## Other business

3. Any other business

## General

- **Note:** Next KIT on Thursday at 16:30.

## Actions

| action | owner | due |
| --- | --- | --- |
| Send the GP attendance audit. | Designated nurse | 2026-11-20 |
"""

EXPECTED_TEAM = """\
# Team triangulation meeting, Wednesday 18 November 2026

Northmoor · opened 18 Nov 2026 17:30 · open — draft minutes

## Findings since the last meeting

1. Local authority — Strength: Managers know their cases.
2. Health — Weakness: No GP input to child protection conferences.
   - **Note:** CQC to test GP attendance in the next six cases.
"""


@pytest.fixture
async def prepared(team: Team, db_url: str) -> Team:
    """A closed KIT (with an amendment made the next day) and an open team meeting on 18 November 2026."""
    clock = Clock()
    async with TeamServer(ServerConfig(db_url=db_url, port=0), clock=clock) as server:
        lead = await WireClient.join(server.url, team.lead.token)
        cqc = await WireClient.join(server.url, team.cqc.token)
        try:
            clock.at(18, 9, 0)
            text = "No GP input to child protection conferences."
            await accepted(cqc, post_frame(agency="health", kind="weakness", text=text))
            clock.at(18, 9, 5)
            await accepted(
                lead, post_frame(agency="local-authority", kind="strength", text="Managers know their cases.")
            )

            clock.at(18, 16, 30)
            kit = meeting_frame("kit", "2026-11-18")
            kit_id = str(kit["id"])
            await accepted(lead, kit)
            clock.at(18, 16, 35)
            response = meeting_command(
                "meeting.record",
                kit_id,
                item_id=f"{kit_id}.2",
                entry="la-response",
                text="Health leads will raise it with GP practices.",
            )
            await accepted(lead, response)
            clock.at(18, 16, 40)
            await accepted(
                lead,
                meeting_command(
                    "meeting.record",
                    kit_id,
                    item_id=f"{kit_id}.2",
                    entry="action",
                    text="Send the GP attendance audit.",
                    owner="Designated nurse",
                    due="2026-11-20",
                ),
            )
            clock.at(18, 16, 45)
            await accepted(lead, meeting_command("agenda.add", kit_id, title="Any other business"))
            clock.at(18, 16, 50)
            general = meeting_command("meeting.record", kit_id, entry="note", text="Next KIT on Thursday at 16:30.")
            await accepted(lead, general)
            clock.at(18, 17, 0)
            await accepted(lead, meeting_command("meeting.close", kit_id))

            clock.at(18, 17, 30)
            huddle = meeting_frame("team", "2026-11-18")
            await accepted(lead, huddle)
            clock.at(18, 17, 35)
            text = "CQC to test GP attendance in the next six cases."
            fields = {"item_id": f"{huddle['id']}.2", "entry": "note", "text": text}
            await accepted(lead, meeting_command("meeting.record", str(huddle["id"]), **fields))

            clock.at(19, 8, 15)
            amend = meeting_command(
                "meeting.amend",
                kit_id,
                entry_id=response["id"],
                text="Health leads will raise it with every GP practice.",
                reason="Wording agreed with the DCS.",
            )
            await accepted(lead, amend)
        finally:
            await lead.close()
            await cqc.close()
    return team


@pytest.fixture
def export(db_url: str) -> Callable[..., Result]:
    """Run ``triangulate kit export`` with these arguments against the test's database."""

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, ["kit", "export", *args, "--db", db_url])

    return run


def assert_clean_failure(result: Result, message: str) -> None:
    """Non-zero exit, the message on stderr, no traceback anywhere."""
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


async def test_prints_the_days_kit_minutes_as_markdown(prepared: Team, export: Callable[..., Result]) -> None:
    result = export("--inspection", str(prepared.inspection.id), "--date", "2026-11-18")

    assert result.exit_code == 0, result.output
    assert result.stdout == EXPECTED_KIT


async def test_exports_the_team_meeting_as_draft_while_it_is_open(
    prepared: Team, export: Callable[..., Result]
) -> None:
    result = export("--inspection", str(prepared.inspection.id), "--date", "2026-11-18", "--kind", "team")

    assert result.exit_code == 0, result.output
    assert result.stdout == EXPECTED_TEAM


async def test_out_writes_the_file_and_nothing_to_stdout(
    prepared: Team, export: Callable[..., Result], tmp_path: Path
) -> None:
    target = tmp_path / "kit-2026-11-18.md"

    result = export("--inspection", str(prepared.inspection.id), "--date", "2026-11-18", "--out", str(target))

    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == EXPECTED_KIT
    assert result.stdout == ""
    assert str(target) in result.stderr


async def test_an_out_file_that_cannot_be_written_is_a_clear_error(
    prepared: Team, export: Callable[..., Result], tmp_path: Path
) -> None:
    out = tmp_path / "no-such-folder" / "kit.md"
    result = export("--inspection", str(prepared.inspection.id), "--date", "2026-11-18", "--out", str(out))
    assert_clean_failure(result, f"cannot write {out}: No such file or directory")


async def test_every_meeting_of_the_day_is_exported_oldest_first(
    team: Team, db_url: str, export: Callable[..., Result]
) -> None:
    async with TeamServer(ServerConfig(db_url=db_url, port=0)) as server:
        lead = await WireClient.join(server.url, team.lead.token)
        try:
            for text in ("Morning KIT.", "Afternoon KIT."):
                meeting = meeting_frame("kit", "2026-11-20")
                await accepted(lead, meeting)
                await accepted(lead, meeting_command("meeting.record", str(meeting["id"]), entry="note", text=text))
                await accepted(lead, meeting_command("meeting.close", str(meeting["id"])))
        finally:
            await lead.close()

    result = export("--inspection", str(team.inspection.id), "--date", "2026-11-20")

    assert result.exit_code == 0, result.output
    assert result.stdout.count("# Keeping-in-touch meeting, Friday 20 November 2026") == 2
    assert result.stdout.index("Morning KIT.") < result.stdout.index("Afternoon KIT.")


async def test_an_unknown_inspection_is_a_clear_error(prepared: Team, export: Callable[..., Result]) -> None:
    result = export("--inspection", "999999", "--date", "2026-11-18")

    assert_clean_failure(result, "--inspection")
    assert "999999" in result.stderr


async def test_no_meeting_that_day_is_a_clear_error(prepared: Team, export: Callable[..., Result]) -> None:
    result = export("--inspection", str(prepared.inspection.id), "--date", "2026-11-19")

    assert_clean_failure(result, "no keeping-in-touch meeting on 2026-11-19")
    assert result.exit_code == 1


async def test_another_inspections_meetings_are_not_exported(
    prepared: Team, db_url: str, export: Callable[..., Result]
) -> None:
    other = make_team(db_url, name="Southdale")

    result = export("--inspection", str(other.inspection.id), "--date", "2026-11-18")

    assert_clean_failure(result, "no keeping-in-touch meeting on 2026-11-18")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--inspection", "1", "--date", "18/11/2026"], "--date"),
        (["--inspection", "1"], "--date"),
        (["--date", "2026-11-18"], "--inspection"),
        (["--inspection", "1", "--date", "2026-11-18", "--kind", "board"], "--kind"),
    ],
)
def test_bad_arguments_are_usage_errors(export: Callable[..., Result], args: list[str], message: str) -> None:
    result = export(*args)

    assert result.exit_code == 2
    assert_clean_failure(result, message)
