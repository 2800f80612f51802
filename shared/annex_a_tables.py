"""Turning the file a local authority sends into rows of cells: CSV in any of the ways Excel saves it, or XLSX.

Kept apart from the Annex A rules so those never care where a row came from. Row numbers are the spreadsheet's own
(the first line is row 1), because that is what the person fixing the file sees.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shared.annex_a_values import Cell

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
DELIMITERS = (",", ";", "\t", "|")
SNIFF_LINES = 30


class AnnexAFileError(ValueError):
    """The whole file is unusable (wrong format, no header row): nothing in it can be imported."""


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table of cells; ``rows[i]`` is spreadsheet row ``i + 1``."""

    name: str | None
    rows: list[tuple[Cell, ...]]


def read_sheets(data: bytes, *, filename: str, choose: Callable[[list[tuple[Cell, ...]]], int]) -> list[Sheet]:
    """Every candidate table in the file; ``choose`` scores a table's top rows so CSV dialects can be told apart."""
    if data.startswith(OLE_MAGIC):
        raise AnnexAFileError(
            f"{filename} is an old-style .xls (or password-protected) workbook: save it as .xlsx or .csv"
        )
    if data.startswith(XLSX_MAGIC):
        return _xlsx_sheets(data, filename=filename)
    return [_csv_sheet(_decode(data, filename=filename), choose=choose)]


def _decode(data: bytes, *, filename: str) -> str:
    """Excel saves UTF-8 with a BOM, UTF-16 ("Unicode text") or Windows-1252; accept all three."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise AnnexAFileError(f"{filename} is neither a spreadsheet nor readable text") from None


def _csv_sheet(text: str, *, choose: Callable[[list[tuple[Cell, ...]]], int]) -> Sheet:
    """Pick the delimiter whose reading of the top lines finds the best header row (commas appear inside names)."""
    head = "\n".join(text.splitlines()[:SNIFF_LINES])
    delimiter = max(DELIMITERS, key=lambda d: (choose(_parse_csv(head, d)), head.count(d)))
    return Sheet(name=None, rows=_parse_csv(text, delimiter))


def _parse_csv(text: str, delimiter: str) -> list[tuple[Cell, ...]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [tuple(cell if cell.strip() else None for cell in row) for row in reader]


def _xlsx_sheets(data: bytes, *, filename: str) -> list[Sheet]:
    from openpyxl import load_workbook  # imported here: only imports of spreadsheets pay for it

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise AnnexAFileError(f"{filename} could not be opened as an .xlsx workbook ({type(error).__name__})") from None
    try:
        return [_xlsx_sheet(sheet) for sheet in workbook.worksheets]
    finally:
        workbook.close()


def _xlsx_sheet(sheet: Any) -> Sheet:
    """Rows from row 1 and column A even when they are empty, so row numbers match what Excel shows."""
    rows = sheet.iter_rows(min_row=1, min_col=1, max_row=sheet.max_row, values_only=True)
    return Sheet(name=sheet.title, rows=[tuple(_cell(value) for value in row) for row in rows])


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | bool | date | datetime):
        return value if not (isinstance(value, str) and not value.strip()) else None
    return str(value)  # times, durations, formula errors: text the row checks will refuse where it matters
