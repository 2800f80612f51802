"""The demo under the child-protection framework: Northmoor inspected by Ofsted alone (CP ¶14–15, ¶24, ¶44).

The same fictional council and children, but the 2012 framework's inspection of the local authority's
arrangements for the protection of children: an Ofsted team (the lead from day one, three more inspectors on day
two, two more on day three; CP ¶15), the local authority graded on CP ¶24's judgements and CP ¶25's scale. Its
record is Northmoor's as Ofsted would have it (only what the team wrote and what fits the framework: no other
inspectorates, no LSCB judgement, no narrative-only agencies), plus findings on the quality of practice and
leadership citing the framework's own criteria [CP ¶20, ¶24]. Everything here is invented.
"""

from __future__ import annotations

from server.demo.northmoor import (
    AFI,
    CASE,
    DATA,
    ENQUIRIES,
    FAMILY,
    FINDINGS,
    GOOD,
    GRADES,
    HP,
    LA,
    LEAD_MG,
    LINKS,
    MAM,
    NOTE,
    PAST_KIT_ENTRIES,
    STAFF,
    STRENGTH,
    TEAM,
    WEAKNESS,
    DemoRecord,
    MemberSpec,
    SeedAlert,
    SeedEnquiry,
    SeedFinding,
    SeedGrade,
    SeedLink,
    _seed,
    finding_ref,
    seed_finding_id,
)
from server.demo.northmoor import ALERT_POOL as ALL_ALERTS
from server.demo.northmoor import ENQUIRY_POOL as ALL_ENQUIRIES
from server.demo.northmoor import POOL as ALL_POOL
from shared.criteria import GRADE_SCALES, Grade, criterion_refusal
from shared.findings import FindingFields
from shared.grades import NARRATIVE_ONLY, judgement_refusal
from shared.triangulation import Relation
from shared.vocabulary import Framework, Inspectorate, JudgementArea, Role, judgement_areas_for

CP = Framework.CHILD_PROTECTION
INSPECTION_NAME = "Inspection of Northmoor's arrangements for the protection of children"
QOP = JudgementArea.QUALITY_OF_PRACTICE

TEAM_CP: tuple[MemberSpec, ...] = (
    *(spec for spec in TEAM if spec.key in ("lead", "ofsted")),
    MemberSpec("ofsted-2", "Ruth Adeyemi", Inspectorate.OFSTED, Role.INSPECTOR),
    MemberSpec("ofsted-3", "Colin Barraclough", Inspectorate.OFSTED, Role.INSPECTOR),
    MemberSpec("ofsted-4", "Anita Desai", Inspectorate.OFSTED, Role.INSPECTOR),
    MemberSpec("ofsted-5", "Owen Pritchard", Inspectorate.OFSTED, Role.INSPECTOR),
    *(spec for spec in TEAM if spec.key == "qa"),
)
"""The lead, five more Ofsted inspectors (CP ¶14–15) and the QA manager; lead first, as the demo joins as her."""
MEMBERS = frozenset(spec.key for spec in TEAM_CP)

EXTRA: tuple[SeedFinding, ...] = (
    _seed("lead", 0, "09:05", LA, None, None, NOTE, DATA,
          "Service information from the local authority's own data: 1,384 children in need, 236 on child "
          "protection plans; 41% of referrals come from the police."),
    _seed("ofsted-2", 1, "11:20", LA, QOP, "CP24c", STRENGTH, CASE,
          "Social worker sees the child alone at every visit; the child's words are recorded and shape the plan.",
          "NM-10588"),
    _seed("ofsted-3", 1, "14:40", LA, QOP, "CP24c", WEAKNESS, CASE,
          "Assessment repeats the referral information; no analysis of what the history means for the child's "
          "safety now.", "NM-11146"),
    _seed("ofsted-2", 2, "10:10", LA, HP, "CP20e", WEAKNESS, FAMILY,
          "Mother told inspectors the family has had four social workers in six months; the child did not know "
          "who the current one is.", "NM-10853"),
    _seed("ofsted-4", 2, "11:45", LA, LEAD_MG, "CP20f", WEAKNESS, CASE,
          "Supervision records list actions but do not revisit them; the same actions recur for three months "
          "without challenge.", "NM-10412"),
    _seed("ofsted-5", 2, "15:30", LA, HP, "CP20g", STRENGTH, MAM,
          "Observed a child protection conference: domestic abuse and parental mental ill health were both "
          "analysed, with the adult mental health worker present.", "NM-11302"),
    _seed("ofsted-4", 3, "09:40", LA, QOP, "CP24c", AFI, CASE,
          "Chronologies are not kept up to date, so patterns of neglect are hard to see across episodes.",
          "NM-11479"),
    _seed("ofsted-3", 3, "13:15", LA, LEAD_MG, "CP24d", STRENGTH, STAFF,
          "Senior leaders know the size and causes of the front-door backlog and report on it weekly to the "
          "Lead Member."),
    _seed("ofsted-5", 3, "16:00", LA, HP, "CP20h", GOOD, FAMILY,
          "Young people on child protection plans lead their own review meetings with an advocate; two told "
          "inspectors it changed their plan.", "NM-10795"),
)  # fmt: skip
"""What the framework's own inspectors found beyond Northmoor's record: the quality of practice, leadership and
the service information, each citing a CP ¶20 or ¶24 criterion where one fits."""


def extra_ref(text_start: str) -> str:
    """The id of the extra finding whose text starts with ``text_start`` (numbered after Northmoor's)."""
    found = [n for n, f in enumerate(EXTRA, start=len(FINDINGS) + 1) if f.fields.text.startswith(text_start)]
    if len(found) != 1:
        raise ValueError(f"{len(found)} extra findings start with {text_start!r}")
    return seed_finding_id(found[0])


def fits(fields: FindingFields) -> bool:
    """A finding this framework's form would offer: no narrative-only agency, its areas and criteria only."""
    return (
        fields.agency not in NARRATIVE_ONLY
        and (fields.judgement_area is None or fields.judgement_area in judgement_areas_for(fields.agency, CP))
        and (fields.criterion is None
             or criterion_refusal(fields.criterion, fields.agency, fields.judgement_area, CP) is None)
    )


FOUND: tuple[tuple[int, SeedFinding], ...] = (
    *((n, f) for n, f in enumerate(FINDINGS, start=1) if f.author in MEMBERS and fits(f.fields)),
    *enumerate(EXTRA, start=len(FINDINGS) + 1),
)
KEPT = frozenset(seed_finding_id(n) for n, _ in FOUND)


def _enquiry_kept(enquiry: SeedEnquiry) -> bool:
    progress = enquiry.progress
    return (
        enquiry.asker in MEMBERS
        and enquiry.to_member in (None, *MEMBERS)
        and enquiry.to_inspectorate in (None, Inspectorate.OFSTED)
        and enquiry.to_agency in (None, LA)
        and set(enquiry.about) <= KEPT
        and (progress is None or (progress.by in MEMBERS and set(progress.finding_ids) <= KEPT))
        and enquiry.progress_after in (None, *KEPT)
    )


LINKS_CP: tuple[SeedLink, ...] = (
    SeedLink("ofsted-4", extra_ref("Supervision records list actions"),
             finding_ref("Social workers report manageable caseloads"), Relation.CONTRADICTS,
             "Staff describe reflective supervision; the records show the same actions recurring unchallenged."),
    SeedLink("ofsted-3", extra_ref("Assessment repeats the referral information"),
             finding_ref("Assessment completed within 45 working days"), Relation.CORROBORATES,
             "A second assessment with the same gap: the history is listed, not analysed."),
)  # fmt: skip

ENQUIRIES_CP: tuple[SeedEnquiry, ...] = (
    SeedEnquiry(
        "supervision-oversight", "ofsted-4",
        "Do team managers' audits check whether actions set in supervision are completed?",
        "Supervision records show the same actions recurring for months; before leadership is judged we need "
        "to know whether managers' oversight notices it.",
        about=(extra_ref("Supervision records list actions"),), to_member="lead",
    ),
)  # fmt: skip
"""A line of enquiry waiting in the lead's inbox."""

GRADES_CP: tuple[SeedGrade, ...] = (
    *(
        g for g in GRADES
        if g.author in MEMBERS and judgement_refusal(g.agency, g.judgement, CP) is None
        and g.grade in GRADE_SCALES[CP] and set(g.cites) <= KEPT
    ),
    SeedGrade("ofsted", LA, "help-and-protection", Grade.ADEQUATE,
              "Strategy discussions are timely and conferences analyse risk well, but plans lack measurable "
              "outcomes and children wait at the front door.",
              (finding_ref("Strategy discussion held within 24 hours of referral"),
               finding_ref("Child protection plan outcomes not specific"), finding_ref("Annex A data received"),
               extra_ref("Observed a child protection conference"))),
    SeedGrade("ofsted-2", LA, QOP.value, Grade.ADEQUATE,
              "Children are seen alone and heard, but assessments describe rather than analyse and chronologies "
              "are out of date.",
              (extra_ref("Social worker sees the child alone"), extra_ref("Assessment repeats the referral"),
               extra_ref("Chronologies are not kept up to date"))),
)  # fmt: skip
"""Emerging grades on CP ¶25's scale, proposed and not yet agreed."""


ALERTS_CP: tuple[SeedAlert, ...] = (
    SeedAlert("ofsted-3", 35, LA, "Three children on child protection plans in one team have not had a statutory "
              "visit for over six weeks; the team is covering two vacant posts.", seen_by=("ofsted", "ofsted-4")),
    SeedAlert("ofsted-2", 8, LA, "Social worker's visit found the father back in the family home despite the "
              "safety plan; the child has an unexplained bruise.", child_id="NM-10588",
              immediate_action="Strategy discussion and child protection medical today; confirm where the child "
              "is sleeping tonight.", seen_by=("ofsted", "ofsted-5"), acknowledged=True),
)  # fmt: skip
"""The local authority's emerging concern and its significant-harm escalation, in progress as the demo starts: the
lead has acknowledged it and must now "immediately inform the relevant senior manager" [CP ¶32]."""


CHILD_PROTECTION = DemoRecord(
    framework=CP,
    name=INSPECTION_NAME,
    team=TEAM_CP,
    findings=tuple(sorted(FOUND)),
    enquiries=(*(e for e in ENQUIRIES if _enquiry_kept(e)), *ENQUIRIES_CP),
    links=(*(link for link in LINKS if link.author in MEMBERS and {link.finding, link.other} <= KEPT), *LINKS_CP),
    grades=GRADES_CP,
    past_kit=tuple(e for e in PAST_KIT_ENTRIES if e.about is None or e.about in KEPT),
    casework=("ofsted", "ofsted-2", "ofsted-3", "lead"),
    pool=tuple(p for p in ALL_POOL if fits(p.fields)),
    alert_pool=tuple(a for a in ALL_ALERTS if a.agency is LA),
    enquiry_pool=tuple(
        q for q in ALL_ENQUIRIES if q.to_agency in (None, LA) and q.to_inspectorate in (None, Inspectorate.OFSTED)
    ),
    alerts=ALERTS_CP,
)
"""The child-protection demo: ``triangulate demo --framework child-protection``."""
