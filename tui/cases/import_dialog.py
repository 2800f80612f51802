"""The lead's Annex A import: read the file here, show what was found and every rejected row, then send the cases.

The spreadsheet is read on this laptop with ``shared.annex_a.read_annex_a`` (the same reader as
``triangulate cases import``), using today in the inspection's time zone and the inspection's salt, so worker
pseudonyms match a CLI import. Only minimised ``CaseRecord``s leave the laptop, in batches the server's frame limit
allows; the names (workers', children's, parents', carers') are turned into the personal-data guard's salted
digests at once, and the names are dropped with the reader's result (¶51, docs/cases.md). Strict mode is decided
here: with any rejection, nothing is sent.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, Static

from shared.annex_a import AnnexAFileError, CaseRecord, RejectedRow, read_annex_a
from shared.annex_a_headers import FIELD_LABELS
from shared.cases import MAX_BATCH, MAX_DIGESTS, ImportCases
from tui.dialogs.buttons import send_row
from tui.dialogs.command_form import SendDialog
from tui.widgets.footer import KeyFooter
from tui.widgets.plain import assemble, plain
from tui.widgets.plain_fields import PlainInput

MAX_SOURCE = 200
FRAME_BYTES = 60 * 1024
"""What one batch's cases and digests may take: under the 64 KiB frame, leaving room for the rest of the frame."""
CASE_BYTES = 40 * 1024
"""What one batch's cases may take, so most batches have room for some of the digests too."""
DIGEST_BYTES = 67
"""One digest in the frame: 64 hex characters, two quotes and a comma."""


@dataclass(frozen=True)
class ReadFile:
    """What the reader found, less the people's names: only their digests are kept."""

    source: str
    cases: tuple[CaseRecord, ...]
    rejected: tuple[RejectedRow, ...]
    columns: dict[str, str]
    unmapped: tuple[str, ...]
    blank_rows: int
    header_row: int
    sheet: str | None
    digests: tuple[str, ...]
    sheets_not_read: tuple[str, ...] = ()


def read_file(path: Path, *, today: date, salt: bytes) -> ReadFile:
    """Read and minimise; the names live only inside this call."""
    result = read_annex_a(path, filename=path.name, today=today, pseudonym_salt=salt)
    digests = tuple(sorted(result.name_index(salt).digests))  # sorted: no trace of name order
    return ReadFile(path.name[:MAX_SOURCE], tuple(result.cases), tuple(result.rejected), dict(result.columns),
                    tuple(result.unmapped), result.blank_rows, result.header_row, result.sheet, digests,
                    tuple(result.sheets_not_read))


def import_batches(cases: Sequence[CaseRecord], digests: Sequence[str], source: str) -> list[ImportCases]:
    """The cases in batches that fit a frame, the name digests spread evenly across them.

    A batch holds at most MAX_BATCH cases and CASE_BYTES of them, and its digests must fit in what is left of
    FRAME_BYTES. A batch must carry a case, so when the digests do not fit, extra batches repeat the last case:
    importing a case again replaces it, so this changes nothing but the guard's index.
    """
    chunks: list[list[CaseRecord]] = []
    used: list[int] = []
    for case in cases:
        size = len(case.model_dump_json().encode()) + 1
        if not chunks or len(chunks[-1]) == MAX_BATCH or used[-1] + size > CASE_BYTES:
            chunks.append([])
            used.append(0)
        chunks[-1].append(case)
        used[-1] += size
    if not chunks:
        return []
    caps = [min(MAX_DIGESTS, (FRAME_BYTES - size) // DIGEST_BYTES) for size in used]
    while sum(caps) < len(digests):
        chunks.append([cases[-1]])
        caps.append(MAX_DIGESTS)
    counts = [0] * len(caps)
    left = len(digests)
    for done, index in enumerate(sorted(range(len(caps)), key=caps.__getitem__)):  # smallest room first
        counts[index] = min(caps[index], math.ceil(left / (len(caps) - done)))
        left -= counts[index]
    starts = [sum(counts[:i]) for i in range(len(counts))]
    return [
        ImportCases(id=uuid.uuid4().hex, cases=chunk, name_digests=list(digests[start:start + count]), source=source)
        for chunk, start, count in zip(chunks, starts, counts, strict=True)
    ]


def describe(found: ReadFile) -> Content:
    """Counts, every rejected row with its column and reason, then the columns read and ignored."""
    rows = len({(r.sheet, r.row) for r in found.rejected})
    sheet = f", sheet “{found.sheet}”" if found.sheet else ""
    parts: list[str | tuple[str, str]] = [
        (f"{found.source}: {len(found.cases)} cases", "bold"),
        f" · {rows} rows rejected ({len(found.rejected)} problems) · {found.blank_rows} blank rows"
        f" · header on row {found.header_row}{sheet}\n",
    ]
    if found.rejected:
        parts.append(("Rejected rows (fix them in the spreadsheet and import it again):\n", "bold $text-warning"))
        for r in found.rejected:
            where = f"{r.sheet} row {r.row}" if r.sheet else f"row {r.row:<5}"
            parts += [(f"  {where} ", "$text-accent"), f"{r.column or '—'}: {r.reason}"]
            parts.append(f"  ({r.child_id})\n" if r.child_id else "\n")
    else:
        parts.append(("Every row was read.\n", "$text-success"))
    parts += [
        ("Columns read: ", "$text-muted"),
        "; ".join(f"{FIELD_LABELS.get(name, name)} ← “{header}”" for name, header in found.columns.items()) + "\n",
    ]
    if found.unmapped:
        parts += [("Not read (their contents are ignored): ", "$text-muted"), "; ".join(found.unmapped) + "\n"]
    if found.sheets_not_read:
        parts += [("Sheets not read: ", "$text-muted"), "; ".join(found.sheets_not_read) + "\n"]
    return assemble(*parts)


class CaseImport(SendDialog[list[ImportCases]]):
    """Returns the batches to send, or None if cancelled."""

    DEFAULT_CSS = """
    CaseImport > #case-import { width: 96; height: 100%; max-height: 40; }
    CaseImport #case-import-title { text-style: bold; }
    CaseImport #case-import-intro { color: $text-muted; }
    CaseImport .row { height: auto; margin-top: 1; }
    CaseImport .row > Label { width: 6; color: $text-muted; }
    CaseImport #case-path { width: 1fr; }
    CaseImport #case-found { height: 1fr; margin-top: 1; }
    CaseImport #case-error { color: $text-error; height: auto; }
    CaseImport #buttons { margin-top: 0; }
    """
    """The list of what was found takes the room left, and scrolls: the buttons stay on screen at 80×24."""

    @dataclass
    class Read(Message):
        """The reader's worker finished: what it found, or why the file could not be read."""

        path: str
        found: ReadFile | None
        error: str | None

    def __init__(self, *, today: date, salt: bytes | None) -> None:
        super().__init__()
        self._today = today
        self._salt = salt
        self.found: ReadFile | None = None
        self._read_path = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="case-import"):
            yield Label("Import the Annex A list", id="case-import-title")
            yield Static("CSV or XLSX as the local authority sent it. Only child IDs, age bands, worker pseudonyms "
                         "and dates are kept: names and dates of birth never leave this laptop.",
                         id="case-import-intro")
            with Horizontal(classes="row"):
                yield Label("File")
                yield PlainInput(placeholder="path to the file, then Enter to read it", compact=True, id="case-path")
            yield Checkbox("Strict: send nothing if any row is rejected", id="case-strict", compact=True)
            with VerticalScroll(id="case-found"):
                yield Static(id="case-found-body")
            yield Label("", id="case-error")
            yield send_row("Send")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#case-path", Input).focus()

    # ------------------------------------------------------------------ reading

    @property
    def path_text(self) -> str:
        return self.query_one("#case-path", Input).value.strip()

    @property
    def found_text(self) -> str:
        return str(self.query_one("#case-found-body", Static).content)

    @property
    def error_text(self) -> str:
        return str(self.query_one("#case-error", Label).content)

    @on(Input.Submitted, "#case-path")
    def _submitted(self) -> None:
        self.action_read()

    def action_read(self) -> None:
        path = self.path_text
        if not path:
            self._error("Type the path to the file first.")
            return
        if self._salt is None:
            self._error("The server has not sent this inspection's salt yet: connect, then try again.")
            return
        self._error("Reading…")
        self._read(path, self._today, self._salt)

    @work(thread=True, exclusive=True, group="annex-a")
    def _read(self, path: str, today: date, salt: bytes) -> None:
        """In a thread: a workbook of a few thousand rows takes a moment, and the screen stays live meanwhile."""
        try:
            found = read_file(Path(path).expanduser(), today=today, salt=salt)
        except (AnnexAFileError, OSError, ValueError) as problem:
            self.post_message(self.Read(path, None, str(problem)))
            return
        self.post_message(self.Read(path, found, None))

    @on(Read)
    def _show(self, message: Read) -> None:
        self.found = message.found
        self._read_path = message.path
        self.query_one("#case-found-body", Static).update(describe(message.found) if message.found else "")
        self._error(message.error or "")
        self.query_one("#send", Button).label = (f"Send {len(message.found.cases)} cases  ctrl+s" if message.found
                                                 else "Send  ctrl+s")

    @on(Input.Changed, "#case-path")
    def _forget(self) -> None:
        """A different path: what was read no longer matches what would be sent."""
        if self.found is not None and self.path_text != self._read_path:
            self.found = None
            self.query_one("#case-found-body", Static).update("")
            self.query_one("#send", Button).label = "Send  ctrl+s"

    def _error(self, text: str) -> None:
        self.query_one("#case-error", Label).update(plain(text))

    # ------------------------------------------------------------------ sending

    def action_submit(self) -> None:
        found = self.found
        if found is None:
            self._error("Read a file first: type its path and press Enter.")
            return
        if self.query_one("#case-strict", Checkbox).value and found.rejected:
            rows = len({(r.sheet, r.row) for r in found.rejected})
            self._error(f"Strict: {rows} rows were rejected, so nothing is sent. Fix them, or untick strict.")
            return
        if not found.cases:
            self._error("No row could be read as a case: nothing to send.")
            return
        self.dismiss(import_batches(found.cases, found.digests, found.source))
