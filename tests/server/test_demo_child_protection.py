"""``triangulate demo --framework child-protection``: the demo inspection under the 2012 framework (CP ¶14–15, ¶20,
¶24, ¶25, ¶44).

An Ofsted team only; every seeded finding, grade, link and enquiry fits the framework (its judgement areas, its
criteria, its scale), so the server takes them through the ordinary handlers; the simulated team draws only on
what fits; and the report of the seeded record is the framework's single report. The integrated demo is unchanged.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlmodel import Session, select

from server.demo.child_protection import CHILD_PROTECTION, TEAM_CP
from server.demo.live_demo import DemoMember, DemoTeam, Simulator, seed
from server.demo.northmoor import CHILD_ID_PATTERN, NORTHMOOR
from server.storage import database
from server.storage.tables import EventRow
from shared.alerts import Deadlines
from shared.cli import main
from shared.criteria import GRADE_SCALES, criterion_refusal
from shared.grades import NARRATIVE_ONLY, judgement_refusal
from shared.protocol import Inspection, Inspector
from shared.vocabulary import Agency, Framework, Inspectorate, JudgementArea, Role, judgement_areas_for

CP = Framework.CHILD_PROTECTION
TODAY, NOW = date(2026, 11, 19), datetime(2026, 11, 19, 15, 0, tzinfo=UTC)


def test_cp14_15_an_ofsted_team_the_lead_first() -> None:
    assert TEAM_CP[0].role is Role.LEAD
    assert {spec.inspectorate for spec in TEAM_CP} == {Inspectorate.OFSTED}
    assert sum(spec.role is Role.INSPECTOR for spec in TEAM_CP) == 5  # three on day two, two on day three
    assert any(spec.role is Role.QA_MANAGER for spec in TEAM_CP)


def test_cp20_cp24_every_seeded_finding_fits_the_framework() -> None:
    authors = {spec.key for spec in TEAM_CP}
    for _, seeded in CHILD_PROTECTION.findings:
        fields = seeded.fields
        assert seeded.author in authors
        assert fields.agency not in NARRATIVE_ONLY
        assert fields.judgement_area is None or fields.judgement_area in judgement_areas_for(fields.agency, CP)
        assert fields.criterion is None or criterion_refusal(
            fields.criterion, fields.agency, fields.judgement_area, CP) is None
    cited = {seeded.fields.criterion for _, seeded in CHILD_PROTECTION.findings}
    assert {"CP24c", "CP20f"} <= cited
    areas = {seeded.fields.judgement_area for _, seeded in CHILD_PROTECTION.findings}
    assert JudgementArea.QUALITY_OF_PRACTICE in areas and JudgementArea.LOOKED_AFTER not in areas
    for pooled in CHILD_PROTECTION.pool:
        assert pooled.fields.judgement_area is None or pooled.fields.judgement_area in judgement_areas_for(
            pooled.fields.agency, CP)
    assert {alert.agency for alert in CHILD_PROTECTION.alert_pool} == {Agency.LOCAL_AUTHORITY}


def test_cp24_cp25_the_emerging_grades_are_the_frameworks() -> None:
    assert CHILD_PROTECTION.grades
    for grade in CHILD_PROTECTION.grades:
        assert judgement_refusal(grade.agency, grade.judgement, CP) is None
        assert grade.grade in GRADE_SCALES[CP]
    assert {g.judgement for g in CHILD_PROTECTION.grades} >= {"quality-of-practice"}


def test_the_seed_goes_through_the_handlers_and_the_report_is_cp44s(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    engine = database.connect(url, create=True)
    try:
        team = seed(engine, TODAY, now=NOW, framework=CP)
        with Session(engine) as session:
            events = session.exec(select(EventRow)).all()
    finally:
        engine.dispose()
    assert team.inspection.framework is CP
    assert [m.inspector.name for m in team.members] == [spec.name for spec in TEAM_CP]
    kinds = [e.kind for e in events]
    assert kinds.count("finding.posted") == len(CHILD_PROTECTION.findings)
    assert {"grade.proposed", "finding.linked", "enquiry.opened", "meeting.closed", "sample.drawn"} <= set(kinds)

    result = CliRunner().invoke(main, ["report", "--inspection", str(team.inspection.id), "--db", url])
    assert result.exit_code == 0, result.output
    headings = [h for h in re.findall(r"^## (.+)$", result.stdout, re.M) if not h.startswith("Appendix")]
    assert headings[:4] == ["Overall effectiveness", "Areas for improvement", "About this inspection",
                            "Service information"]
    assert headings[-1] == "Leadership and governance" and "Agency report" not in result.stdout
    assert "| Local authority | The quality of practice | Adequate | proposed, not yet agreed |" in result.stdout


def test_cp32_the_alerts_in_progress_are_the_local_authoritys_raised_by_the_ofsted_team() -> None:
    """The CP demo's headline: an emerging concern and an escalation about the local authority, the only agency
    this framework inspects, raised by its inspectors and seen by teammates; the lead has acknowledged the
    escalation and must now inform the senior manager (CP ¶32)."""
    inspectors = {spec.key for spec in TEAM_CP if spec.role is Role.INSPECTOR}
    concern, harm = CHILD_PROTECTION.alerts
    assert concern.immediate_action is None and harm.immediate_action and harm.acknowledged
    for alert in CHILD_PROTECTION.alerts:
        assert alert.agency is Agency.LOCAL_AUTHORITY and alert.author in inspectors
        assert alert.seen_by and set(alert.seen_by) <= inspectors - {alert.author}
    assert harm.child_id and re.fullmatch(CHILD_ID_PATTERN, harm.child_id)
    assert Deadlines().inform - timedelta(minutes=harm.minutes_ago) > timedelta(minutes=30), "time left to inform"


def test_the_simulated_team_draws_on_its_frameworks_pools() -> None:
    def team(framework: Framework) -> DemoTeam:
        members = [DemoMember(Inspector(id=i, name=s.name, inspectorate=s.inspectorate, role=s.role), f"t{i}")
                   for i, s in enumerate(TEAM_CP, start=1)]
        return DemoTeam(Inspection(id=1, name="x", framework=framework), members)

    assert Simulator("ws://x", team(CP), interval=1, rng=random.Random(1)).content is CHILD_PROTECTION
    assert Simulator("ws://x", team(Framework.INTEGRATED), interval=1, rng=random.Random(1)).content is NORTHMOOR

