"""The catalogue (shared.catalogue) against the three places that must follow it: the server's handlers, the
app's folds and docs/protocol.md. A command without a handler would only surface as ``internal``; an event the
app cannot fold would be dropped without a word; a frame the documentation forgets misleads client authors."""

from __future__ import annotations

import ast
import re
from graphlib import TopologicalSorter
from pathlib import Path
from typing import get_type_hints

import pytest
from pydantic import BaseModel

from server.handlers.dispatch import HANDLERS, RECORDS
from shared.catalogue import COMMANDS, EVENTS, read
from tui.state import FOLDS, NOT_FOLDED

DOC = (Path(__file__).parents[1] / "docs" / "protocol.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command_type", sorted(COMMANDS))
def test_every_command_a_client_may_send_has_a_server_handler(command_type: str) -> None:
    assert COMMANDS[command_type] in HANDLERS, f"{command_type} has no handler in server.handlers.dispatch.HANDLERS"


@pytest.mark.parametrize("command", sorted(HANDLERS, key=lambda model: model.__name__), ids=lambda m: m.__name__)
def test_every_handler_returns_the_data_model_of_the_event_it_records(command: type[BaseModel]) -> None:
    kind = RECORDS[command]
    returned = get_type_hints(HANDLERS[command])["return"]
    assert kind in EVENTS, f"{kind} is not in the catalogue"
    assert isinstance(returned, type) and issubclass(EVENTS[kind], returned), (
        f"the handler of {command.__name__} returns {returned}, not the data of {kind} ({EVENTS[kind].__name__})"
    )


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_every_event_kind_has_a_client_fold_or_a_reason_not_to(kind: str) -> None:
    assert (kind in FOLDS) != (kind in NOT_FOLDED), f"{kind}: give it a fold in tui.state.FOLDS, or a reason"


def test_the_app_folds_only_kinds_of_the_catalogue() -> None:
    assert set(FOLDS) | set(NOT_FOLDED) <= set(EVENTS)


def _sections(level: str) -> list[str]:
    return re.findall(rf"^{level} (.+)$", DOC, re.M)


@pytest.mark.parametrize("command_type", sorted(COMMANDS))
def test_the_protocol_doc_has_a_section_for_every_command(command_type: str) -> None:
    assert any(f"`{command_type}`" in heading for heading in _sections("###")), (
        f"docs/protocol.md has no ### section naming `{command_type}`"
    )


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_the_protocol_doc_lists_every_event_kind_with_its_data(kind: str) -> None:
    row = re.search(rf"^\| `{re.escape(kind)}` \|(.*)\|$", DOC, re.M)
    assert row is not None, f"docs/protocol.md's table of events has no row for `{kind}`"
    fields = {name for name, info in EVENTS[kind].model_fields.items() if not info.exclude}
    missing = sorted(name for name in fields if f"`{name}`" not in row.group(1))
    if "fields" in row.group(1):  # "… and the alert's fields (§6)": named with the command, in its section
        missing = [name for name in missing if f"`{name}`" not in DOC and f'"{name}"' not in DOC]
    assert not missing, f"docs/protocol.md's row for `{kind}` does not name {missing}"


# Rows as earlier versions stored them: fields added since (the leadership flag, the warning reason, the sign-off
# withdrawn, a meeting's drafted agenda, an enquiry's children) are missing, and text kept before today's text
# rules may break them. The log is kept for years: each must still read, or the app would drop it without a word.
OLDER_ROWS = [
    ("grade.proposed", {"agency": "health", "judgement": "overall", "grade": "good", "rationale": "Strong."}),
    ("grade.agreed", {"agency": "health", "judgement": "overall", "grade": "good", "rationale": "Agreed.",
                      "warnings": []}),
    ("grade.challenged", {"agency": "health", "judgement": "overall", "comment": "Why?"}),
    ("grade.responded", {"agency": "health", "judgement": "overall", "response": "Because."}),
    ("meeting.opened", {"kind": "team", "day": "2026-11-18", "meeting_id": "m1"}),
    ("meeting.amended", {"meeting_id": "m1", "entry_id": "e1", "text": "Revised."}),
    ("enquiry.opened", {"to_inspectorate": "cqc", "question": "Q?", "why": "W.", "enquiry_id": "q1",
                        "status": "open"}),
    ("alert.noted", {"alert_id": "a1", "status": "noted"}),
    ("finding.linked", {"finding_id": "f1", "other_finding_id": "f2", "relation": "corroborates", "link_id": "l1"}),
    ("alert.updated", {"alert_id": "a1", "text": "bell\x07 and a zero\u200bwidth space, before the text rules"}),
    ("meeting.recorded", {"meeting_id": "m1", "entry": "note", "text": "\u200b\u200b", "entry_id": "e2"}),
]


@pytest.mark.parametrize(("kind", "data"), OLDER_ROWS, ids=[kind for kind, _ in OLDER_ROWS])
def test_an_event_an_older_version_stored_still_reads(kind: str, data: dict[str, object]) -> None:
    payload = read(kind, data)
    assert isinstance(payload, EVENTS[kind])
    assert payload.model_dump(include=set(data), mode="json") == data  # as it was stored, nothing cleaned away


def test_a_field_a_newer_server_adds_is_ignored_rather_than_the_event_dropped() -> None:
    payload = read("alert.seen", {"alert_id": "a1", "seen_on": "phone"})
    assert payload is not None and payload.model_dump() == {"alert_id": "a1"}


def _shared_imports() -> dict[str, set[str]]:
    """Each shared module → the shared modules it imports, wherever in the file (a lazy import counts too)."""
    graph: dict[str, set[str]] = {}
    for path in (Path(__file__).parents[1] / "shared").glob("*.py"):
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "shared":
                deps |= {f"shared.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("shared."):
                deps.add(str(node.module))
            elif isinstance(node, ast.Import):
                deps |= {alias.name for alias in node.names if alias.name.startswith("shared.")}
        graph[f"shared.{path.stem}"] = deps
    return graph


def test_shared_has_no_import_cycle() -> None:
    """Commands no longer register themselves on import: the catalogue imports the domain modules, never the
    other way round, so shared/ imports in one direction only."""
    TopologicalSorter(_shared_imports()).prepare()  # raises CycleError naming the cycle
