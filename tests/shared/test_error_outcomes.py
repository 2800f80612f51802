"""Which error codes take a command out of a client's outbox: one table (shared.protocol) for the docs, the server
and the client."""

from __future__ import annotations

import re
from pathlib import Path

from shared.protocol import NOT_PROCESSED, REFUSED_FOR_GOOD, ErrorCode, refused_for_good

CODES = {value for name, value in vars(ErrorCode).items() if name.isupper()}
PROTOCOL_DOC = Path(__file__).parents[2] / "docs" / "protocol.md"


def test_every_error_code_is_either_final_or_retried() -> None:
    assert REFUSED_FOR_GOOD | NOT_PROCESSED == CODES
    assert not REFUSED_FOR_GOOD & NOT_PROCESSED


def test_what_failed_is_retried_and_what_was_refused_is_final() -> None:
    for code in (ErrorCode.INTERNAL, ErrorCode.RATE_LIMITED):
        assert not refused_for_good(code)
    for code in (ErrorCode.INVALID, ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND, ErrorCode.CONFLICT,
                 ErrorCode.PERSONAL_DATA, ErrorCode.OUT_OF_ORDER):
        assert refused_for_good(code)


def test_a_code_from_a_newer_server_keeps_the_command() -> None:
    assert not refused_for_good("quota_exceeded")


def test_the_protocol_doc_says_the_same() -> None:
    """docs/protocol.md lists the final and the retried codes under its error table."""
    text = PROTOCOL_DOC.read_text()

    def listed(label: str) -> set[str]:
        item = re.search(rf"^- \*\*{label}\*\* .*?(?=^- |^$)", text, re.MULTILINE | re.DOTALL)
        assert item is not None, f"no '{label}' item in {PROTOCOL_DOC.name}"
        return set(re.findall(r"`([a-z_]+)`(?=[,.])", item.group()))

    assert listed("Final") == REFUSED_FOR_GOOD
    assert listed("Retried") == NOT_PROCESSED
