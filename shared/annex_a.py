"""Importing the Annex A list of children, keeping only what case sampling needs (child-protection framework ¶38, ¶51).

The local authority's spreadsheet carries dates of birth, workers' names and disability details. What survives the
import is a ``CaseRecord``: the child unique ID, an age band (the date of birth is read, banded and dropped), gender,
ethnicity, disability as yes/no, legal status, team, a pseudonym for the worker, and the case's dates. Nothing is
dropped silently: every row is either a case, a blank line (counted) or a rejection with its row, column and reason.
See docs/cases.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.annex_a_codes import ReferralType, decode, ethnicity, parse_referral_type, parse_yes_no
from shared.annex_a_headers import FIELD_LABELS, HeaderMap, find_header_row
from shared.annex_a_tables import AnnexAFileError, Sheet, read_sheets
from shared.annex_a_values import (
    NOT_RECORDED,
    UNALLOCATED,
    Cell,
    CellError,
    month_first_only,
    parse_date,
    parse_disability,
    parse_gender,
    parse_names,
    parse_text,
    worker_pseudonym,
)
from shared.annex_a_workbook import ChildList, child_lists, columns_of, merge_rows, sheets_not_read, unmapped_of
from shared.fields import ChildId
from shared.personal_data_names import NameIndex
from shared.text import TextRefused, clean
from shared.vocabulary import CHILD_ID, Labelled

__all__ = [
    "AgeBand",
    "AnnexAFileError",
    "CaseRecord",
    "CaseStatus",
    "ImportResult",
    "ReferralType",
    "RejectedRow",
    "age_band",
    "read_annex_a",
]

MAX_VALUE = 100
WORKER_PSEUDONYM = r"^Worker [0-9A-F]{6}$"
_CHILD_ID = re.compile(CHILD_ID)


class AgeBand(Labelled):
    """The children-in-need census bands, so the sample's age balance reads like the authority's own returns."""

    UNDER_1 = "under-1"
    AGE_1_4 = "1-4", "1–4"
    AGE_5_9 = "5-9", "5–9"
    AGE_10_15 = "10-15", "10–15"
    AGE_16_17 = "16-17", "16–17"
    AGE_18_PLUS = "18-plus", "18 and over"


class CaseStatus(Labelled):
    CURRENT = "current"
    CLOSED = "closed"


def age_band(date_of_birth: date, *, on: date) -> AgeBand:
    """The band a child is in on ``on``, counting whole years as a birthday does."""
    years = on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    for limit, band in ((1, AgeBand.UNDER_1), (5, AgeBand.AGE_1_4), (10, AgeBand.AGE_5_9), (16, AgeBand.AGE_10_15)):
        if years < limit:
            return band
    return AgeBand.AGE_16_17 if years < 18 else AgeBand.AGE_18_PLUS


Value = Annotated[str, Field(min_length=1, max_length=MAX_VALUE)]


class CaseRecord(BaseModel):
    """One child on the Annex A list, minimised: no date of birth, no names, no disability details."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    child_id: ChildId
    age_band: AgeBand | None = None
    gender: Value | None = None
    ethnicity: Value | None = None
    disability: bool | None = None
    legal_status: Value | None = None
    team: Value | None = None
    worker: Annotated[str, Field(pattern=WORKER_PSEUDONYM)] | None = None
    contact_date: date | None = None
    contact_source: Value | None = None
    referral_date: date | None = None
    referral_source: Value | None = None
    cp_plan_start: date | None = None
    cp_plan_end: date | None = None
    cin_start: date | None = None
    cin_end: date | None = None
    closed_date: date | None = None
    caf_date: date | None = None
    caf_organisation: Value | None = None
    unallocated: bool | None = None
    referral_type: ReferralType | None = None
    re_referral: bool | None = None
    icpc_date: date | None = None
    emergency_order: bool | None = None
    """Annex A: subject to emergency protection/care or supervision order/protected under police powers in the last
    six months."""
    lists: tuple[Annotated[int, Field(ge=1, le=10)], ...] | None = None
    """The lists of an Annex A workbook the child is on ("List 1" contacts … "List 10" adoption); ``None`` when the
    file was not a workbook of lists."""
    status: CaseStatus = CaseStatus.CURRENT

    @model_validator(mode="before")
    @classmethod
    def _derive_status(cls, data: Any) -> Any:
        """``status`` follows the closure date, so callers never have to keep the two in step."""
        if isinstance(data, dict) and "status" not in data:
            closed = data.get("closed_date") is not None
            return {**data, "status": CaseStatus.CLOSED if closed else CaseStatus.CURRENT}
        return data

    @model_validator(mode="after")
    def _status_matches_closure(self) -> CaseRecord:
        if (self.status is CaseStatus.CLOSED) != (self.closed_date is not None):
            raise ValueError("status: closed exactly when there is a closed_date")
        return self


class RejectedRow(BaseModel):
    """One reason a row was refused; a row with several problems has several entries with the same ``row``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    row: int = Field(ge=1)
    column: str | None
    reason: str
    child_id: ChildId | None = None
    sheet: str | None = None
    """The list's sheet, when a workbook's lists are read together (row numbers are then per sheet)."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import found. ``worker_names`` and ``family_names`` are the personal fields: see their notes."""

    cases: list[CaseRecord]
    rejected: list[RejectedRow]
    columns: dict[str, str]
    """Our field → the header it was read from (``date_of_birth`` included: it was read, then dropped)."""
    unmapped: list[str]
    """Headers we did not read (names, addresses, anything unrecognised): their contents are never kept."""
    worker_names: list[str] = field(repr=False)
    """Raw allocated-worker names, for the caller to build the personal-data guard's salted name index and then
    discard. They must never be stored, logged or sent: ``CaseRecord.worker`` is the pseudonym to use instead."""
    family_names: list[str] = field(default_factory=list, repr=False)
    """Raw names of the children and of their parents and carers, from whichever of those columns the file has:
    for the name index only, like ``worker_names``. Cases are known by their child unique ID."""
    blank_rows: int = 0
    header_row: int = 1
    sheet: str | None = None
    sheets_not_read: list[str] = field(default_factory=list)
    """A workbook's sheets that were not read, each with why ("List 11: adopters, not children")."""

    @property
    def ok(self) -> bool:
        """True when every non-blank row became a case (what ``--strict`` requires before committing anything)."""
        return not self.rejected

    @property
    def rejected_rows(self) -> list[int]:
        """Row numbers (of a single sheet; a workbook's lists number their rows each from 1)."""
        return sorted({rejection.row for rejection in self.rejected})

    @property
    def rejected_count(self) -> int:
        """How many rows were rejected, sheet by sheet."""
        return len({(rejection.sheet, rejection.row) for rejection in self.rejected})

    def name_index(self, salt: bytes) -> NameIndex:
        """The personal-data guard's salted digests of every name read: the one form the names may travel in."""
        return NameIndex.build(self.worker_names, salt, family=self.family_names)


DATE_FIELDS = (
    "contact_date", "referral_date", "cp_plan_start", "cp_plan_end", "cin_start", "cin_end", "closed_date", "caf_date",
    "icpc_date",
)
TEXT_FIELDS = ("ethnicity", "legal_status", "team", "contact_source", "referral_source", "caf_organisation")
YES_NO_FIELDS = ("unallocated", "re_referral", "emergency_order")
PERIODS = (("cp_plan_start", "cp_plan_end"), ("cin_start", "cin_end"))


def read_annex_a(
    path_or_bytes: Path | str | bytes, *, filename: str, today: date, pseudonym_salt: bytes
) -> ImportResult:
    """Read an Annex A CSV or XLSX file; raises ``AnnexAFileError`` only when no row can be read at all.

    A workbook with a sheet per list ("List 1" contacts … "List 10" adoption) is read whole: every child list,
    merged per child (``shared.annex_a_workbook``). Any other file is read from its best sheet.
    """
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    worker_pseudonym("salt check", salt=pseudonym_salt)  # refuse a weak salt before reading anything
    sheets = read_sheets(data, filename=filename, choose=_header_score)
    found = [(sheet, header) for sheet in sheets if (header := find_header_row(sheet.rows)) is not None]
    if not found:
        raise AnnexAFileError(f"{filename}: no header row naming a child unique ID column in the first rows")
    state = _Found(today=today, salt=pseudonym_salt)
    if lists := child_lists(found):
        return _read_lists(lists, sheets, state)
    sheet, (header_index, headers) = max(found, key=lambda item: len(item[1][1].index))
    reader = _Reader(sheet, header_index, headers, state)
    reader.read()
    return state.result(
        [state.finish(row.child_id, row.values) for row in reader.rows],
        columns=dict(headers.names), unmapped=list(headers.unmapped), header_row=header_index + 1, sheet=sheet.name,
    )


def _read_lists(lists: list[ChildList], sheets: list[Sheet], state: _Found) -> ImportResult:
    """Every child list read, then one record per child: the lists it is on, and each field from its first list."""
    rows: list[_Row] = []
    for child_list in lists:
        reader = _Reader(child_list.sheet, child_list.header_index, child_list.headers, state, repeats=True)
        reader.read()
        rows += [replace(row, values={**row.values, "lists": child_list.number}) for row in reader.rows]
    refused = {rejection.child_id.casefold() for rejection in state.rejected if rejection.child_id}
    merged = merge_rows([(row.child_id, row.values) for row in rows if row.child_id.casefold() not in refused])
    read = {child_list.sheet.name for child_list in lists}
    return state.result(
        [state.finish(child_id, values) for child_id, values in merged],
        columns=columns_of(lists),
        unmapped=unmapped_of(lists),
        header_row=lists[0].header_index + 1,
        sheet=", ".join(child_list.sheet.name or "" for child_list in lists),
        sheets_not_read=sheets_not_read(sheets, read),
    )


def _header_score(rows: list[tuple[Cell, ...]]) -> int:
    found = find_header_row(rows)
    return -1 if found is None else len(found[1].index)


@dataclass(frozen=True, slots=True)
class _Row:
    child_id: str
    values: dict[str, Any]


@dataclass
class _Found:
    """What spans rows and sheets: rejections, blank lines, one spelling per value, the names for the guard."""

    today: date
    salt: bytes
    rejected: list[RejectedRow] = field(default_factory=list)
    blank_rows: int = 0
    spellings: dict[str, dict[str, str]] = field(default_factory=dict)
    worker_names: dict[str, str] = field(default_factory=dict)
    family_names: dict[str, str] = field(default_factory=dict)

    def finish(self, child_id: str, values: dict[str, Any]) -> CaseRecord:
        values["closed_date"] = values["closed_date"] or _closure_from_episodes(values)
        return CaseRecord(child_id=child_id, **self._canonical(values))

    def _canonical(self, values: dict[str, Any]) -> dict[str, Any]:
        """One spelling per value across the file (the first seen), so ``White british`` joins ``White British``."""
        for name in (*TEXT_FIELDS, "gender"):
            if values[name] is not None:
                values[name] = self.spellings.setdefault(name, {}).setdefault(values[name].casefold(), values[name])
        return values

    def result(self, cases: list[CaseRecord], **found: Any) -> ImportResult:
        return ImportResult(cases=cases, rejected=self.rejected, worker_names=list(self.worker_names.values()),
                            family_names=list(self.family_names.values()), blank_rows=self.blank_rows, **found)


class _Reader:
    """One pass over the data rows of a sheet; a child ID seen twice is refused unless ``repeats`` (a list sheet
    has a row per contact or referral, merged afterwards)."""

    def __init__(self, sheet: Sheet, header_index: int, headers: HeaderMap, found: _Found, *,
                 repeats: bool = False) -> None:
        self.sheet, self.header_index, self.headers = sheet, header_index, headers
        self.found, self.repeats = found, repeats
        self.today, self.salt = found.today, found.salt
        self.rows: list[_Row] = []
        self.first_row: dict[str, int] = {}
        self.month_first = {
            name: self._month_first_row(name) for name in (*DATE_FIELDS, "date_of_birth") if name in headers.index
        }

    def read(self) -> None:
        pending_blanks = 0
        for number, row in self._data_rows():
            if all(parse_text(decode(cell)) is None for cell in row):
                pending_blanks += 1
                continue
            self.found.blank_rows, pending_blanks = self.found.blank_rows + pending_blanks, 0
            self._read_row(number, row)

    def _data_rows(self) -> list[tuple[int, tuple[Cell, ...]]]:
        start = self.header_index + 1
        return [(start + offset + 1, row) for offset, row in enumerate(self.sheet.rows[start:])]

    def _cell(self, row: tuple[Cell, ...], name: str) -> Cell:
        position = self.headers.index.get(name)
        return decode(row[position]) if position is not None and position < len(row) else None

    def _month_first_row(self, name: str) -> int | None:
        return next((number for number, row in self._data_rows() if month_first_only(self._cell(row, name))), None)

    def _read_row(self, number: int, row: tuple[Cell, ...]) -> None:
        problems: list[tuple[str, str]] = []
        child_id = self._child_id(number, row, problems)
        values: dict[str, Any] = {}
        for name in DATE_FIELDS:
            values[name] = self._date(row, name, problems)
        born = self._date(row, "date_of_birth", problems)
        if born is not None:
            values["age_band"] = age_band(born, on=self.today)
        values["gender"] = parse_gender(self._cell(row, "gender"))
        values["disability"] = parse_disability(self._cell(row, "disability"))
        for name in TEXT_FIELDS:
            text = parse_text(self._cell(row, name))
            values[name] = None if text is None or text.lower() in NOT_RECORDED else text
        values["ethnicity"] = ethnicity(values["ethnicity"])
        for name in YES_NO_FIELDS:
            values[name] = self._coded(row, name, parse_yes_no, problems)
        values["referral_type"] = self._coded(row, "referral_type", parse_referral_type, problems)
        values["worker"] = self._worker(row)
        if values["unallocated"] is None and (parse_text(self._cell(row, "worker")) or "").lower() in UNALLOCATED:
            values["unallocated"] = True  # "Unallocated" written in the worker column says the same
        self._family(row)
        self._check(values, problems)
        if problems:
            safe_id = child_id if _CHILD_ID.fullmatch(child_id) else None
            sheet = self.sheet.name if self.repeats else None
            self.found.rejected += [
                RejectedRow(row=number, column=self._header(name), reason=reason, child_id=safe_id, sheet=sheet)
                for name, reason in problems
            ]
            return
        self.rows.append(_Row(child_id, values))

    def _child_id(self, number: int, row: tuple[Cell, ...], problems: list[tuple[str, str]]) -> str:
        child_id = parse_text(self._cell(row, "child_id")) or ""
        if not child_id:
            problems.append(("child_id", "no child unique ID"))
            return ""
        key = child_id.casefold()
        if key in self.first_row and not self.repeats:
            problems.append(("child_id", f"duplicate child unique ID: first seen on row {self.first_row[key]}"))
        else:
            self.first_row[key] = number
        if not _CHILD_ID.fullmatch(child_id):
            problems.append(("child_id", "not a usable child unique ID: letters, digits, / _ - only, up to 32"))
        return child_id

    def _date(self, row: tuple[Cell, ...], name: str, problems: list[tuple[str, str]]) -> date | None:
        try:
            value = parse_date(self._cell(row, name), today=self.today, month_first_seen=self.month_first.get(name))
        except CellError as error:
            problems.append((name, str(error)))
            return None
        if value is not None and value > self.today:
            what = "date of birth" if name == "date_of_birth" else "date"
            problems.append((name, f"{what} is in the future (after {self.today:%d/%m/%Y}, the import date)"))
            return None
        return value

    def _coded(self, row: tuple[Cell, ...], name: str, parse: Callable[[Cell], Any],
               problems: list[tuple[str, str]]) -> Any:
        try:
            return parse(self._cell(row, name))
        except CellError as error:
            problems.append((name, str(error)))
            return None

    def _worker(self, row: tuple[Cell, ...]) -> str | None:
        name = parse_text(self._cell(row, "worker"))
        if name is None or name.lower() in UNALLOCATED:
            return None
        pseudonym = worker_pseudonym(name, salt=self.salt)
        self.found.worker_names.setdefault(name.casefold(), name)
        return pseudonym

    def _family(self, row: tuple[Cell, ...]) -> None:
        """The child's name (whole, or first name and surname from two columns) and every parent's or carer's."""
        first, surname = parse_text(self._cell(row, "child_first_name")), parse_text(self._cell(row, "child_surname"))
        names = parse_names(" ".join(part for part in (first, surname) if part)) if first or surname else []
        for name in self.headers.index:
            if name == "child_name" or name.startswith("parent_name"):
                names += parse_names(self._cell(row, name))
        for name in names:
            self.found.family_names.setdefault(name.casefold(), name)

    def _check(self, values: dict[str, Any], problems: list[tuple[str, str]]) -> None:
        for start, end in PERIODS:
            if values[start] and values[end] and values[end] < values[start]:
                problems.append((end, f"ends before it starts ({FIELD_LABELS[start]})"))
        for name in (*TEXT_FIELDS, "gender"):
            if values[name] is None:
                continue
            try:
                values[name] = clean(values[name]) or None  # the text rules every command's text follows
            except TextRefused as refused:
                problems.append((name, str(refused)))
                continue
            if values[name] and len(values[name]) > MAX_VALUE:
                problems.append((name, f"longer than {MAX_VALUE} characters"))

    def _header(self, name: str) -> str | None:
        return self.headers.names.get(name)


def _closure_from_episodes(values: dict[str, Any]) -> date | None:
    """With no closure column, a case is closed when its last episode ended after its last contact or referral."""
    if any(values[start] and not values[end] for start, end in PERIODS):
        return None
    ends = [values[end] for _, end in PERIODS if values[end]]
    activity = [values[name] for name in ("contact_date", "referral_date") if values[name]]
    if ends and max(ends) >= max(activity, default=date.min):
        return max(ends)
    return None
