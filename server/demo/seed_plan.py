"""The demo's record, put in time order: findings, lines of enquiry, links, a past KIT meeting, and (for a team at
work) risk alerts still in progress.

Every step is a real command applied as the server's writer applies it, oldest first (through
server.handlers.dispatch.apply_command), so the record is
an ordinary log and each step sees only what came before it: when yesterday's KIT meeting opens, the server
drafts its agenda from exactly the findings and enquiries already on the record, as it would live.
The content is in demo_data; this module only decides when each thing happened and who did it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlmodel import Session

from server.demo.case_list import case_steps
from server.demo.northmoor import (
    FIELDWORK_DAYS,
    NORTHMOOR,
    PAST_KIT_AMENDMENT,
    TIMEZONE,
    DemoRecord,
    SeedAlert,
    SeedEnquiry,
    SeedEntry,
    SeedFinding,
    SeedGrade,
    SeedLink,
    finding_number,
    monday_of,
    seed_finding_id,
    seed_times,
)
from server.handlers.dispatch import apply_command
from server.storage.tables import InspectionRow
from shared.alerts import AcknowledgeAlert, AlertLevel, MarkAlertSeen, RaiseAlert
from shared.cases import SampleDrawn
from shared.catalogue import read_payload
from shared.criteria import Grade
from shared.enquiries import AnswerEnquiry, CloseEnquiry, EnquiryOutcome, OpenEnquiry, StartEnquiry
from shared.findings import PostFinding
from shared.grades import ProposeGrade
from shared.meetings import AmendEntry, CloseMeeting, EntryKind, MeetingKind, MeetingOpened, OpenMeeting, RecordEntry
from shared.protocol import Command, Inspector
from shared.sampling import Selection
from shared.triangulation import LinkFindings

PAST_KIT_ID = "seed-kit-1"
KIT_OPENS = time(17, 15)
"""When the lead meets the DCS at the end of a fieldwork day (local time)."""
AMENDED_AT = time(8, 45)
"""The next morning, when the lead corrects the minutes."""
ENQUIRY_AFTER, LINK_AFTER = timedelta(minutes=25), timedelta(minutes=15)
ANSWER_AFTER, CLOSE_AFTER = timedelta(minutes=40), timedelta(hours=1)
ENTRY_EVERY = timedelta(minutes=5)
GRADE_AFTER = timedelta(hours=1)
SEEN_AFTER, ACKNOWLEDGED_AFTER = timedelta(minutes=1), timedelta(minutes=2)
"""How long after an alert is raised each teammate in turn confirms they have seen it, and the lead acknowledges
it."""


@dataclass
class SeedContext:
    """What a step may need that exists only once earlier steps ran."""

    members: Mapping[str, Inspector]
    agenda: dict[str, str] = field(default_factory=dict)
    """Past KIT meeting: finding id → the id of its agenda item, filled in when the meeting opens."""
    salt: bytes = b""
    """The inspection's case salt, for the Annex A import (server.demo.case_list)."""
    sampled: list[str] = field(default_factory=list)
    """The randomly drawn child IDs, filled in when the sample is drawn."""


@dataclass(frozen=True)
class Step:
    at: datetime
    author: str
    build: Callable[[SeedContext], Command]


def working_days_after(day: date, count: int) -> date:
    """``count`` weekdays after ``day``: an action due "in two days" on a Friday is due on Tuesday."""
    while count > 0:
        day += timedelta(days=1)
        count -= day.weekday() < 5
    return day


def previous_fieldwork_day(today: date) -> date:
    """The last fieldwork day before today: yesterday on a weekday, the Friday after a weekend (fieldwork began at
    least three days ago, server.demo.northmoor.monday_of)."""
    start = monday_of(today)
    day = min(today - timedelta(days=1), start + timedelta(days=FIELDWORK_DAYS - 1))
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def plan(
    today: date, now: datetime, tz: str = TIMEZONE, record: DemoRecord = NORTHMOOR, *, at_work: bool = False
) -> list[Step]:
    """Every seed step of ``record`` with its time: nothing after ``now``, and each after what it depends on.

    ``at_work`` adds the record's alerts, raised minutes before ``now`` so their deadlines are still ahead. No KIT
    meeting is held today: the last one was on the previous fieldwork day.
    """
    zone = ZoneInfo(tz)
    times = seed_times(today, now, tz, [seeded for _, seeded in record.findings])
    when = {number: at for (number, _), at in zip(record.findings, times, strict=True)}
    steps: list[Step] = [
        Step(when[number], seeded.author, partial(_post, number, seeded)) for number, seeded in record.findings
    ]

    def posted(finding_id: str) -> datetime:
        return when[finding_number(finding_id)]

    for enquiry in record.enquiries:
        steps += _enquiry_steps(enquiry, max(posted(f) for f in enquiry.about) + ENQUIRY_AFTER, posted)
    for number, link in enumerate(record.links, start=1):
        steps.append(Step(max(posted(link.finding), posted(link.other)) + LINK_AFTER, link.author,
                          partial(_link, number, link)))
    for number, proposal in enumerate(record.grades, start=1):
        steps.append(Step(max(posted(f) for f in proposal.cites) + GRADE_AFTER, proposal.author,
                          partial(_proposal, number, proposal)))
    steps += [Step(step.at, step.author, step.build) for step in case_steps(monday_of(today), zone, record.casework)
              if step.at <= now]  # progress not made yet stays in the future
    day = previous_fieldwork_day(today)  # never today: the lead has today's KIT still to hold
    opened = datetime.combine(day, KIT_OPENS, zone).astimezone(UTC)
    amended = datetime.combine(day + timedelta(days=1), AMENDED_AT, zone).astimezone(UTC)
    steps += _past_kit_steps(min(opened, now), min(amended, now), zone, record.past_kit)
    if at_work:
        steps += _alert_steps(now, record.alerts)
    ordered = sorted(enumerate(steps), key=lambda pair: (min(pair[1].at, now), pair[0]))
    return [Step(min(step.at, now), step.author, step.build) for _, step in ordered]


def _post(number: int, seeded: SeedFinding, _context: SeedContext) -> Command:
    return PostFinding(id=seed_finding_id(number), **seeded.fields.fields())


def _link(number: int, link: SeedLink, _context: SeedContext) -> Command:
    return LinkFindings(id=f"seed-link-{number}", finding_id=link.finding, other_finding_id=link.other,
                        relation=link.relation, note=link.note)


def _proposal(number: int, proposal: SeedGrade, _context: SeedContext) -> Command:
    return ProposeGrade(id=f"seed-grade-{number}", agency=proposal.agency, judgement=proposal.judgement,
                        grade=Grade(proposal.grade), rationale=proposal.rationale, finding_ids=list(proposal.cites))


def _enquiry_steps(enquiry: SeedEnquiry, opened: datetime, posted: Callable[[str], datetime]) -> list[Step]:
    enquiry_id = f"seed-enquiry-{enquiry.key}"

    def opening(context: SeedContext) -> Command:
        member = context.members[enquiry.to_member].id if enquiry.to_member else None
        return OpenEnquiry(
            id=enquiry_id, to_inspectorate=enquiry.to_inspectorate, to_agency=enquiry.to_agency,
            to_inspector=member, question=enquiry.question, why=enquiry.why, finding_ids=list(enquiry.about),
            child_ids=list(enquiry.child_ids), needs_la_input=enquiry.needs_la_input,
        )  # fmt: skip

    steps = [Step(opened, enquiry.asker, opening)]
    progress = enquiry.progress
    if progress is None:
        return steps
    after = max(opened + timedelta(minutes=5), posted(enquiry.progress_after) + ANSWER_AFTER
                if enquiry.progress_after else opened)
    if progress.text is None:
        steps.append(Step(after, progress.by, lambda _: StartEnquiry(id=f"{enquiry_id}-start", enquiry_id=enquiry_id)))
        return steps
    answer = AnswerEnquiry(id=f"{enquiry_id}-answer", enquiry_id=enquiry_id, answer=progress.text,
                           finding_ids=list(progress.finding_ids))
    steps.append(Step(after, progress.by, lambda _: answer))
    if progress.close_reason:
        close = CloseEnquiry(id=f"{enquiry_id}-close", enquiry_id=enquiry_id, outcome=EnquiryOutcome.ANSWERED,
                             reason=progress.close_reason)
        steps.append(Step(after + CLOSE_AFTER, enquiry.asker, lambda _: close))
    return steps


def _past_kit_steps(opened: datetime, amended: datetime, zone: ZoneInfo, entries: tuple[SeedEntry, ...]) -> list[Step]:
    """Open the KIT meeting, record against its drafted items, close it; amend the action the next morning."""
    day = opened.astimezone(zone).date()
    steps = [Step(opened, "lead", lambda _: OpenMeeting(id=PAST_KIT_ID, kind=MeetingKind.KIT, day=day))]
    action_id: str | None = None
    action_due: date | None = None
    for number, entry in enumerate(entries, start=1):
        entry_id = f"{PAST_KIT_ID}-entry-{number}"
        due = working_days_after(day, entry.due_in_days) if entry.due_in_days is not None else None
        if entry.kind is EntryKind.ACTION:
            action_id, action_due = entry_id, due

        def record(context: SeedContext, e=entry, i=entry_id, d=due) -> Command:
            item = context.agenda.get(e.about) if e.about else None
            return RecordEntry(id=i, meeting_id=PAST_KIT_ID, item_id=item, entry=e.kind, text=e.text,
                               owner=e.owner, due=d)

        steps.append(Step(opened + number * ENTRY_EVERY, "lead", record))
    closed = opened + (len(entries) + 2) * ENTRY_EVERY
    steps.append(Step(closed, "lead", lambda _: CloseMeeting(id=f"{PAST_KIT_ID}-close", meeting_id=PAST_KIT_ID)))
    if action_id is not None and action_due is not None:
        text, extra_days, reason = PAST_KIT_AMENDMENT
        owner = next(e.owner for e in entries if e.kind is EntryKind.ACTION)
        amend = AmendEntry(id=f"{PAST_KIT_ID}-amend-1", meeting_id=PAST_KIT_ID, entry_id=action_id, text=text,
                           owner=owner, due=working_days_after(action_due, extra_days), reason=reason)
        steps.append(Step(max(amended, closed), "lead", lambda _: amend))
    return steps


def _given(command: Command) -> Callable[[SeedContext], Command]:
    return lambda _: command


def _alert_steps(now: datetime, alerts: tuple[SeedAlert, ...]) -> list[Step]:
    """Each alert raised its ``minutes_ago`` before ``now``, then seen by its teammates a minute apart and, if it
    says so, acknowledged by the lead."""
    steps: list[Step] = []
    for number, alert in enumerate(alerts, start=1):
        alert_id = f"seed-alert-{number}"
        level = AlertLevel.EMERGING_CONCERN if alert.immediate_action is None else AlertLevel.SIGNIFICANT_HARM
        raise_alert = RaiseAlert(id=alert_id, level=level, agency=alert.agency, child_id=alert.child_id,
                                 summary=alert.summary, immediate_action=alert.immediate_action)
        raised = now - timedelta(minutes=alert.minutes_ago)
        steps.append(Step(raised, alert.author, _given(raise_alert)))
        for turn, key in enumerate(alert.seen_by, start=1):
            seen = MarkAlertSeen(id=f"{alert_id}-seen-{turn}", alert_id=alert_id)
            steps.append(Step(min(raised + turn * SEEN_AFTER, now), key, _given(seen)))
        if alert.acknowledged:
            acknowledge = AcknowledgeAlert(id=f"{alert_id}-acknowledged", alert_id=alert_id)
            steps.append(Step(min(raised + ACKNOWLEDGED_AFTER, now), "lead", _given(acknowledge)))
    return steps


def apply_plan(session: Session, *, inspection_id: int, members: Mapping[str, Inspector], steps: list[Step]) -> None:
    """Apply each step through the real command handler, in order (the caller commits): as one batch of the
    server's writer (server.storage.writer)."""
    inspection = session.get(InspectionRow, inspection_id)
    assert inspection is not None
    context = SeedContext(members, salt=bytes.fromhex(inspection.case_salt))
    for step in steps:
        command = step.build(context)
        applied = apply_command(session, inspection_id=inspection_id, actor=members[step.author], command=command,
                                at=step.at)
        payload = read_payload(applied.event) if applied.event is not None else None
        if isinstance(payload, SampleDrawn):
            context.sampled = [case.child_id for case in payload.cases if case.selection is Selection.RANDOM]
        if isinstance(payload, MeetingOpened):
            context.agenda.update({item.ref: item.id for item in payload.agenda if item.ref})
