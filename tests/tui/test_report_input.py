"""The app's report input gives the same document as ``triangulate report`` for the same events.

A fixture inspection is made through a real server by three inspectors on the wire (findings about several
agencies, one amended; links across inspectorates, one removed, one contradicting; grades proposed and agreed,
one citing a finding later withdrawn; the last day of fieldwork set). A real TeamClient follows it live and its
messages are folded into a TeamState as the app does. The server side is the function the CLI runs,
``server.cli.report_reader.render_report``, on the same database with the same ``generated_at``. Our own unsent edits
must change nothing: the preview shows what the team has recorded, not what one laptop is still sending.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from server.cli.report_reader import render_report
from server.network.team_server import ServerConfig, TeamServer
from server.storage import database
from shared.fieldwork import SetFieldwork
from shared.findings import AmendFinding, WithdrawFinding
from shared.report import build_report
from shared.report_markdown import render_markdown
from shared.triangulation import UnlinkFindings
from shared.vocabulary import Agency, EvidenceSource, FindingKind
from tests.server.conftest import (
    Team,
    WireClient,
    accepted,
    amend_frame,
    grade_command,
    link_frame,
    make_team,
    new_id,
    posted,
)
from tui import messages as m
from tui.client import TeamClient
from tui.report.input import report_input
from tui.state import TeamState
from tui.store import LocalStore

GENERATED_AT = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
WITHDRAWN_TEXT = "Every case is audited monthly by a manager."
TIMEOUT = 15.0
"""Only so a broken client fails the test instead of hanging it."""


async def _record(team: Team, url: str) -> tuple[dict[str, str], int]:
    """The team's fortnight, in brief; returns the finding ids by name and the last event's seq."""
    lead, cqc, hmic = [await WireClient.join(url, member.token) for member in team.members]
    try:
        ids = {
            "la-weak": await posted(lead, agency="local-authority", kind="weakness", child_id="NM-10234",
                                      text="Strategy discussions go ahead without health."),
            "la-strong": await posted(lead, agency="local-authority", judgement_area="leadership",
                                        kind="strength", child_id=None, text="Managers know their cases."),
            "gone": await posted(lead, agency="local-authority", judgement_area="leadership", kind="strength",
                                   child_id=None, text=WITHDRAWN_TEXT),
            "h-weak": await posted(cqc, agency="health", criterion="I68c", kind="weakness", child_id="NM-10234",
                                     text="No record of the health visitor being invited."),
            "p-strong": await posted(hmic, agency="police", criterion="I80a", kind="strength",
                                       child_id="NM-10234", text="Officers attend every strategy discussion."),
            "p-afi": await posted(hmic, agency="police", judgement_area=None, kind="area-for-improvement",
                                    child_id=None, text="Referrals reach the MASH a day late."),
            "h-obs": await posted(cqc, agency="health", judgement_area=None, kind="strength", child_id=None,
                                    evidence_source="observation", text="A&E referrals arrive the same day."),
            "yot": await posted(lead, agency="yot", judgement_area=None, kind="good-practice", child_id=None,
                                  text="Case managers visit children in custody weekly."),
        }
        await accepted(lead, amend_frame(ids["la-strong"], judgement_area="leadership", child_id=None,
                                         text="Managers know their cases well, and audit them."))
        await accepted(cqc, link_frame(ids["h-weak"], ids["la-weak"], "corroborates"))
        await accepted(hmic, link_frame(ids["p-strong"], ids["gone"], "corroborates"))
        await accepted(cqc, link_frame(ids["h-obs"], ids["p-afi"], "contradicts"))
        mistaken = link_frame(ids["yot"], ids["p-afi"], "corroborates")
        await accepted(lead, mistaken)
        await accepted(lead, UnlinkFindings(id=new_id("unlink"), link_id=mistaken["id"]))
        await accepted(lead, grade_command("grade.propose", "local-authority", "overall", "good",
                                           "Leaders know their services.", [ids["la-strong"], ids["gone"]]))
        await accepted(lead, grade_command("grade.agree", "local-authority", "overall", "good",
                                           "Leaders know their services.", [ids["la-strong"], ids["gone"]]))
        await accepted(cqc, grade_command("grade.propose", "health", "help-and-protection", "requires-improvement",
                                          "Health is not invited to strategy discussions.", [ids["h-weak"]]))
        await accepted(lead, SetFieldwork(id=new_id("fw"), start_date="2026-11-16", end_date="2026-11-27"))
        last = await accepted(lead, WithdrawFinding(id=new_id("wd"), finding_id=ids["gone"],
                                                    reason="The audit it describes does not exist."))
    finally:
        for client in (lead, cqc, hmic):
            await client.close()
    assert last.seq is not None
    return ids, last.seq


async def _follow(client: TeamClient, state: TeamState) -> None:
    """Fold the client's messages into ``state`` as the app does, until the client is closed."""
    async for message in client.messages():
        match message:
            case m.Connected(welcome=welcome):
                state.welcome(welcome)
            case m.EventReceived(event=event):
                state.apply(event)


async def _caught_up(state: TeamState, head: int) -> None:
    while state.head < head:
        await asyncio.sleep(0.02)


async def test_the_preview_input_gives_the_cli_report_and_ignores_unsent_edits(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    team = make_team(db_url)
    async with TeamServer(ServerConfig(db_url=db_url, port=0)) as server:
        state = TeamState()
        client = TeamClient(server.url, team.cqc.token, LocalStore(tmp_path / "cqc.sqlite3"), proxy=None)
        # The app follows along live from before the first finding (its welcome has no last day of fieldwork).
        follower = asyncio.create_task(_follow(client, state))
        ids, head = await _record(team, server.url)
        await asyncio.wait_for(_caught_up(state, head), TIMEOUT)
        await client.close()
        await follower

    engine = database.connect(db_url)
    try:
        with Session(engine) as session:
            cli = render_report(session, inspection_id=team.inspection.id, fmt="md", generated_at=GENERATED_AT)
    finally:
        engine.dispose()

    data = report_input(state, GENERATED_AT)
    assert {f.id for f in data.findings if f.withdrawn} == {ids["gone"]}, "the withdrawn finding is marked"
    preview = render_markdown(build_report(data))
    assert preview == cli
    assert "audit them" in preview and "27 November 2026" in preview
    assert WITHDRAWN_TEXT not in preview and ids["gone"] not in preview

    # Our own edits still on their way change nothing until the server records them.
    state.add_pending(AmendFinding(id="unsent-amend", finding_id=ids["h-obs"], agency=Agency.HEALTH,
                                   kind=FindingKind.WEAKNESS, evidence_source=EvidenceSource.OBSERVATION,
                                   text="Not yet sent."))
    state.add_pending(WithdrawFinding(id="unsent-withdraw", finding_id=ids["yot"], reason="Not yet sent."))
    assert state.findings[ids["h-obs"]].fields.text == "Not yet sent.", "the board shows our edit at once"
    assert render_markdown(build_report(report_input(state, GENERATED_AT))) == cli
