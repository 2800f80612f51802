"""The written confirmation to the senior manager after a significant-harm escalation (CP ¶32, ¶49).

It quotes the framework's own words for the duty and the expectation (shared.alerts), not a paraphrase.
Built only from the alert's recorded facts: the child appears by child unique ID alone, never by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from shared.alerts import ADDRESS_EXPECTATION, INFORM_DUTY, InformMethod
from shared.vocabulary import Agency


@dataclass(frozen=True)
class ConfirmationFacts:
    inspection_name: str
    timezone: str
    child_id: str
    agency: Agency
    summary: str
    immediate_action: str
    raised_at: datetime
    informed_name: str
    informed_role: str
    informed_at: datetime
    method: InformMethod
    lead_name: str
    contact: str
    """How the senior manager can reach the inspection team (the lead's name, or a phone number)."""


HOW_TOLD = {
    InformMethod.IN_PERSON: "in person",
    InformMethod.PHONE: "by telephone",
    InformMethod.VIDEO: "by video call",
}


def _local(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%A %d %B %Y at %H:%M")


def written_confirmation(facts: ConfirmationFacts) -> str:
    """Plain text to paste into an email or letter."""
    when = _local(facts.informed_at, facts.timezone)
    return "\n".join(
        [
            f"Dear {facts.informed_name},",
            "",
            f"{facts.inspection_name}: confirmation of a significant-harm concern",
            "",
            f"I am writing to confirm what I told you {HOW_TOLD[facts.method]} on {when}, in your role as "
            f"{facts.informed_role}. During the inspection, inspectors identified an unresolved issue of "
            f"significant risk of harm to a child. The inspection framework says that {INFORM_DUTY}: this "
            "letter is that confirmation.",
            "",
            f"Child unique ID: {facts.child_id}",
            f"Service concerned: {facts.agency.label}",
            f"Identified: {_local(facts.raised_at, facts.timezone)}",
            "",
            "What inspectors found:",
            facts.summary.strip(),
            "",
            "Immediate action requested:",
            facts.immediate_action.strip(),
            "",
            f"{ADDRESS_EXPECTATION} Please tell us what action has been taken, and by whom.",
            "",
            f"Contact: {facts.contact}",
            "",
            "Yours sincerely,",
            facts.lead_name,
            "Lead inspector",
        ]
    )
