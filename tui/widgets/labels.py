"""Short labels for narrow list columns; the full labels live in shared.vocabulary and show in the detail pane."""

from __future__ import annotations

from shared.triangulation import Corroboration
from shared.vocabulary import Agency, FindingKind, Inspectorate, JudgementArea

INSPECTORATE_SHORT: dict[str, str] = {
    Inspectorate.OFSTED: "Ofsted",
    Inspectorate.CQC: "CQC",
    Inspectorate.HMIC: "HMIC",
    Inspectorate.HMI_PROBATION: "HMI Prob",
    Inspectorate.HMI_PRISONS: "HMI Pris",
}

AGENCY_SHORT: dict[str, str] = {
    Agency.LOCAL_AUTHORITY: "LA",
    Agency.HEALTH: "Health",
    Agency.POLICE: "Police",
    Agency.PROBATION: "Probation",
    Agency.YOT: "YOT",
    Agency.CUSTODY: "Custody",
    Agency.LSCB: "LSCB",
}

KIND_SHORT: dict[str, str] = {
    FindingKind.STRENGTH: "Strength",
    FindingKind.WEAKNESS: "Weakness",
    FindingKind.AREA_FOR_IMPROVEMENT: "Improvement",
    FindingKind.GOOD_PRACTICE: "Good pract.",
    FindingKind.NOTE: "Note",
}

AREA_SHORT: dict[str, str] = {
    JudgementArea.HELP_AND_PROTECTION: "Help/protection",
    JudgementArea.LOOKED_AFTER: "Looked after",
    JudgementArea.LEADERSHIP: "Leadership",
    JudgementArea.LSCB_EFFECTIVENESS: "LSCB",
    JudgementArea.QUALITY_OF_PRACTICE: "Practice",
}

SUPPORT_SHORT: dict[str, str] = {
    Corroboration.SINGLE_SOURCE: "single source",
    Corroboration.CORROBORATED: "corroborated",
    Corroboration.CONTESTED: "contested",
}

SUPPORT_MARK: dict[str, str] = {
    Corroboration.SINGLE_SOURCE: "·",
    Corroboration.CORROBORATED: "✓",
    Corroboration.CONTESTED: "≠",
}
"""One character per corroboration status, in the board's "✓" column: single source, corroborated, contested."""

STATUS_MARK: dict[str, str] = {"saved": " ", "sending": "…", "unsent": "⇡", "rejected": "✗"}
"""One character per finding status, so a glance at the list shows what has not reached the server."""

STATUS_TEXT: dict[str, str] = {
    "saved": "saved",
    "sending": "sending…",
    "unsent": "unsent — waiting for the connection",
    "rejected": "rejected by the server",
}


def short(table: dict[str, str], value: str | None) -> str:
    """Look up a short label, falling back to the value itself for anything newer than this client."""
    if value is None:
        return ""
    return table.get(value, str(value))
