"""``triangulate report``: the published report from a database the server wrote, in Markdown and HTML.

A fixture inspection is built through a real server and real clients, exactly as a team would: findings about
several agencies (one with a child's case reference), links across inspectorates, grades proposed and agreed,
fieldwork dates set, one finding withdrawn. The command then runs through click's CliRunner as an inspector
would type it, and the files it writes are checked for sections, grades and citations, and for what must never
be there: an access token, an inspector's name, a withdrawn finding, another inspection's evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from server.network.team_server import ServerConfig, TeamServer
from shared.cli import main
from shared.fieldwork import SetFieldwork
from shared.findings import WithdrawFinding
from shared.reporting_clock import reporting_clock, short_day
from tests.server.conftest import Team, WireClient, accepted, grade_command, link_frame, make_team, new_id, posted

WITHDRAWN_TEXT = "Every case is audited monthly by a manager (the audit turned out not to exist)."
OTHER_INSPECTION_TEXT = "Southdale's front door is slow."
LAST_DAY = date(2026, 11, 27)


@dataclass(frozen=True)
class Prepared:
    team: Team
    ids: dict[str, str]
    """Finding ids by a name the test uses."""


@pytest.fixture
async def prepared(team: Team, db_url: str) -> Prepared:
    async with TeamServer(ServerConfig(db_url=db_url, port=0)) as server:
        lead = await WireClient.join(server.url, team.lead.token)
        cqc = await WireClient.join(server.url, team.cqc.token)
        hmic = await WireClient.join(server.url, team.hmic.token)
        try:
            ids = {
                "la-weak": await posted(
                    lead, agency="local-authority", judgement_area="help-and-protection", criterion=None,
                    kind="weakness", text="Strategy discussions go ahead without health.", child_id="NM-10234",
                ),
                "la-strong": await posted(
                    lead, agency="local-authority", judgement_area="leadership", criterion=None, kind="strength",
                    text="Managers know their cases well.", child_id=None,
                ),
                "gone": await posted(
                    lead, agency="local-authority", judgement_area="leadership", criterion=None, kind="strength",
                    text=WITHDRAWN_TEXT, child_id=None,
                ),
                "h-weak": await posted(
                    cqc, agency="health", judgement_area="help-and-protection", criterion="I68c", kind="weakness",
                    text="No record of the health visitor being invited.", child_id="NM-10234",
                ),
                "p-strong": await posted(
                    hmic, agency="police", judgement_area="help-and-protection", criterion="I80a", kind="strength",
                    text="Officers attend every strategy discussion.", child_id="NM-10234",
                ),
                "p-afi": await posted(
                    hmic, agency="police", judgement_area=None, criterion=None, kind="area-for-improvement",
                    text="Referrals reach the MASH a day late.", child_id=None,
                ),
                "h-obs": await posted(
                    cqc, agency="health", judgement_area=None, criterion=None, kind="strength",
                    evidence_source="observation", text="Referrals from A&E arrive the same day.", child_id=None,
                ),
                "yot-good": await posted(
                    lead, agency="yot", judgement_area=None, criterion=None, kind="good-practice",
                    text="Case managers visit children in custody weekly.", child_id=None,
                ),
                "lscb-afi": await posted(
                    cqc, agency="lscb", judgement_area="lscb-effectiveness", criterion="I115c",
                    kind="area-for-improvement", text="The board's audits do not reach health.", child_id=None,
                ),
            }
            await accepted(cqc, link_frame(ids["h-weak"], ids["la-weak"], "corroborates"))
            await accepted(hmic, link_frame(ids["p-strong"], ids["gone"], "corroborates"))
            await accepted(cqc, link_frame(ids["h-obs"], ids["p-afi"], "contradicts"))

            await accepted(lead, grade_command("grade.propose", "local-authority", "overall", "good",
                                               "Leaders know their services.", [ids["la-strong"], ids["gone"]]))
            await accepted(lead, grade_command("grade.agree", "local-authority", "overall", "good",
                                               "Leaders know their services.", [ids["la-strong"], ids["gone"]]))
            await accepted(cqc, grade_command("grade.propose", "health", "help-and-protection", "requires-improvement",
                                              "Health is not invited to strategy discussions.", [ids["h-weak"]]))
            await accepted(hmic, grade_command("grade.propose", "police", "leadership", "good", "First view.", []))
            await accepted(lead, grade_command("grade.agree", "police", "leadership", "requires-improvement",
                                               "Referrals are late and leaders have not noticed.", [ids["p-afi"]]))
            await accepted(cqc, grade_command("grade.propose", "lscb", "lscb-effectiveness", "requires-improvement",
                                              "Audits leave health out.", [ids["lscb-afi"]]))
            await accepted(lead, SetFieldwork(id=new_id("fw"), start_date="2026-11-16", end_date=LAST_DAY))
            await accepted(lead, WithdrawFinding(id=new_id("wd"), finding_id=ids["gone"],
                                                 reason="The audit it describes does not exist."))
        finally:
            for client in (lead, cqc, hmic):
                await client.close()
    return Prepared(team, ids)


@pytest.fixture
def run_report(db_url: str) -> Callable[..., Result]:
    def run(*args: str) -> Result:
        return CliRunner().invoke(main, ["report", *args, "--db", db_url])

    return run


def _written(run_report: Callable[..., Result], prepared: Prepared, fmt: str, tmp_path: Path) -> str:
    target = tmp_path / f"report.{fmt}"
    result = run_report("--inspection", str(prepared.team.inspection.id), "--format", fmt, "--out", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert str(target) in result.stderr
    return target.read_text(encoding="utf-8")


def _assert_nothing_leaks(text: str, prepared: Prepared) -> None:
    for member in prepared.team.members:
        assert member.token not in text
        assert member.inspector.name not in text
        assert member.inspector.name.split(" (")[0] not in text  # "Asha Patel", without the test's suffix
    assert WITHDRAWN_TEXT not in text
    assert prepared.ids["gone"] not in re.findall(r"[\w.:-]+", text)
    assert "The audit it describes does not exist." not in text


async def test_markdown_report_has_sections_grades_citations_and_nothing_it_must_not(
    prepared: Prepared, run_report: Callable[..., Result], tmp_path: Path
) -> None:
    text = _written(run_report, prepared, "md", tmp_path)
    ids = prepared.ids

    assert text.startswith("# Northmoor: inspection report\n")
    assert re.findall(r"^## (.+)$", text, flags=re.MULTILINE) == [
        "Summary report",
        "Agency report: Local authority (Ofsted)",
        "Agency report: Health (CQC)",
        "Agency report: Police (HMIC)",
        "Agency report: Probation (HMI Probation)",
        "Agency report: Youth offending team (HMI Probation)",
        "Agency report: Custody (HMI Prisons)",
        "Joint report: the Local Safeguarding Children Board",
        "Appendix A: Evidence",
        "Appendix B: Reporting clock",
        "Appendix C: Method",
    ]
    for row in (
        "| Local authority | Overall effectiveness | Good | agreed |",
        "| Health | Children who need help and protection | Requires improvement | proposed, not yet agreed |",
        "| Police | Leadership, management and governance | Requires improvement | agreed |",
        "| Youth offending team | Narrative of strengths and weaknesses | — | narrative only |",
        "| LSCB | Effectiveness of the LSCB | Requires improvement | proposed, not yet agreed |",
    ):
        assert row in text
    # a statement cites its finding; the grade keeps its live citation and loses the withdrawn one
    detail = "*(case NM-10234 · \\[I ¶68c\\] · corroborated)*"
    assert f"No record of the health visitor being invited. {detail} [`{ids['h-weak']}`]" in text
    assert f"**Overall effectiveness: Good (agreed):** Leaders know their services. [`{ids['la-strong']}`]\n" in text
    # key findings from all agencies (I ¶108), each with its corroboration, and how agencies work together
    assert "### Key findings from all agencies: weaknesses and areas for improvement" in text
    assert (
        "**Local authority — Weakness:** Strategy discussions go ahead without health. "
        f"*(case NM-10234 · corroborated by Health (CQC))* [`{ids['la-weak']}`, `{ids['h-weak']}`]"
    ) in text
    for key_finding in (
        "**Police — Area for improvement:** Referrals reach the MASH a day late. *(contested by Health (CQC))*",
        "**Youth offending team — Good practice:** Case managers visit children in custody weekly. *(single source)*",
    ):
        assert key_finding in text
    assert "**Local authority (Ofsted) and Health (CQC) agree:** Strategy discussions go ahead without health." in text
    assert "**Health (CQC) and Police (HMIC) disagree:** Referrals from A&E arrive the same day." in text
    assert "**Case NM-10234:** Findings about Local authority, Health and Police" in text
    # every cited id has its row in the evidence appendix, and only cited ids do
    cited = set(re.findall(r"`([^`]+)`", text))
    appendix = set(re.findall(r"^\| (f-\d+) \|", text, flags=re.MULTILINE))
    assert cited == appendix == {ids[name] for name in ids if name != "gone"}
    # the police strength's only corroboration was the withdrawn finding, so it is single source again
    for row in (
        f"| {ids['h-weak']} | Health | CQC | Weakness | Case file | I68c \\[I ¶68c\\] | NM-10234 | Corroborated |",
        f"| {ids['p-strong']} | Police | HMIC | Strength | Case file | I80a \\[I ¶80a\\] | NM-10234 | Single source |",
    ):
        assert row in text
    for milestone in reporting_clock(LAST_DAY):
        assert f"| {milestone.label} | {milestone.working_days} | {short_day(milestone.due)} |" in text
    _assert_nothing_leaks(text, prepared)


async def test_html_report_is_print_ready_with_linked_citations_and_nothing_it_must_not(
    prepared: Prepared, run_report: Callable[..., Result], tmp_path: Path
) -> None:
    page = _written(run_report, prepared, "html", tmp_path)
    ids = prepared.ids

    assert page.startswith("<!DOCTYPE html>")
    assert "@page { size: A4;" in page
    assert re.findall(r'<section id="([^"]+)"', page) == [
        "summary",
        "agency-local-authority",
        "agency-health",
        "agency-police",
        "agency-probation",
        "agency-yot",
        "agency-custody",
        "lscb",
        "appendix-evidence",
        "appendix-clock",
        "appendix-method",
    ]
    assert "<td>Health</td><td>Children who need help and protection</td><td>Requires improvement</td>" in page
    targets = set(re.findall(r'href="#ev-([^"]+)"', page))
    rows = set(re.findall(r'<tr id="ev-([^"]+)"', page))
    assert targets == rows == {ids[name] for name in ids if name != "gone"}
    assert "Referrals from A&amp;E arrive the same day." in page
    summary = page[page.index('<section id="summary"'):page.index('<section id="agency-local-authority"')]
    assert "<h3>Key findings from all agencies: strengths and good practice</h3>" in summary
    assert "Case managers visit children in custody weekly. <span class=\"detail\">(single source)</span>" in summary
    assert '<span class="detail">(case NM-10234 · corroborated by Health (CQC))</span>' in summary
    assert f"<td>{short_day(reporting_clock(LAST_DAY)[0].due)}</td>" in page
    _assert_nothing_leaks(page, prepared)


async def test_stdout_without_out_and_only_this_inspections_evidence(
    prepared: Prepared, db_url: str, run_report: Callable[..., Result]
) -> None:
    other = make_team(db_url, name="Southdale")
    async with TeamServer(ServerConfig(db_url=db_url, port=0)) as server:
        lead = await WireClient.join(server.url, other.lead.token)
        try:
            await posted(lead, criterion=None, text=OTHER_INSPECTION_TEXT)
        finally:
            await lead.close()

    result = run_report("--inspection", str(prepared.team.inspection.id))

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Northmoor: inspection report\n")
    assert OTHER_INSPECTION_TEXT not in result.stdout
    assert "Strategy discussions go ahead without health." in result.stdout


async def test_an_inspection_without_a_last_day_says_the_clock_has_not_started(
    team: Team, run_report: Callable[..., Result]
) -> None:
    result = run_report("--inspection", str(team.inspection.id), "--format", "html")

    assert result.exit_code == 0, result.output
    assert "Last day of fieldwork not set" in result.stdout
    assert "No findings are cited." in result.stdout


def test_an_unknown_inspection_is_a_clear_error(team: Team, run_report: Callable[..., Result]) -> None:
    result = run_report("--inspection", "999999")

    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert "--inspection" in result.stderr and "999999" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_an_unknown_format_is_a_usage_error(team: Team, run_report: Callable[..., Result]) -> None:
    result = run_report("--inspection", str(team.inspection.id), "--format", "pdf")

    assert result.exit_code == 2
    assert "--format" in result.stderr
