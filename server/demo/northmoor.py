"""Seed content for the demo: one fictional inspection of a fictional council, written as inspectors write.

Everything here is invented. Children appear only as child unique IDs (``NM-`` + five digits, as in the
LA's Annex A list) and adults only by relationship ("mother", "the offender"), because inspection records
never name the people in them [CP ¶51]. Several children recur across agencies so the demo shows what the
product is for: one child's case seen from the LA, health, police and probation side by side.
Criteria are catalogue ids (shared/criteria.json) that fit each finding's agency and judgement area
(``I68r`` = integrated ¶68r, health × help and protection); the server refuses any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.criteria import Grade
from shared.findings import FindingFields
from shared.meetings import EntryKind
from shared.triangulation import Relation
from shared.vocabulary import (
    Agency,
    EvidenceSource,
    FindingKind,
    Framework,
    Inspectorate,
    JudgementArea,
    Role,
)

LOCAL_AUTHORITY = "Northmoor Borough Council"
INSPECTION_NAME = "Joint inspection of Northmoor children's services"
FRAMEWORK = Framework.INTEGRATED
TIMEZONE = "Europe/London"
CHILD_ID_PATTERN = r"^NM-\d{5}$"
"""Every child ID in the demo matches this; tests hold the data to it."""

FIELDWORK_START, FIELDWORK_END, FIELDWORK_DAYS = time(8, 30), time(18, 0), 5
"""Working hours of a fieldwork day (local time) and days in the week; seed findings are placed within them."""
WORKING_DAY = datetime.combine(date.min, FIELDWORK_END) - datetime.combine(date.min, FIELDWORK_START)


@dataclass(frozen=True)
class MemberSpec:
    """One fictional team member; ``key`` is how findings name their author."""

    key: str
    name: str
    inspectorate: Inspectorate
    role: Role


TEAM: tuple[MemberSpec, ...] = (
    MemberSpec("lead", "Helen Marsh", Inspectorate.OFSTED, Role.LEAD),
    MemberSpec("ofsted", "Daniel Okafor", Inspectorate.OFSTED, Role.INSPECTOR),
    MemberSpec("cqc", "Priya Raman", Inspectorate.CQC, Role.INSPECTOR),
    MemberSpec("hmic", "Gareth Lloyd", Inspectorate.HMIC, Role.INSPECTOR),
    MemberSpec("probation", "Sian Whitfield", Inspectorate.HMI_PROBATION, Role.INSPECTOR),
    MemberSpec("prisons", "Tom Ashworth", Inspectorate.HMI_PRISONS, Role.INSPECTOR),
    MemberSpec("qa", "Margaret Dunne", Inspectorate.OFSTED, Role.QA_MANAGER),
)
"""Lead first: the demo prints members in this order and the client demo joins as the first."""

AGENCIES_BY_INSPECTORATE: dict[Inspectorate, tuple[Agency, ...]] = {
    Inspectorate.OFSTED: (Agency.LOCAL_AUTHORITY, Agency.LSCB),
    Inspectorate.CQC: (Agency.HEALTH,),
    Inspectorate.HMIC: (Agency.POLICE,),
    Inspectorate.HMI_PROBATION: (Agency.PROBATION, Agency.YOT),
    Inspectorate.HMI_PRISONS: (Agency.CUSTODY,),
}
"""Which agencies each inspectorate records findings about [I ¶22, ¶29]; keeps authorship plausible."""

CHILD_IDS: tuple[str, ...] = (
    "NM-10234", "NM-10412", "NM-10588", "NM-10611", "NM-10795", "NM-10853", "NM-10937",
    "NM-11020", "NM-11146", "NM-11302", "NM-11479", "NM-11520",
)  # fmt: skip


@dataclass(frozen=True)
class SeedFinding:
    """A finding already on the record: who wrote it, when in the week, and what it says."""

    author: str
    day: int
    """Fieldwork day, 0 = Monday."""
    clock: time
    fields: FindingFields


@dataclass(frozen=True)
class PoolFinding:
    """A finding the simulator may post; ``about_child`` asks for a child ID drawn at post time."""

    fields: FindingFields
    about_child: bool = False


def monday_of(today: date) -> date:
    """Fieldwork began on a Monday at least three days ago, so the demo always has a record behind it
    (run just after midnight on a Monday, it is the previous week's Monday, not a day with nothing done)."""
    started = today - timedelta(days=3)
    return started - timedelta(days=started.weekday())


LA, HEALTH, POLICE = Agency.LOCAL_AUTHORITY, Agency.HEALTH, Agency.POLICE
PROBATION, YOT, CUSTODY, LSCB = Agency.PROBATION, Agency.YOT, Agency.CUSTODY, Agency.LSCB
HP, LAC = JudgementArea.HELP_AND_PROTECTION, JudgementArea.LOOKED_AFTER
LEAD_MG, LSCB_EFF = JudgementArea.LEADERSHIP, JudgementArea.LSCB_EFFECTIVENESS
STRENGTH, WEAKNESS, AFI = FindingKind.STRENGTH, FindingKind.WEAKNESS, FindingKind.AREA_FOR_IMPROVEMENT
GOOD, NOTE = FindingKind.GOOD_PRACTICE, FindingKind.NOTE
CASE, OBS, STAFF = EvidenceSource.CASE_FILE, EvidenceSource.OBSERVATION, EvidenceSource.STAFF_DISCUSSION
FAMILY, DATA = EvidenceSource.MEETING_WITH_CHILD_OR_FAMILY, EvidenceSource.DOCUMENT_OR_DATA
MAM = EvidenceSource.MULTI_AGENCY_MEETING


def _fields(
    agency: Agency,
    area: JudgementArea | None,
    criterion: str | None,
    kind: FindingKind,
    source: EvidenceSource,
    text: str,
    child: str | None = None,
) -> FindingFields:
    """Build (and so validate, at import) one finding's fields."""
    return FindingFields(
        agency=agency,
        judgement_area=area,
        criterion=criterion,
        kind=kind,
        evidence_source=source,
        text=text,
        child_id=child,
    )


def _seed(author: str, day: int, clock: str, *args: object, **kwargs: object) -> SeedFinding:
    hours, minutes = (int(part) for part in clock.split(":"))
    return SeedFinding(author, day, time(hours, minutes), _fields(*args, **kwargs))  # type: ignore[arg-type]


FINDINGS: tuple[SeedFinding, ...] = (
    # ---- Monday: the lead arrives, requests Annex A, starts at the front door.
    _seed("lead", 0, "10:40", LA, HP, None, WEAKNESS, DATA,
          "Annex A data received 10:15. 212 contacts awaiting screening beyond 24 hours; 38 of these older "
          "than 5 working days. Line of enquiry: capacity and management oversight at the front door."),
    _seed("lead", 0, "13:20", LA, HP, None, STRENGTH, OBS,
          "Observed MASH morning triage. Police, health and education co-located; decisions on contacts "
          "made within 24 hours and rationale recorded against the threshold document."),
    _seed("lead", 0, "15:05", LA, HP, None, STRENGTH, CASE,
          "Strategy discussion held within 24 hours of referral; police attended and shared intelligence; "
          "outcome clearly recorded and section 47 enquiry started the same day.", "NM-10234"),
    _seed("lead", 0, "17:10", LA, LEAD_MG, None, NOTE, STAFF,
          "KIT meeting with DCS: shared emerging concern about the contact backlog. DCS acknowledged it; "
          "recovery plan with four additional agency social workers starts next week. Revisit Thursday."),
    # ---- Tuesday: second Ofsted inspector, CQC on site; case sampling under way.
    _seed("ofsted", 1, "09:50", LA, HP, None, WEAKNESS, CASE,
          "Child protection plan outcomes not specific or measurable; plan lists services rather than what "
          "must change for the child. Core group last met 9 weeks ago.", "NM-10412"),
    _seed("cqc", 1, "10:30", HEALTH, HP, "I68r", STRENGTH, MAM,
          "Health visitor attended the strategy discussion and initial child protection conference; "
          "contributed growth and development history. Health plan actions linked to the CP plan.",
          "NM-10234"),
    _seed("ofsted", 1, "11:15", LA, HP, None, AFI, CASE,
          "Assessment completed within 45 working days but father's history of domestic abuse not "
          "analysed; risk to the child not explicit. Manager signed off without comment.", "NM-10588"),
    _seed("cqc", 1, "12:45", HEALTH, HP, "I68n", WEAKNESS, CASE,
          "Referrals from the emergency department lack analysis of risk: 4 of 7 sampled describe the "
          "injury but not why it is a safeguarding concern."),
    _seed("ofsted", 1, "14:00", LA, HP, None, GOOD, FAMILY,
          "Met mother with the social worker. Mother described the worker as consistent and honest; direct "
          "work with the child recorded in the child's own words and shaped the plan.", "NM-10611"),
    _seed("cqc", 1, "15:15", HEALTH, LAC, "I69b", WEAKNESS, DATA,
          "Initial health assessments completed within 20 working days for 48% of children entering care "
          "last quarter. Delay mostly in consent paperwork from the LA: test with Ofsted colleagues."),
    _seed("lead", 1, "15:30", LSCB, LSCB_EFF, "I115k", WEAKNESS, DATA,
          "LSCB annual report describes activity but does not evaluate impact; no analysis of why repeat "
          "child protection plans have risen to 22%."),
    _seed("ofsted", 1, "16:20", LA, LAC, None, STRENGTH, CASE,
          "Young person in a stable foster placement for 2 years; pathway plan written with them and "
          "reflects their wish to attend college. Personal adviser visits monthly.", "NM-10795"),
    # ---- Wednesday: HMIC and HMI Probation join.
    _seed("hmic", 2, "09:30", POLICE, HP, "I80h", STRENGTH, CASE,
          "Section 47 joint investigation: ABE interview of the child within 48 hours with the social worker "
          "present; bail conditions shared with children's social care the same day.", "NM-10234"),
    _seed("cqc", 2, "09:40", HEALTH, LAC, "I69f", AFI, STAFF,
          "CAMHS wait for children looked after is 18 weeks with no fast-track pathway. Social workers and "
          "foster carers describe escalating distress while children wait."),
    _seed("probation", 2, "10:00", PROBATION, None, "I84c", WEAKNESS, CASE,
          "Checks with children's social care not made at start of sentence in 3 of 6 cases where the "
          "offender has contact with children."),
    _seed("ofsted", 2, "10:10", LA, LAC, None, WEAKNESS, DATA,
          "14% of children looked after had three or more placements in the last year, above statistical "
          "neighbours. Placement sufficiency strategy still in draft."),
    _seed("hmic", 2, "11:40", POLICE, HP, "I80l", WEAKNESS, CASE,
          "Young person reported missing 6 times in 8 weeks. Return home interviews for 2 episodes only; no "
          "link made to the exploitation risk known to health. Missing coordinator not informed.",
          "NM-10937"),
    _seed("cqc", 2, "11:50", HEALTH, HP, "I68u", GOOD, CASE,
          "School nurse identified indicators of sexual exploitation, referred promptly with a clear risk "
          "analysis and attended the exploitation meeting. Young person now engaging with specialist "
          "service.", "NM-10937"),
    _seed("probation", 2, "13:15", PROBATION, None, "I85b", STRENGTH, CASE,
          "Offender manager alerted children's social care the same day on learning the offender's new "
          "partner has a child; joint home visit completed within the week.", "NM-11302"),
    _seed("ofsted", 2, "13:30", LA, LAC, None, AFI, CASE,
          "Permanence plan of adoption agreed at second review but family finding not started 5 months on. "
          "No IRO escalation recorded.", "NM-10853"),
    _seed("hmic", 2, "14:10", POLICE, HP, "I80k", AFI, DATA,
          "Domestic abuse notifications reach children's social care in batches, up to 5 days after the "
          "incident. Children present at 31% of sampled incidents; risk to the child not assessed."),
    _seed("cqc", 2, "14:20", HEALTH, LEAD_MG, "I70l", STRENGTH, DATA,
          "Level 3 safeguarding training compliance 94% across the acute trust; named nurse audits "
          "supervision quarterly and reports findings to the trust board."),
    _seed("lead", 2, "15:40", LA, LEAD_MG, None, STRENGTH, STAFF,
          "Social workers report manageable caseloads (average 17) and regular reflective supervision. "
          "Supervision records seen in 6 of 8 sampled cases; actions clear and followed up."),
    _seed("ofsted", 2, "16:00", LSCB, LSCB_EFF, "I115j", STRENGTH, DATA,
          "Multi-agency training well attended; 3-month evaluation shows practitioners using the neglect "
          "toolkit. Health and police take-up good."),
    _seed("hmic", 2, "16:30", POLICE, HP, "I80u", STRENGTH, OBS,
          "Custody suite observation: appropriate adult arrived within 2 hours for a 15-year-old; detention "
          "reviewed hourly; the young person was not held overnight."),
    # ---- Thursday: HMI Prisons at the young offender institution; lines of enquiry tested.
    _seed("probation", 3, "09:45", YOT, None, "I92b", STRENGTH, CASE,
          "YOT assessment clearly sets out the young person's vulnerability to criminal exploitation; "
          "referral to children's social care made and chased after 5 days.", "NM-11479"),
    _seed("cqc", 3, "10:00", HEALTH, HP, "I68c", WEAKNESS, CASE,
          "GP not invited to the child protection conference and no GP report on file; mother's mental "
          "health history known to the practice was not shared.", "NM-10412"),
    _seed("hmic", 3, "10:20", POLICE, LEAD_MG, "I81a", WEAKNESS, STAFF,
          "Public protection unit managers unaware of the MASH backlog; no data on timeliness of police "
          "checks reaches senior leaders."),
    _seed("prisons", 3, "10:30", CUSTODY, None, "I106a", STRENGTH, OBS,
          "Care and support plans for young people at risk of self-harm are detailed, written with the young "
          "person, and name a key worker and deputy."),
    _seed("lead", 3, "11:00", LA, LEAD_MG, None, WEAKNESS, DATA,
          "Performance reports to the Lead Member cover timeliness only; no audit findings on quality of "
          "practice. Self-evaluation overstates progress at the front door."),
    _seed("hmic", 3, "13:00", POLICE, HP, "I80j", GOOD, MAM,
          "Observed MARAC: police chair ensured the children in each household were discussed; actions "
          "allocated with owners and timescales; minutes circulated within 24 hours."),
    _seed("lead", 3, "13:30", LSCB, LSCB_EFF, "I115g", AFI, MAM,
          "Observed the missing and exploitation sub-group. Partners share lists of children missing but "
          "there is no analysis of patterns or locations; actions lack owners."),
    _seed("prisons", 3, "14:00", CUSTODY, None, "I107c", WEAKNESS, CASE,
          "Looked-after young person received into custody; home local authority not informed for 9 days "
          "and no statutory review held.", "NM-11520"),
    _seed("probation", 3, "14:30", YOT, None, "I95b", AFI, STAFF,
          "YOT case managers do not routinely attend core groups for young people on child protection "
          "plans; contribution is by email. Managers aware; no action plan."),
    _seed("ofsted", 3, "14:45", LA, HP, None, WEAKNESS, CASE,
          "Privately fostered child: notification received but no statutory visits recorded for 10 weeks. "
          "Raised with the team manager for immediate follow-up.", "NM-11020"),
    _seed("cqc", 3, "15:30", HEALTH, LAC, "I69c", WEAKNESS, FAMILY,
          "Care leaver told us they had not been given their health history before leaving care and did "
          "not know how to register with a GP in their new area.", "NM-10795"),
    _seed("lead", 3, "16:10", LA, HP, None, NOTE, CASE,
          "Significant-harm escalation: unsupervised contact continuing despite the safety plan. Head of "
          "Service informed 15:50; confirmed in writing to DCS 16:05. Strategy discussion set for 09:00.",
          "NM-11146"),
    # ---- Friday: follow-ups, triangulation, QA challenge.
    _seed("prisons", 4, "09:30", CUSTODY, None, "I105e", AFI, DATA,
          "Cell-sharing risk assessments completed on reception but not reviewed: 5 of 12 checked were more "
          "than 4 weeks old."),
    _seed("ofsted", 4, "10:30", LA, HP, None, NOTE, MAM,
          "Follow-up to Thursday's escalation: strategy discussion held 09:00; contact suspended pending "
          "assessment; safety plan agreed with mother. Escalation resolved.", "NM-11146"),
    _seed("probation", 4, "10:45", PROBATION, None, "I90b", NOTE, DATA,
          "NPS/CRC attended 4 of 10 LSCB sub-group meetings in the last year. Line of enquiry for the LSCB "
          "judgement: partner contribution."),
    _seed("lead", 4, "11:20", LSCB, LSCB_EFF, "I115e", GOOD, STAFF,
          "Learning from the last serious case review is embedded: practitioners in every agency could "
          "describe the 'think family' checklist; audit shows better consideration of fathers."),
    _seed("lead", 4, "13:00", LA, HP, None, WEAKNESS, STAFF,
          "Triangulation: delayed police domestic abuse notifications plus the contact backlog mean children "
          "at risk wait around 7 days for screening. Raise at today's KIT."),
    _seed("qa", 4, "14:00", LA, LEAD_MG, None, NOTE, STAFF,
          "QA challenge: help and protection evidence is secure on timeliness but thin on the quality of "
          "plans. Add case evidence on outcomes for children on plans before the final team meeting."),
)  # fmt: skip


POOL: tuple[PoolFinding, ...] = (
    PoolFinding(_fields(LA, HP, None, STRENGTH, CASE,
        "Return home interview offered within 72 hours and completed by an independent worker; information "
        "shared with police and the school."), about_child=True),
    PoolFinding(_fields(LA, HP, None, WEAKNESS, CASE,
        "Child in need plan closed without a review meeting; no evidence the child's views were sought "
        "before closure."), about_child=True),
    PoolFinding(_fields(LA, LAC, None, GOOD, CASE,
        "IRO challenge recorded on file led to a change of care plan within 4 weeks."), about_child=True),
    PoolFinding(_fields(LA, HP, None, STRENGTH, OBS,
        "Duty social worker visited on the day of referral; child seen alone and their account recorded."),
        about_child=True),
    PoolFinding(_fields(LA, HP, None, WEAKNESS, CASE,
        "Chronology 6 months out of date; recent police involvement missing."), about_child=True),
    PoolFinding(_fields(LA, LEAD_MG, None, STRENGTH, CASE,
        "Team manager oversight recorded at each key decision point with clear rationale.")),
    PoolFinding(_fields(LA, LAC, None, STRENGTH, FAMILY,
        "Care leaver in suitable accommodation; personal adviser helped the young person secure an "
        "apprenticeship."), about_child=True),
    PoolFinding(_fields(LA, HP, None, WEAKNESS, FAMILY,
        "Three social workers in 6 months; mother said she had to repeat her story to each one."),
        about_child=True),
    PoolFinding(_fields(LSCB, LSCB_EFF, "I115d", AFI, DATA,
        "Section 11 audit returns received from all statutory partners; challenge sessions held but "
        "actions not tracked to completion.")),
    PoolFinding(_fields(LSCB, LSCB_EFF, "I115c", GOOD, DATA,
        "LSCB chair wrote to the CCG challenging delays in initial health assessments; response received "
        "and monitored at the board.")),
    PoolFinding(_fields(LSCB, LSCB_EFF, "I115h", STRENGTH, DATA,
        "Multi-agency case audit on neglect found weak use of chronologies; learning briefing issued to "
        "all partners.")),
    PoolFinding(_fields(HEALTH, HP, "I68n", STRENGTH, CASE,
        "Midwife referred at 20 weeks with a clear account of the risk from parental substance misuse."),
        about_child=True),
    PoolFinding(_fields(HEALTH, LAC, "I69b", WEAKNESS, CASE,
        "Review health assessment on time but health plan actions not followed up by the looked-after "
        "children's nurse."), about_child=True),
    PoolFinding(_fields(HEALTH, HP, "I68p", STRENGTH, CASE,
        "Out-of-hours paediatric advice available and used appropriately for a child protection medical."),
        about_child=True),
    PoolFinding(_fields(HEALTH, HP, "I68q", WEAKNESS, CASE,
        "Health visitor caseload above recommended level; two of four core contacts missed for the baby "
        "on a child protection plan."), about_child=True),
    PoolFinding(_fields(HEALTH, LEAD_MG, "I70l", STRENGTH, STAFF,
        "Named GP for safeguarding runs quarterly training; GPs spoken to were clear about local "
        "thresholds.")),
    PoolFinding(_fields(HEALTH, HP, "I68k", WEAKNESS, CASE,
        "Adult mental health service did not consider the impact of the parent's illness on the child; "
        "no 'think family' screening recorded."), about_child=True),
    PoolFinding(_fields(POLICE, HP, "I80a", GOOD, CASE,
        "Officer attending the domestic abuse incident spoke to the child separately and recorded the "
        "child's account."), about_child=True),
    PoolFinding(_fields(POLICE, HP, "I80q", STRENGTH, CASE,
        "Registered sex offender risk management plan reviewed on time; visit recorded and information "
        "shared with the school.")),
    PoolFinding(_fields(POLICE, HP, "I80j", WEAKNESS, DATA,
        "No police representation at 2 of 5 initial child protection conferences in the audit period.")),
    PoolFinding(_fields(POLICE, HP, "I80t", WEAKNESS, CASE,
        "Young person held overnight in custody under section 136; no health-based place of safety "
        "available."), about_child=True),
    PoolFinding(_fields(POLICE, LEAD_MG, "I81e", STRENGTH, DATA,
        "Public protection strategy includes child exploitation; performance board reviews missing "
        "episodes monthly.")),
    PoolFinding(_fields(PROBATION, None, "I88c", STRENGTH, MAM,
        "Offender manager attended the core group with a clear update on licence conditions restricting "
        "contact with children."), about_child=True),
    PoolFinding(_fields(PROBATION, None, "I85e", WEAKNESS, CASE,
        "Risk assessment not reviewed after the offender moved in with a partner who has two children.")),
    PoolFinding(_fields(YOT, None, "I93d", GOOD, CASE,
        "YOT worker escalated to the team manager when children's social care had not responded to a "
        "referral within 10 days."), about_child=True),
    PoolFinding(_fields(YOT, None, "I94c", STRENGTH, FAMILY,
        "Home visit completed and the parent's view included in the YOT plan."), about_child=True),
    PoolFinding(_fields(CUSTODY, None, "I105a", STRENGTH, FAMILY,
        "Young people we spoke to said they feel safe on the unit and know how to report bullying.")),
    PoolFinding(_fields(CUSTODY, None, "I104a", WEAKNESS, DATA,
        "Use of force on a 16-year-old not referred to the local authority designated officer."),
        about_child=True),
    PoolFinding(_fields(CUSTODY, None, "I103a", STRENGTH, STAFF,
        "Safeguarding lead attends the LSCB quarterly and reports the establishment's child protection "
        "referrals.")),
    PoolFinding(_fields(CUSTODY, None, "I106h", AFI, STAFF,
        "Night staff not all trained in suicide prevention; refresher programme planned but not dated.")),
)  # fmt: skip


@dataclass(frozen=True)
class PoolAlert:
    """A risk alert the simulator may raise: an emerging concern, or (with ``immediate_action``) an escalation.

    A child ID is drawn at raise time when ``about_child`` (always for an escalation, which must name one).
    """

    agency: Agency
    summary: str
    immediate_action: str | None = None
    about_child: bool = False

    @property
    def harm(self) -> bool:
        return self.immediate_action is not None


ALERT_POOL: tuple[PoolAlert, ...] = (
    PoolAlert(LA, "Contacts waiting more than 5 working days for screening have risen again since Monday; "
              "some concern domestic abuse incidents with children present."),
    PoolAlert(HEALTH, "Two emergency department referrals for infants with bruising were closed without a "
              "child protection medical.", about_child=True),
    PoolAlert(POLICE, "Missing episodes for a young person at risk of exploitation not shared with children's "
              "social care for 4 days.", about_child=True),
    PoolAlert(YOT, "Young person's exploitation risk noted by the YOT but no referral to children's social care "
              "on file.", about_child=True),
    PoolAlert(LA, "Child left at home with a known risk adult after the strategy discussion; the safety plan is "
              "not being followed.", "Convene a strategy discussion today and confirm where the child is "
              "sleeping tonight.", about_child=True),
    PoolAlert(HEALTH, "Health visitor reports an infant on a child protection plan not seen for 6 weeks; family "
              "not answering.", "Locate and see the infant today; police welfare check if not seen by 17:00.",
              about_child=True),
    PoolAlert(CUSTODY, "Young person in custody disclosed self-harm plans; no constant supervision in place on the "
              "unit.", "Put constant supervision in place now and review the care and support plan today.",
              about_child=True),
)  # fmt: skip


@dataclass(frozen=True)
class SeedAlert:
    """A risk alert in progress when a demo of the team at work starts: raised ``minutes_ago`` before it (so an
    escalation's next step is still counting down), then seen by ``seen_by``; an escalation has
    ``immediate_action`` and a child ID, and ``acknowledged`` says the lead has acknowledged it since."""

    author: str
    minutes_ago: int
    agency: Agency
    summary: str
    child_id: str | None = None
    immediate_action: str | None = None
    seen_by: tuple[str, ...] = ()
    acknowledged: bool = False


ALERTS: tuple[SeedAlert, ...] = (
    SeedAlert("hmic", 35, POLICE, "Police checks requested by the MASH are taking up to 4 days; contacts about "
              "domestic abuse with children present are waiting on them.", seen_by=("ofsted", "cqc")),
    SeedAlert("cqc", 8, HEALTH, "Health visitor found the father back in the family home despite the safety plan; "
              "the baby has an unexplained bruise and has not been seen by a paediatrician.", child_id="NM-10588",
              immediate_action="Child protection medical today, and a strategy discussion with police and "
              "children's social care before the end of the day.", seen_by=("ofsted", "hmic"), acknowledged=True),
)  # fmt: skip
"""An emerging concern from earlier, and a significant-harm escalation raised minutes before the demo starts and
acknowledged by the lead, whose next step is counting down: to "immediately inform the relevant senior manager"
[CP ¶32]."""


def member(key: str) -> MemberSpec:
    """The team member a finding's ``author`` key names."""
    for spec in TEAM:
        if spec.key == key:
            return spec
    raise KeyError(key)


def seed_times(
    today: date, now: datetime, tz: str = TIMEZONE, findings: Sequence[SeedFinding] | None = None
) -> list[datetime]:
    """When each seed finding was recorded (UTC): in order, in working hours, and none after ``today``/``now``.

    Findings sit at their nominal day and time. If fieldwork has not got that far yet (the demo runs on a
    Tuesday, say) the schedule is compressed into the working hours elapsed so far, so the record always
    reads as a week in progress and nothing is dated in the future.
    """
    zone = ZoneInfo(tz)
    monday = monday_of(today)
    now = min(now, datetime.combine(today, FIELDWORK_END, zone))

    def window(day: int) -> datetime:
        return datetime.combine(monday + timedelta(days=day), FIELDWORK_START, zone)

    def into_day(clock: time) -> timedelta:
        return datetime.combine(date.min, clock) - datetime.combine(date.min, FIELDWORK_START)

    offsets = [f.day * WORKING_DAY + into_day(f.clock) for f in (FINDINGS if findings is None else findings)]
    worked = sum(
        (min(max(now - window(day), timedelta(0)), WORKING_DAY) for day in range(FIELDWORK_DAYS)), timedelta(0)
    )
    room = worked - timedelta(minutes=1)
    if room <= timedelta(0):  # before fieldwork began: a minute apart, ending just now
        return [(now - timedelta(minutes=len(offsets) - i)).astimezone(UTC) for i in range(len(offsets))]
    scale = min(1.0, room / max(offsets))
    moments = []
    for offset in offsets:
        day, into = divmod(offset * scale, WORKING_DAY)
        moments.append((window(int(day)) + into).astimezone(UTC))
    return moments


# ---------------------------------------------------------------- triangulation: enquiries, links, a past KIT


def seed_finding_id(number: int) -> str:
    """The id of the ``number``-th seed finding (from 1): the id of the command that posted it."""
    return f"seed-{number:03d}"


def finding_ref(text_start: str) -> str:
    """The seed finding whose text starts with ``text_start``, by id: checked at import, so a typo fails loudly."""
    found = [n for n, f in enumerate(FINDINGS, start=1) if f.fields.text.startswith(text_start)]
    if len(found) != 1:
        raise ValueError(f"{len(found)} seed findings start with {text_start!r}")
    return seed_finding_id(found[0])


def finding_number(finding_id: str) -> int:
    return int(finding_id.removeprefix("seed-"))


@dataclass(frozen=True)
class SeedAnswer:
    """How a seed enquiry moved on: who started or answered it, and (for the asker) how it was closed."""

    by: str
    text: str | None = None
    """None: only started ("I'm on it")."""
    finding_ids: tuple[str, ...] = ()
    close_reason: str | None = None
    """Set: the asker closed it as answered, with this reason."""


@dataclass(frozen=True)
class SeedEnquiry:
    """A line of enquiry on the record, addressed to exactly one inspectorate, agency or member (by key).

    It is opened a little after the findings it is about, and moves on after ``progress_after``.
    """

    key: str
    asker: str
    question: str
    why: str
    about: tuple[str, ...]
    to_inspectorate: Inspectorate | None = None
    to_agency: Agency | None = None
    to_member: str | None = None
    child_ids: tuple[str, ...] = ()
    needs_la_input: bool = False
    progress: SeedAnswer | None = None
    progress_after: str | None = None
    """The finding after which it was started or answered (an answer cites what the owner found)."""


ENQUIRIES: tuple[SeedEnquiry, ...] = (
    SeedEnquiry(
        "iha-consent", "cqc",
        "Why does the local authority's consent paperwork for initial health assessments take so long to "
        "reach health?",
        "48% of initial health assessments are late and health attribute the delay to consent forms; we need "
        "the local authority's own account and data before we attribute the weakness.",
        about=(finding_ref("Initial health assessments completed within 20 working days"),),
        to_agency=LA, needs_la_input=True,
    ),
    SeedEnquiry(
        "exploitation-sharing", "hmic",
        "Did health share the exploitation risk for NM-10937 with the police missing coordinator?",
        "Police records show six missing episodes with no link to the exploitation risk; we need to know "
        "whether the gap is in health's sharing or within the police.",
        about=(finding_ref("Young person reported missing 6 times"),),
        to_inspectorate=Inspectorate.CQC, child_ids=("NM-10937",),
        progress=SeedAnswer(
            "cqc",
            "Yes. The school nurse's referral set out the exploitation risk and went to the exploitation "
            "meeting, which a police officer attended; the missing coordinator was not on its circulation list.",
            finding_ids=(finding_ref("School nurse identified indicators of sexual exploitation"),),
            close_reason="The information reached the police at the exploitation meeting: the gap is within "
            "the police, between the meeting and the missing coordinator.",
        ),
        progress_after=finding_ref("School nurse identified indicators of sexual exploitation"),
    ),
    SeedEnquiry(
        "police-mash-data", "lead",
        "Do police senior leaders receive any data on how quickly the MASH completes police checks?",
        "The contact backlog at the front door may be partly a wait for police checks; if leaders see no data "
        "they cannot act on it.",
        about=(finding_ref("Annex A data received 10:15"),),
        to_member="hmic",
        progress=SeedAnswer(
            "hmic",
            "No. Public protection unit managers were unaware of the backlog and no timeliness data on police "
            "checks reaches senior leaders.",
            finding_ids=(finding_ref("Public protection unit managers unaware of the MASH backlog"),),
        ),
        progress_after=finding_ref("Public protection unit managers unaware of the MASH backlog"),
    ),
    SeedEnquiry(
        "lscb-probation", "probation",
        "Has the LSCB challenged probation providers about their attendance at its sub-groups?",
        "Partner contribution bears on the shared LSCB judgement; the board's minutes should show whether "
        "the low attendance was noticed and challenged.",
        about=(finding_ref("NPS/CRC attended 4 of 10 LSCB sub-group meetings"),),
        to_agency=LSCB,
        progress=SeedAnswer("lead"),
        progress_after=finding_ref("NPS/CRC attended 4 of 10 LSCB sub-group meetings"),
    ),
)  # fmt: skip
"""Four lines of enquiry: to an agency (needing the local authority's input, still open), to an
inspectorate (answered and closed), to a named inspector (answered), and to the LSCB (in progress)."""


@dataclass(frozen=True)
class SeedLink:
    author: str
    finding: str
    other: str
    relation: Relation
    note: str


LINKS: tuple[SeedLink, ...] = (
    SeedLink("cqc", finding_ref("Health visitor attended the strategy discussion"),
             finding_ref("Strategy discussion held within 24 hours of referral"), Relation.CORROBORATES,
             "Health's record of the same strategy discussion for NM-10234 agrees."),
    SeedLink("hmic", finding_ref("Section 47 joint investigation"),
             finding_ref("Strategy discussion held within 24 hours of referral"), Relation.CORROBORATES,
             "Police records confirm they attended and shared intelligence the same day."),
    SeedLink("hmic", finding_ref("Young person reported missing 6 times"),
             finding_ref("School nurse identified indicators of sexual exploitation"), Relation.CONTRADICTS,
             "Health say the exploitation risk was shared; police found no link made to the missing episodes."),
    SeedLink("ofsted", finding_ref("Domestic abuse notifications reach children's social care in batches"),
             finding_ref("Annex A data received 10:15"), Relation.RELATES_TO,
             "Batched police notifications add to the front-door backlog."),
    SeedLink("lead", finding_ref("Triangulation: delayed police domestic abuse notifications"),
             finding_ref("Domestic abuse notifications reach children's social care in batches"),
             Relation.CORROBORATES, "Seen from the front door: the same delay, counted in the contact records."),
)  # fmt: skip
"""Corroboration across inspectorates (health and police support the LA's strategy discussion), one
contradiction (health and police on sharing the exploitation risk) and one relates-to."""


@dataclass(frozen=True)
class SeedGrade:
    """A grade an inspector proposes part-way through fieldwork, citing the findings it rests on."""

    author: str
    agency: Agency
    judgement: str
    grade: Grade
    rationale: str
    cites: tuple[str, ...]


GRADES: tuple[SeedGrade, ...] = (
    SeedGrade("ofsted", Agency.LOCAL_AUTHORITY, "help-and-protection", Grade.REQUIRES_IMPROVEMENT,
              "Strategy discussions are timely and well attended, but plans lack measurable outcomes and the "
              "front-door backlog leaves children waiting for screening.",
              (finding_ref("Strategy discussion held within 24 hours of referral"),
               finding_ref("Child protection plan outcomes not specific"), finding_ref("Annex A data received"),
               finding_ref("Triangulation: delayed police domestic abuse notifications"))),
    SeedGrade("cqc", Agency.HEALTH, "help-and-protection", Grade.REQUIRES_IMPROVEMENT,
              "Health visitors and school nurses identify risk well; emergency department referrals lack analysis "
              "and GPs are not invited to conferences.",
              (finding_ref("Health visitor attended the strategy discussion"),
               finding_ref("Referrals from the emergency department lack analysis"),
               finding_ref("GP not invited to the child protection conference"))),
    SeedGrade("hmic", Agency.POLICE, "help-and-protection", Grade.GOOD,
              "Joint section 47 work and MARAC are strong; domestic abuse notifications are batched, which delays "
              "the front door.",
              (finding_ref("Section 47 joint investigation"), finding_ref("Observed MARAC"),
               finding_ref("Domestic abuse notifications reach children's social care in batches"))),
)  # fmt: skip
"""Emerging grades, proposed but not yet agreed: the lead records agreed grades at the final meeting."""


@dataclass(frozen=True)
class SeedEntry:
    kind: EntryKind
    text: str
    about: str | None = None
    """The seed finding whose agenda item it is recorded against; None for a general entry."""
    owner: str | None = None
    due_in_days: int | None = None
    """Working days after the meeting."""


PAST_KIT_ENTRIES: tuple[SeedEntry, ...] = (
    SeedEntry(EntryKind.NOTE, "Shared the front-door backlog and how long children wait for screening; the "
              "DCS accepted the figures.", about=finding_ref("Annex A data received 10:15")),
    SeedEntry(EntryKind.LA_RESPONSE, "Four agency social workers start on Monday and a daily screening huddle "
              "began this week; backlog figures will go to the Lead Member weekly.",
              about=finding_ref("Annex A data received 10:15")),
    SeedEntry(EntryKind.ACTION, "Send the front-door recovery plan with weekly targets.",
              about=finding_ref("Annex A data received 10:15"), owner="Head of Service, Safeguarding",
              due_in_days=2),
    SeedEntry(EntryKind.NOTE, "Next KIT at the same time tomorrow; the DCS will bring the draft placement "
              "sufficiency strategy."),
)  # fmt: skip
"""What the lead recorded at yesterday's KIT meeting with the DCS, which was then closed."""

PAST_KIT_AMENDMENT = (
    "Send the front-door recovery plan with weekly targets and the first week's figures.",
    1,
    "The DCS asked for one more working day so the plan can include the first week's figures.",
)
"""The action as amended the next morning: new text, working days added to its due date, and the reason."""


@dataclass(frozen=True)
class PoolEnquiry:
    """A line of enquiry the simulator may open; the asker is someone it is not addressed to."""

    question: str
    why: str
    to_agency: Agency | None = None
    to_inspectorate: Inspectorate | None = None
    needs_la_input: bool = False
    about_child: bool = False


ENQUIRY_POOL: tuple[PoolEnquiry, ...] = (
    PoolEnquiry("Was the GP asked for a report before the initial child protection conference?",
                "Health records show no request; the LA's file may show one that never arrived.",
                to_agency=LA, needs_la_input=True, about_child=True),
    PoolEnquiry("Does the emergency department check the child protection information system for every "
                "injured infant?", "Two referrals we sampled were made without the check.", to_agency=HEALTH),
    PoolEnquiry("How are return home interviews shared with the police missing coordinator?",
                "Missing episodes and exploitation risk are not being connected.", to_agency=POLICE,
                about_child=True),
    PoolEnquiry("Do offender managers check with children's social care when an offender moves household?",
                "We found one case where the new partner's children were not considered.", to_agency=PROBATION),
    PoolEnquiry("Is the YOT invited to core groups for young people on child protection plans?",
                "Case managers contribute by email; the LA's invitations will show why.",
                to_inspectorate=Inspectorate.OFSTED),
    PoolEnquiry("Does the LSCB's audit programme include cases from custody?",
                "Young people in custody seem absent from the board's learning.", to_agency=LSCB),
    PoolEnquiry("What does the local authority know about delays in initial health assessments for this child?",
                "The health record shows the assessment 7 weeks late.", to_agency=LA, needs_la_input=True,
                about_child=True),
)  # fmt: skip

LINK_NOTES: dict[Relation, tuple[str, ...]] = {
    Relation.CORROBORATES: (
        "Same picture from our side.",
        "Our records show the same thing for this child.",
        "Consistent with what staff told us.",
    ),
    Relation.CONTRADICTS: (
        "Our records say otherwise: needs settling before the KIT.",
        "The family's account differs from this.",
    ),
    Relation.RELATES_TO: (
        "Same child, different part of the system.",
        "Background to this finding.",
        "Worth reading together.",
    ),
}
"""Short notes the simulated team writes on the links it makes."""


# ---------------------------------------------------------------- one demo inspection's content, as a whole


@dataclass(frozen=True)
class DemoRecord:
    """What one demo inspection is: its framework, name and team, the record the seed puts behind it (findings
    by their number, so ids stay ``seed-NNN`` whatever is left out), and what its simulated team draws on."""

    framework: Framework
    name: str
    team: tuple[MemberSpec, ...]
    findings: tuple[tuple[int, SeedFinding], ...]
    enquiries: tuple[SeedEnquiry, ...]
    links: tuple[SeedLink, ...]
    grades: tuple[SeedGrade, ...]
    past_kit: tuple[SeedEntry, ...]
    casework: tuple[str, ...]
    """Who tracks the sampled cases, in turn (team keys)."""
    pool: tuple[PoolFinding, ...]
    alert_pool: tuple[PoolAlert, ...]
    enquiry_pool: tuple[PoolEnquiry, ...]
    alerts: tuple[SeedAlert, ...]
    """In progress when a demo of the team at work starts (not in the still demo's record)."""


NORTHMOOR = DemoRecord(
    FRAMEWORK, INSPECTION_NAME, TEAM, tuple(enumerate(FINDINGS, start=1)), ENQUIRIES, LINKS, GRADES,
    PAST_KIT_ENTRIES, ("ofsted", "cqc", "hmic", "lead"), POOL, ALERT_POOL, ENQUIRY_POOL, ALERTS,
)
"""The integrated inspection: every inspectorate on the team."""
