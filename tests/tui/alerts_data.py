"""Fixed, fictional alert events for the reducer tests and the alerts-screen snapshot (no network)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from shared.protocol import Event, Inspector

from .app_data import ASHA, BEN, CARA, NOW, seed_events

RAISED_AT = NOW - timedelta(minutes=95)
HARM_ID = "c2-harm01"
CONCERN_ID = "c3-concern1"
CLOSED_ID = "c4-closed1"

SUMMARY = "Child left at home with a known risk adult after the strategy discussion."
ACTION = "Convene a strategy discussion today and confirm where the child is sleeping."


def event(seq: int, kind: str, actor: Inspector | None, at: datetime, **data: Any) -> Event:
    return Event(seq=seq, kind=kind, actor=actor, at=at, data=data)


def raised_harm(seq: int = 1, at: datetime = RAISED_AT, actor: Inspector = BEN, alert_id: str = HARM_ID,
                child_id: str = "NM-10234") -> Event:
    return event(seq, "alert.raised", actor, at, alert_id=alert_id, status="raised", level="significant-harm",
                 agency="local-authority", child_id=child_id, summary=SUMMARY, immediate_action=ACTION)


def raised_concern(seq: int, at: datetime, actor: Inspector = CARA, alert_id: str = CONCERN_ID) -> Event:
    return event(seq, "alert.raised", actor, at, alert_id=alert_id, status="open", level="emerging-concern",
                 agency="police", child_id=None, immediate_action=None,
                 summary="Missing episodes not shared with children's social care for 4 days.")


def alert_log(first_seq: int = 1) -> list[Event]:
    """An acknowledged escalation that is overdue for informing, an open concern, and a closed one."""
    seq = iter(range(first_seq, first_seq + 100))
    return [
        event(next(seq), "deadlines.set", ASHA, RAISED_AT - timedelta(hours=1),
              acknowledge_seconds=900, inform_seconds=3600, confirm_seconds=86400),
        raised_concern(next(seq), RAISED_AT - timedelta(hours=20), alert_id=CLOSED_ID),
        event(next(seq), "alert.closed", CARA, RAISED_AT - timedelta(hours=19), alert_id=CLOSED_ID,
              reason="Records show the MASH had already addressed this.", status="closed"),
        raised_harm(next(seq)),
        event(next(seq), "alert.seen", CARA, RAISED_AT + timedelta(minutes=2), alert_id=HARM_ID),
        event(next(seq), "alert.acknowledged", ASHA, RAISED_AT + timedelta(minutes=9), alert_id=HARM_ID,
              status="acknowledged"),
        event(next(seq), "alert.updated", CARA, RAISED_AT + timedelta(minutes=30), alert_id=HARM_ID,
              text="Police have confirmed the risk adult's bail conditions."),
        event(next(seq), "alert.overdue", None, RAISED_AT + timedelta(minutes=60, seconds=1), alert_id=HARM_ID,
              step="informed", due_at="2026-11-18T09:55:00.000Z"),
        raised_concern(next(seq), RAISED_AT + timedelta(minutes=70)),
    ]


def seeded_alert_events() -> list[Event]:
    """The app_data findings followed by the alerts above, as one log."""
    findings = seed_events()
    return findings + alert_log(first_seq=len(findings) + 1)
