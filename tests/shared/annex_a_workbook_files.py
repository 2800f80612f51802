"""An Annex A workbook as local authorities hand it over today: a guidance sheet, then "List 1" to "List 11", each
with its own columns, coded values ("a) Male", "k) APKN", "b) No"), "#N/A" blanks and formula cells.

Built with openpyxl in the test, so there is no binary fixture. Everything here is fictional.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

Rows = list[list[object]]

CHILD = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
AGE = '=DATEDIF(D{row},TODAY(),"Y")'
ETHNICITY_LOOKUP = "VLOOKUP(A{row},'List 1'!A:C,3,FALSE)"

# fmt: off
LISTS: dict[str, Rows] = {
    "List 1": [
        [*CHILD, "Disability", "Date of Contact", "Contact Source"],
        ["WB-01", "b) Female", "a) WBRI", "03/04/2015", AGE, "b) No", "01/10/2026", "a) Police"],
        ["WB-01", "b) Female", "a) WBRI", "03/04/2015", AGE, "b) No", "03/11/2026", "c) School"],
        ["WB-02", "a) Male", "k) APKN", "05/06/2012", AGE, "a) Yes", "02/11/2026", "#N/A"],
        ["WB-05", "a) Male", "a) WBRI", "07/07/2016", AGE, "b) No", "12/11/2026", "b) Health"],
    ],
    "List 2": [
        [*CHILD, "Early help assessment completion date", "Organisation completing early help assessment"],
        ["WB-03", "b) Female", "f) MWBA", "01/01/2016", AGE, "01/07/2026", "Northmoor Primary School"],
    ],
    "List 3": [
        [*CHILD, "Disability", "Date of Referral", "Referral Source",
         "Referral within 12 months of a previous referral", "Allocated Team", "Allocated Worker", "Referral NFA?",
         "Child's name"],
        ["WB-02", "a) Male", "=" + ETHNICITY_LOOKUP.format(row=2), "05/06/2012", AGE, "a) Yes", "04/11/2026",
         "a) Police", "a) Yes", "Assessment North", "Jo Bloggs", "b) No", "Ben Example"],
        ["WB-03", "b) Female", "=" + ETHNICITY_LOOKUP.format(row=3), "01/01/2016", AGE, "#N/A", "15/08/2026",
         "c) School", "b) No", "Family Support", "Omar Khan", "b) No", "Cara Example"],
        ["WB-04", "b) Female", "d) WOTH", "09/09/2011", AGE, "b) No", "32/11/2026", "a) Police", "b) No",
         "Assessment North", "Jo Bloggs", "a) Yes", "Dee Example"],
    ],
    "List 4": [
        [*CHILD, "Assessment start date", "Assessment completion date"],
        ["WB-03", "b) Female", "f) MWBA", "01/01/2016", AGE, "16/08/2026", "30/09/2026"],
    ],
    "List 5": [
        [*CHILD, "Strategy discussion initiating Section 47 enquiry start date",
         "Date of initial child protection conference"],
        ["WB-02", "a) Male", "k) APKN", "05/06/2012", AGE, "05/11/2026", "#N/A"],
    ],
    "List 6": [
        [*CHILD, "Allocated Team", "Allocated Worker", "CIN start date", "Case unallocated (Yes or No)"],
        ["WB-03", "b) Female", "f) MWBA", "01/01/2016", AGE, "Family Support", "Omar Khan", "01/10/2026", "b) No"],
    ],
    "List 7": [
        [*CHILD, "Child protection plan start date", "Category of abuse", "Number of previous child protection plans"],
        ["WB-06", "a) Male", "c) WIRT", "02/02/2009", AGE, "01/09/2026", "b) Neglect", 1],
    ],
    "List 8": [
        [*CHILD, "Legal status", "Date started to be looked after", "Placement type"],
        ["WB-06", "a) Male", "c) WIRT", "02/02/2009", AGE, "c) C2", "01/11/2026", "#N/A"],
        ["WB-07", "b) Female", "a) WBRI", "04/04/2010", AGE, "a) V2", "01/03/2026", "a) U1"],
    ],
    "List 9": [
        [*CHILD, "In touch with the local authority"],
        ["WB-08", "a) Male", "a) WBRI", "01/01/2006", AGE, "a) Yes"],
    ],
    "List 10": [
        [*CHILD, "Date of placement order"],
        ["WB-07", "b) Female", "a) WBRI", "04/04/2010", AGE, "01/06/2026"],
    ],
    "List 11": [
        ["Adopter unique ID", "Adopter name", "Date of approval"],
        ["AD-1", "Pat and Sam Adopter", "01/01/2026"],
    ],
}
# fmt: on

CHILDREN = ["WB-01", "WB-02", "WB-03", "WB-05", "WB-06", "WB-07", "WB-08"]
"""WB-04 is on List 3 only, with an impossible referral date: its one row is rejected."""
NAMES = ["Jo Bloggs", "Omar Khan", "Ben Example", "Cara Example", "Dee Example", "Pat and Sam Adopter"]
DATES_OF_BIRTH = ["03/04/2015", "05/06/2012", "01/01/2016", "2015-04-03", "2012-06-05"]


def write_workbook(path: Path, lists: dict[str, Rows] | None = None) -> Path:
    """A guidance sheet first, then the lists; the ethnicity lookups get the values Excel would have cached."""
    workbook = Workbook()
    guidance = workbook.active
    guidance.title = "Guidance"
    guidance.append(["Annex A: complete every list; leave blank where not applicable."])
    for name, rows in (LISTS if lists is None else lists).items():
        sheet = workbook.create_sheet(name)
        for number, row in enumerate(rows, start=1):
            sheet.append([cell.format(row=number) if isinstance(cell, str) and cell == AGE else cell for cell in row])
    workbook.save(path)
    return cache_formulas(path, {ETHNICITY_LOOKUP.format(row=2): ("str", "k) APKN"),
                                 ETHNICITY_LOOKUP.format(row=3): ("e", "#N/A")})


def cache_formulas(path: Path, cached: dict[str, tuple[str, str]]) -> Path:
    """Write the value Excel keeps beside a formula (openpyxl saves formulas without one): ``t`` is ``str`` for
    text, ``e`` for an error such as a lookup's ``#N/A``."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}

    def with_value(match: re.Match[str]) -> str:
        formula = match[2].replace("&amp;", "&").replace("&apos;", "'").replace("&quot;", '"')
        if formula not in cached:
            return match[0]
        kind, value = cached[formula]
        return f'<c r="{match[1]}" t="{kind}"><f>{match[2]}</f><v>{value}</v></c>'

    for name in [name for name in parts if name.startswith("xl/worksheets/")]:
        text = parts[name].decode()
        parts[name] = re.sub(r'<c r="([A-Z]+\d+)"><f>(.*?)</f><v ?/></c>', with_value, text).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path
