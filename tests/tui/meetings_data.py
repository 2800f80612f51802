"""Fixed, fictional meeting events for the meetings-screen snapshot and the export test (no network).

Yesterday's KIT meeting, closed, and today's, open, with a note, the local authority's response and an
amended action. Agendas are drafted with shared.meetings.draft_agenda from the app_data findings, exactly
as the server drafts them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.meetings import FindingNote, MeetingKind, draft_agenda
from shared.protocol import Event

from .app_data import ASHA, FINDINGS, NOW, T0, seed_events

YESTERDAY_KIT = "m-kit-1117"
TODAY_KIT = "m-kit-1118"
YESTERDAY_OPENED = datetime(2026, 11, 17, 17, 15, tzinfo=UTC)
TODAY_OPENED = NOW - timedelta(minutes=25)


def _notes(before: datetime, since: datetime | None = None) -> list[FindingNote]:
    notes = []
    for seq, (_, minutes, data) in enumerate(FINDINGS, start=1):
        at = T0 + timedelta(minutes=minutes)
        if at < before and (since is None or at > since):
            notes.append(FindingNote(f"f{seq:03d}", data["agency"], data["kind"], data["text"], at))
    return notes


def _agenda(meeting_id: str, opened: datetime, since: datetime | None) -> list[dict[str, Any]]:
    items = draft_agenda(MeetingKind.KIT, meeting_id=meeting_id, since=since, findings=_notes(opened, since),
                         alerts=[], enquiries=[])
    return [item.model_dump(mode="json") for item in items]


def meeting_log(first_seq: int = 1) -> list[Event]:
    seq = iter(range(first_seq, first_seq + 100))

    def event(event_kind: str, at: datetime, **data: Any) -> Event:
        return Event(seq=next(seq), kind=event_kind, actor=ASHA, at=at, data=data)

    y, t = YESTERDAY_OPENED, TODAY_OPENED
    return [
        event("meeting.opened", y, meeting_id=YESTERDAY_KIT, kind="kit", day="2026-11-17", since=None,
              agenda=_agenda(YESTERDAY_KIT, y, None)),
        event("meeting.recorded", y + timedelta(minutes=5), meeting_id=YESTERDAY_KIT, entry_id="y-note",
              item_id=f"{YESTERDAY_KIT}.1", entry="note", text="Shared the gaps in managers' oversight."),
        event("meeting.closed", y + timedelta(minutes=30), meeting_id=YESTERDAY_KIT),
        event("meeting.opened", t, meeting_id=TODAY_KIT, kind="kit", day="2026-11-18", since="2026-11-17T17:15:00Z",
              agenda=_agenda(TODAY_KIT, t, y)),
        event("agenda.added", t + timedelta(minutes=1), meeting_id=TODAY_KIT, item_id="a-placements",
              title="Placement sufficiency strategy", position=None),
        event("meeting.recorded", t + timedelta(minutes=4), meeting_id=TODAY_KIT, entry_id="t-note",
              item_id=f"{TODAY_KIT}.2", entry="note",
              text="Police and social care both describe a three-day gap in sharing missing episodes."),
        event("meeting.recorded", t + timedelta(minutes=8), meeting_id=TODAY_KIT, entry_id="t-response",
              item_id=f"{TODAY_KIT}.2", entry="la-response",
              text="The DCS accepts the gap; the MASH manager will review the missing protocol with police."),
        event("meeting.recorded", t + timedelta(minutes=12), meeting_id=TODAY_KIT, entry_id="t-action",
              item_id=f"{TODAY_KIT}.2", entry="action", text="Send the revised missing protocol.",
              owner="Head of Service", due="2026-11-20"),
        event("meeting.amended", t + timedelta(minutes=20), meeting_id=TODAY_KIT, entry_id="t-action",
              text="Send the revised missing protocol.", owner="Head of Service", due="2026-11-23",
              reason="The DCS asked for Monday."),
    ]


def seeded_meeting_events() -> list[Event]:
    """The app_data findings followed by the meetings above, as one log."""
    findings = seed_events()
    return findings + meeting_log(first_seq=len(findings) + 1)
