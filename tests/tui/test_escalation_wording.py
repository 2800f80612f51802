"""Significant harm in the framework's own words (CP ¶32, ¶49), read from the source document itself.

¶32: "inspectors will immediately inform the relevant senior manager and confirm this in writing at the earliest
opportunity"; ¶49: "It is expected that any significant risk will be addressed immediately by those
responsible." Wherever the product words the escalation (the forms, the bar, the written confirmation, the
protocol) it uses those words, not a paraphrase.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from shared.alerts import ADDRESS_EXPECTATION, INFORM_DUTY, AlertStatus, InformMethod
from shared.confirmation import ConfirmationFacts, written_confirmation
from shared.vocabulary import Agency, Framework
from tests.seeds import needs_seeds, paragraph_body, sentence
from tui.alerts.book import STEP_CALLS

CP = Framework.CHILD_PROTECTION

PROTOCOL = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def duty() -> str:
    """CP ¶32's duty, from "inspectors will" to the end of the sentence."""
    return sentence(CP, 32, "inspectors will immediately")


def expectation() -> str:
    """CP ¶49's last sentence, with its full stop."""
    return sentence(CP, 49, "It is expected") + "."


@needs_seeds
def test_the_quoted_passages_are_the_documents_words() -> None:
    assert duty() == INFORM_DUTY
    assert expectation() == ADDRESS_EXPECTATION
    assert "inspectors will immediately inform the Director of Children's Services and confirm this in writing " \
        "at the earliest opportunity" in paragraph_body(CP, 49)  # ¶49 repeats ¶32's duty, naming the DCS


@needs_seeds
def test_the_bar_calls_for_the_informing_and_the_confirmation_in_cp32s_words() -> None:
    for step in (AlertStatus.INFORMED, AlertStatus.CONFIRMED):
        assert STEP_CALLS[step] in duty(), step


@needs_seeds
def test_the_written_confirmation_quotes_cp32_and_cp49() -> None:
    letter = written_confirmation(ConfirmationFacts(
        inspection_name="Joint inspection of Northmoor", timezone="Europe/London", child_id="NM-10234",
        agency=Agency.LOCAL_AUTHORITY, summary="Child left with a risk adult.", immediate_action="Visit today.",
        raised_at=datetime(2026, 11, 18, 9, 50, tzinfo=UTC), informed_name="Dana Whitfield",
        informed_role="Director of Children's Services", informed_at=datetime(2026, 11, 18, 10, 2, tzinfo=UTC),
        method=InformMethod.PHONE, lead_name="Asha Patel", contact="Asha Patel, on site",
    ))
    flowing = re.sub(r"\s+", " ", letter)
    assert duty() in flowing and expectation() in flowing
    assert "We expect the local authority" not in flowing  # the paraphrase it replaces


@needs_seeds
def test_the_protocol_quotes_the_same_words() -> None:
    text = re.sub(r"\s+", " ", PROTOCOL.read_text(encoding="utf-8")).casefold()
    quoted = expectation().removesuffix(".")  # quoted mid-sentence, its full stop after the citation
    assert duty().casefold() in text and quoted.casefold() in text
