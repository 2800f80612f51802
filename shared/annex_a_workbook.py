"""Annex A as local authorities hand it over today: one workbook, a sheet per list, merged into one record per child.

"List 1" contacts, "List 2" early help, "List 3" referrals … "List 8" children looked after, "List 9" care leavers,
"List 10" adoption: each has its own columns, and a child appears on every list that concerns them, on a list of
contacts once per contact. "List 11" is adopters, who are not children: it is never read. Whatever is not read is
said, sheet by sheet, so nothing is ignored silently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shared.annex_a_headers import FIELD_LABELS, HeaderMap, find_header_row
from shared.annex_a_tables import Sheet

_LIST_SHEET = re.compile(r"^\s*list\s*(\d{1,2})\b", re.IGNORECASE)
CHILD_LISTS = range(1, 11)
ADOPTERS = 11

LATEST = (("contact_date", "contact_source"), ("referral_date", "referral_source"))
"""A child contacted or referred more than once: the latest contact (or referral) is kept, with its source."""


@dataclass(frozen=True, slots=True)
class ChildList:
    number: int
    sheet: Sheet
    header_index: int
    headers: HeaderMap


def list_number(sheet: Sheet) -> int | None:
    match = _LIST_SHEET.match(sheet.name or "")
    return int(match[1]) if match else None


def child_lists(found: Sequence[tuple[Sheet, tuple[int, HeaderMap]]]) -> list[ChildList]:
    """The sheets named "List 1" to "List 10" that have a child unique ID column, in list order."""
    lists = []
    for sheet, (index, headers) in found:
        number = list_number(sheet)
        if number is not None and number in CHILD_LISTS:
            lists.append(ChildList(number, sheet, index, headers))
    return sorted(lists, key=lambda child_list: child_list.number)


def sheets_not_read(sheets: Sequence[Sheet], read: set[str | None]) -> list[str]:
    """Every other sheet, with why, so the lead can see what was left out."""
    why = []
    for sheet in sheets:
        if sheet.name in read:
            continue
        if list_number(sheet) == ADOPTERS:
            why.append(f"{sheet.name}: adopters, not children")
        elif find_header_row(sheet.rows) is None:
            why.append(f"{sheet.name}: no child unique ID column")
        else:
            why.append(f"{sheet.name}: not one of Annex A's child lists (List 1 to List 10)")
    return why


def columns_of(lists: Sequence[ChildList]) -> dict[str, str]:
    """Each field read, with its header and the lists it was read from: ``“Gender” (List 1, 2, 3)``."""
    found: dict[str, dict[str, list[int]]] = {}
    for child_list in lists:
        for name, header in child_list.headers.names.items():
            found.setdefault(name, {}).setdefault(header, []).append(child_list.number)
    ordered = sorted(found.items(), key=lambda item: _order(item[0]))
    return {name: "; ".join(f"{header} ({_lists(numbers)})" for header, numbers in headers.items())
            for name, headers in ordered}


def unmapped_of(lists: Sequence[ChildList]) -> list[str]:
    """Each header not read, with the lists it is on: ``Category of abuse (List 7)``."""
    found: dict[str, list[int]] = {}
    for child_list in lists:
        for header in child_list.headers.unmapped:
            found.setdefault(header, []).append(child_list.number)
    return [f"{header} ({_lists(numbers)})" for header, numbers in found.items()]


def _lists(numbers: Sequence[int]) -> str:
    return f"List {', '.join(map(str, numbers))}"


def _order(name: str) -> int:
    labels = list(FIELD_LABELS)
    return labels.index(name) if name in labels else len(labels)


def merge_rows(rows: Sequence[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """One child's rows from every list as one set of values, children in order of first appearance.

    ``values["lists"]`` is the list a row came from; the merged values carry every list the child is on. Each field
    takes the first value given, in list order, except the latest contact and referral (``LATEST``).
    """
    merged: dict[str, tuple[str, dict[str, Any]]] = {}
    for child_id, values in rows:
        key = child_id.casefold()
        if key not in merged:
            merged[key] = (child_id, {**values, "lists": {values["lists"]}})
            continue
        kept = merged[key][1]
        kept["lists"].add(values["lists"])
        for date_field, source in LATEST:
            if values[date_field] is not None and (kept[date_field] is None or values[date_field] > kept[date_field]):
                kept[date_field], kept[source] = values[date_field], values[source]
        for name, value in values.items():
            if kept.get(name) is None:
                kept[name] = value
    return [(child_id, {**values, "lists": tuple(sorted(values["lists"]))}) for child_id, values in merged.values()]
