"""An inspection's archive: one zip file holding its events as JSON lines, its report and a manifest with its chain
head, which ``triangulate audit verify --archive`` checks offline, without the database it came from.

The manifest names each file's SHA-256 and the chain head; the events carry their content hashes and chain, so
the same check as on the database (server/storage/audit.py) proves the log complete and unchanged, and the head
ties it to the report inside and to the tombstone left when the inspection is purged.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from server.storage import audit, chain
from server.storage.database import as_utc as utc
from shared.private_files import PRIVATE_FILE

FORMAT = "triangulate-archive/1"
EVENTS = "events.jsonl"
REPORT = "report.md"
MANIFEST = "manifest.json"


class ArchiveError(ValueError):
    """The file is not an archive this version can check, or its parts do not match its manifest."""


def line(event: audit.Stored) -> str:
    """One event as a JSON line, every field the chain covers, as stored."""
    return json.dumps({
        "seq": event.seq, "kind": event.kind, "actor_id": event.actor_id, "at": utc(event.at).isoformat(),
        "command_id": event.command_id, "data": event.data, "content_hash": event.content_hash,
        "chain": event.chain, "frame": event.frame,
    }, ensure_ascii=False, separators=(",", ":"))


def write(out: Path, *, inspection: dict[str, Any], events: Iterable[audit.Stored], report: str, at: datetime) -> dict[
    str, Any
]:
    """Write the archive to ``out`` (replaced whole, or left as it was: written beside it, then renamed); returns
    its manifest."""
    lines, head_seq, head_chain = [], 0, None
    for event in events:
        lines.append(line(event) + "\n")
        head_seq, head_chain = event.seq, event.chain
    events_text = "".join(lines)
    manifest = {
        "format": FORMAT,
        "inspection": inspection,
        "archived_at": utc(at).isoformat(),
        "events": len(lines),
        "head": {"seq": head_seq, "chain": head_chain},
        "files": {EVENTS: chain.hash_text(events_text), REPORT: chain.hash_text(report)},
    }
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    os.close(handle)
    try:
        os.chmod(temporary, PRIVATE_FILE)  # it holds the inspection
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            bundle.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
            bundle.writestr(EVENTS, events_text)
            bundle.writestr(REPORT, report)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return manifest


def verify(path: Path) -> tuple[dict[str, Any], audit.Verdict]:
    """Check the archive at ``path``: its parts against the manifest, and its events against their chain."""
    try:
        with zipfile.ZipFile(path) as bundle:
            manifest = json.loads(bundle.read(MANIFEST))
            events_text = bundle.read(EVENTS).decode()
            report = bundle.read(REPORT).decode()
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ArchiveError(f"not a Triangulate archive: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(f"not a Triangulate archive: its manifest is not {FORMAT}")
    for name, text in ((EVENTS, events_text), (REPORT, report)):
        if manifest.get("files", {}).get(name) != chain.hash_text(text):
            raise ArchiveError(f"{name} does not match the manifest's hash of it: altered")
    head = manifest.get("head") or {}
    verdict = audit.verify(map(_stored, events_text.splitlines()), head=int(head.get("seq", 0)))
    if verdict.intact and verdict.head_chain != (head.get("chain") or chain.GENESIS):
        raise ArchiveError("the events' chain head is not the manifest's: altered")
    return manifest, verdict


def _stored(text: str) -> audit.Stored:
    try:
        row = json.loads(text)
        return audit.Stored(
            seq=int(row["seq"]), kind=str(row["kind"]), actor_id=row["actor_id"],
            at=datetime.fromisoformat(row["at"]), command_id=str(row["command_id"]),
            data=row["data"] if isinstance(row["data"], dict) else {"unreadable": row["data"]},
            content_hash=str(row["content_hash"]), chain=str(row["chain"]), frame=row["frame"],
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise ArchiveError(f"an event line cannot be read ({exc}): altered") from None
