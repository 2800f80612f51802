"""Test data for Annex A: messy spreadsheets as local authorities send them, and a generated population of cases.

Everything here is fictional; names and dates are made up.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from shared.annex_a import AgeBand, CaseRecord

TODAY = date(2026, 11, 16)
SALT = b"northmoor-inspection-0001"

Row = Sequence[object]

# A Liquidlogic-style export: Annex A's own wording, with the group row above and a title above that.
TITLE_ROWS: list[Row] = [
    ["Annex A – Northmoor Children's Services – produced 16/11/2026"],
    ["Child details", None, None, None, None, None, "Contacts", None, "Case allocation details"],
]
CSV_HEADER: list[str] = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "DOB",
    "Legal Status",
    "Details of any disability",
    "Contact date",
    "Contact source",
    "Team name",
    "Allocated Social Worker",
    "Child's Name",
    "Date became subject of a child protection plan*",
    "Date ceased to be subject of a child protection plan",
    "Date services commenced",
    "Date services ceased",
]


def csv_rows() -> list[Row]:
    """Header row 1, then every kind of row a real export has; the comment says what each should become."""
    # fmt: off
    return [
        CSV_HEADER,
        # row 2: a clean current CP case
        ["NM-1001", "Female", "White British", "03/04/2015", "CPP", "", "01/10/2026", "Police", "Assessment North",
         "Jane Smith", "Amy Example", "14/10/2026", "", "", ""],
        # row 3: d/m/yy dates, M for male, disability details, the same worker written surname-first
        ["NM-1002", "M", "white british", "5/6/09", "CIN", "Autism", "2/9/26", "School", "Assessment North",
         "Smith, Jane", "Ben Example", "", "", "3/9/26", ""],
        # row 4: blank line
        ["", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
        # row 5: an impossible date of birth
        ["NM-1003", "Female", "Mixed – White and Black Caribbean", "31/02/2012", "CIN", "No", "", "", "Family Support",
         "Omar Khan", "Cara Example", "", "", "01/06/2026", ""],
        # row 6: no child ID
        ["", "Male", "Asian – Pakistani", "12/12/2012", "CIN", "", "", "", "Family Support", "Omar Khan",
         "Dan Example", "", "", "", ""],
        # row 7: a duplicate of row 2
        ["NM-1001", "Female", "White British", "03/04/2015", "CPP", "", "", "", "Assessment North", "Jane Smith",
         "Amy Example", "", "", "", ""],
        # row 8: ISO and 12-Mar-2024 style dates, a case closed in August (more than three months ago)
        ["NM-1004", "Male", "Black – African", "2019-01-20", "CIN", "None", "", "", "Family Support", "Omar Khan",
         "Eve Example", "", "", "12-Mar-2024", "20-Aug-2026"],
        # row 9: a date of birth in the future
        ["NM-1005", "Female", "White British", "01/01/2027", "Unborn", "", "", "", "Assessment North", "Jane Smith",
         "Fay Example", "", "", "", ""],
        # row 10: blank line again (trailing blank lines after this are not counted)
        ["", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
        # row 11: unallocated, CP plan ended inside the three months and nothing open: closed
        ["NM-1006", "Not known", "Not recorded", "10/10/2010", "CPP", "Y", "", "", "Duty and Assessment",
         "Unallocated", "Gus Example", "01/02/2025", "01/10/2026", "", ""],
        # row 12: rubbish in a date column, and an end before its start
        ["NM-1007", "Male", "White British", "not known yet", "CIN", "", "", "", "Family Support", "Omar Khan",
         "Hal Example", "", "", "01/06/2026", "01/05/2026"],
    ]
    # fmt: on


def write_csv(
    path: Path, rows: Sequence[Row], *, delimiter: str = ",", bom: bool = True, encoding: str = "utf-8"
) -> Path:
    """Written by hand rather than with ``csv`` so the quoting matches what Excel produces."""

    def field(value: object) -> str:
        text = "" if value is None else str(value)
        return f'"{text.replace(chr(34), chr(34) * 2)}"' if any(c in text for c in f'{delimiter}"\n') else text

    text = "\r\n".join(delimiter.join(field(value) for value in row) for row in rows) + "\r\n\r\n"
    path.write_bytes(("\ufeff" if bom and encoding == "utf-8" else "").encode(encoding) + text.encode(encoding))
    return path


def write_xlsx(path: Path, rows: Sequence[Row], *, title_rows: Sequence[Row] = (), sheets_before: int = 0) -> Path:
    """An XLSX with optional notes sheets first and title rows above the header, as an authority might send."""
    from openpyxl import Workbook

    workbook = Workbook()
    notes = workbook.active
    notes.title = "Notes"
    notes.append(["This workbook was produced for the inspection."])
    for extra in range(1, sheets_before):
        workbook.create_sheet(f"Notes {extra + 1}").append(["More notes"])
    sheet = workbook.create_sheet("Annex A") if sheets_before else notes
    if not sheets_before:
        sheet.delete_rows(1)
    for row in [*title_rows, *rows]:
        sheet.append(list(row))
    workbook.save(path)
    return path


def xlsx_rows() -> list[Row]:
    """Typed cells: datetime cells, an Excel serial, numeric IDs, booleans and a bad date string."""
    # fmt: off
    header = ["LA Child ID", "Sex", "Ethnic origin", "Date of Birth (DD/MM/YYYY)", "Current legal status",
              "Disability (Y/N)", "Referral date", "Referral source", "Allocated team", "Key worker",
              "CP plan start date", "CP plan end date", "CIN start date", "CIN end date", "Case closed date",
              "Home postcode"]
    return [
        header,
        [20001, "F", "White British", datetime(2014, 5, 1), "S31", True, datetime(2026, 10, 2), "Health",
         "Child Protection", "Priya Shah", datetime(2026, 10, 20), None, None, None, None, "NM1 1AA"],
        [20002, "M", "Asian – Indian", 41000, "S20", False, 46300, "Police", "Child Protection", "Priya Shah",
         None, None, datetime(2026, 9, 1), None, None, "NM1 2BB"],
        [None] * 16,
        [20003, "F", "Any other ethnic group", "32/13/2013", "CIN", "No", None, None, "Children in Need",
         "Tom Jones", None, None, datetime(2026, 1, 1), None, None, "NM2 3CC"],
        [20002, "M", "Asian – Indian", datetime(2012, 4, 1), "S20", False, None, None, "Child Protection",
         "Priya Shah", None, None, None, None, None, "NM1 2BB"],
        [20004.0, "Male", "White British", "12 Mar 2015", "CIN", "N", None, None, "Children in Need", "Tom Jones",
         None, None, datetime(2025, 1, 1), datetime(2025, 6, 1), datetime(2025, 6, 1), "NM2 4DD"],
    ]
    # fmt: on


# ------------------------------------------------------------------ a generated population
# fmt: off

AGE_WEIGHTS = {AgeBand.UNDER_1: 6, AgeBand.AGE_1_4: 20, AgeBand.AGE_5_9: 26, AgeBand.AGE_10_15: 34,
               AgeBand.AGE_16_17: 12, AgeBand.AGE_18_PLUS: 2}
GENDER_WEIGHTS = {"Male": 50, "Female": 47, None: 3}
DISABILITY_WEIGHTS = {False: 80, True: 12, None: 8}
ETHNICITY_WEIGHTS = {"White British": 62, "Asian – Pakistani": 9, "Black – African": 7, "Mixed – White and Asian": 6,
                     "White – Other": 6, "Asian – Indian": 4, "Black – Caribbean": 3, "Any other ethnic group": 2,
                     None: 1}
TEAMS = ("Assessment North", "Assessment South", "Family Support", "Child Protection", "Children in Need",
         "Disabled Children")
# fmt: on


def population(size: int = 2_000, *, seed: int = 7, today: date = TODAY) -> list[CaseRecord]:
    """A plausible caseload: skewed ethnicity, a few blanks, ~60 workers in six teams of unequal size, and closures
    spread over the last six months so about a quarter of closed cases fall outside the three-month window."""
    rng = random.Random(seed)
    workers = [(f"Worker {index:06X}", TEAMS[min(index % 9, 5)]) for index in range(60)]
    workers.append((None, "Duty and Assessment"))  # unallocated cases wait in the duty team

    def pick(weights: dict) -> object:
        return rng.choices(list(weights), weights=list(weights.values()))[0]

    cases = []
    for index in range(size):
        worker, team = rng.choice(workers)
        closed = today - timedelta(days=rng.randrange(0, 180)) if rng.random() < 0.3 else None
        cases.append(
            CaseRecord(
                child_id=f"GEN-{index:05d}",
                age_band=pick(AGE_WEIGHTS),
                gender=pick(GENDER_WEIGHTS),
                ethnicity=pick(ETHNICITY_WEIGHTS),
                disability=pick(DISABILITY_WEIGHTS),
                legal_status=rng.choice(["CIN", "CPP", "S20", "S31"]),
                team=team,
                worker=worker,
                referral_date=today - timedelta(days=rng.randrange(30, 900)),
                closed_date=closed,
            )
        )
    return cases
