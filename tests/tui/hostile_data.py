"""A hostile corpus of teammates' text, and a cache holding it in every field a person or the server fills.

The cache is written as if an older server had stored the text unchecked (the server now refuses controls and
normalises to NFC), so the app is tried on text it may receive from anywhere.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import count, cycle
from pathlib import Path
from typing import Any

from shared.protocol import Event, Inspection, Inspector, Welcome
from tui.app import TriangulateApp
from tui.store import LocalStore

from .alerts_data import HARM_ID, alert_log
from .app_data import ASHA, BEN, NORTHMOOR, NOW, TEAM, seed_events
from .cases_data import case_log
from .evidence_data import ENQUIRY_TO_LA, evidence_log
from .grades_data import grade_log
from .meetings_data import meeting_log

MARKUP = "[/bold] [sic] [1] [b]bold[/b] [@click=app.quit]x[/] [link='https://e.invalid']l[/link] [red on blue]c[/]"
"""Unbalanced and balanced markup and a click action: each must show as typed."""

CORPUS: dict[str, str] = {
    "markup": MARKUP,
    "ansi": "ansi \x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b[2J\x1b[?1049l \x9b31m csi",
    "controls": "nul\x00 bel\x07 bs\x08 vt\x0b ff\x0c cr\r del\x7f c1\x85\x90\x9f end",
    "bidi": "bidi \u202eevil\u202c \u2067isolate\u2069 \u200fmark",
    "invisible": "zero\u200bwidth\u200cnon\u200djoiner\ufeff\u2060 sep\u2028line",
    "combining": "Z\u0336\u0335a\u0301\u0327l\u0300g\u0308o e\u0301 \u0e01\u0e34\u0e4a",
    "emoji": "emoji 👩🏽‍⚕️ 🏳️‍🌈 🇬🇧 😀 中文字",
    "long": "long " + "x" * 9_980,
}
"""Each kind of hostile text, by name; every field gets one, and every kind reaches a finding (the long one
fills a finding to its 10,000-character limit on one line)."""

FIELDS = {"text", "summary", "immediate_action", "reason", "note", "question", "why", "answer", "rationale",
          "comment", "title", "owner", "source", "informed_name", "informed_role", "reference", "message"}
"""Event fields a person (or the server) writes freely."""

TAG = "[/bold]"
"""Every hostile value starts with this: if it is on screen, the text was not read as markup."""


def hostile(kind: str) -> str:
    return f"{TAG}{kind}: {CORPUS[kind]}"


def _hostile_values() -> Any:
    return cycle(hostile(kind) for kind in CORPUS)


def _spoil(value: Any, values: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _spoil(v, values, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_spoil(v, values, key) for v in value]
    if isinstance(value, str) and key in FIELDS:
        return f"{next(values)} {value}"
    return value


HOSTILE_TEAM = [
    member.model_copy(update={"name": f"{TAG}{member.name} {CORPUS[kind][:40]}"})
    for member, kind in zip(TEAM, ("markup", "ansi", "bidi", "emoji", "combining"), strict=True)
]
"""The same team, each name carrying markup and one more kind of hostile text."""


def _actor(actor: Inspector | None) -> Inspector | None:
    return next((m for m in HOSTILE_TEAM if actor and m.id == actor.id), None)


def hostile_log() -> list[Event]:
    """Every fixture story (findings, evidence, grades, alerts, meetings, cases) with hostile free text, plus one
    finding per kind of hostile text, an answered enquiry, an informed senior manager and a withdrawal; renumbered
    into one log."""
    findings = seed_events()
    extra = [
        Event(seq=0, kind="finding.posted", actor=BEN, at=NOW - timedelta(minutes=60 - i),
              data={"finding_id": f"h-{kind}", "agency": "health", "kind": "weakness", "judgement_area": None,
                    "evidence_source": "case-file", "criterion": None, "child_id": None, "text": hostile(kind)})
        for i, kind in enumerate(CORPUS)
    ]
    answered = Event(seq=0, kind="enquiry.answered", actor=ASHA, at=NOW - timedelta(minutes=5),
                     data={"enquiry_id": ENQUIRY_TO_LA, "status": "answered", "finding_ids": ["f002"],
                           "answer": "Consent sits with social workers."})
    informed = Event(seq=0, kind="alert.informed", actor=ASHA, at=NOW - timedelta(minutes=3),
                     data={"alert_id": HARM_ID, "status": "informed", "informed_name": "Dana Whitfield",
                           "informed_role": "Director of Children's Services", "method": "phone",
                           "informed_at": "2026-11-18T10:20:00.000Z"})
    withdrawn = Event(seq=0, kind="finding.withdrawn", actor=ASHA, at=NOW - timedelta(minutes=4),
                      data={"finding_id": "f004", "reason": "Recorded against the wrong child."})
    stories = [*findings, *evidence_log(), *grade_log(1), *alert_log(), *meeting_log(), *case_log(1)]
    values = _hostile_values()
    seq = count(1)
    log = [
        event.model_copy(update={"seq": next(seq), "actor": _actor(event.actor), "data": _spoil(event.data, values)})
        for event in [*stories, answered, informed, withdrawn]
    ]
    return log + [event.model_copy(update={"seq": next(seq), "actor": _actor(event.actor)}) for event in extra]


def hostile_inspection() -> Inspection:
    return NORTHMOOR.model_copy(update={"name": hostile("markup")})


def hostile_store(path: Path, me: Inspector = ASHA) -> LocalStore:
    store = LocalStore(path)
    log = hostile_log()
    store.save_welcome(Welcome(inspector=_actor(me) or me, inspection=hostile_inspection(), epoch="hostile",
                               head=len(log), team=HOSTILE_TEAM, online=[m.id for m in HOSTILE_TEAM]))
    store.append(log)
    return store


def hostile_app(tmp_path: Path) -> TriangulateApp:
    return TriangulateApp(store=hostile_store(tmp_path / "cache.sqlite3"), now=lambda: NOW)

