"""Importing Annex A: messy real-world files in, minimised case records and an honest list of rejections out."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.annex_a import AgeBand, AnnexAFileError, CaseRecord, CaseStatus, ImportResult, age_band, read_annex_a
from shared.annex_a_headers import match_header
from shared.annex_a_values import CellError, parse_date, parse_disability, parse_gender, worker_pseudonym
from tests.shared.annex_a_files import CSV_HEADER, SALT, TITLE_ROWS, TODAY, csv_rows, write_csv, write_xlsx, xlsx_rows


def read(path: Path, *, salt: bytes = SALT) -> ImportResult:
    return read_annex_a(path, filename=path.name, today=TODAY, pseudonym_salt=salt)


def by_id(result: ImportResult) -> dict[str, CaseRecord]:
    return {case.child_id: case for case in result.cases}


def reasons(result: ImportResult) -> dict[int, list[tuple[str | None, str]]]:
    found: dict[int, list[tuple[str | None, str]]] = {}
    for rejection in result.rejected:
        found.setdefault(rejection.row, []).append((rejection.column, rejection.reason))
    return found


# ------------------------------------------------------------------ a messy CSV


@pytest.fixture
def messy_csv(tmp_path: Path) -> ImportResult:
    return read(write_csv(tmp_path / "annex-a.csv", csv_rows()))


def test_every_row_is_a_case_a_blank_or_a_rejection(messy_csv: ImportResult) -> None:
    assert [case.child_id for case in messy_csv.cases] == ["NM-1001", "NM-1002", "NM-1004", "NM-1006"]
    assert messy_csv.rejected_rows == [5, 6, 7, 9, 12]
    assert messy_csv.blank_rows == 2
    data_rows = len(csv_rows()) - 1
    assert len(messy_csv.cases) + len(messy_csv.rejected_rows) + messy_csv.blank_rows == data_rows
    assert not messy_csv.ok


def test_rejections_name_the_row_the_column_and_the_reason(messy_csv: ImportResult) -> None:
    found = reasons(messy_csv)
    assert found[5] == [("DOB", "no such date (day 31, month 2)")]
    assert found[6] == [("Child Unique ID", "no child unique ID")]
    assert found[7] == [("Child Unique ID", "duplicate child unique ID: first seen on row 2")]
    assert found[9][0][0] == "DOB" and "in the future" in found[9][0][1]
    assert [column for column, _ in found[12]] == ["DOB", "Date services ceased"]
    assert "ends before it starts" in found[12][1][1]
    duplicate = next(rejection for rejection in messy_csv.rejected if rejection.row == 7)
    assert duplicate.child_id == "NM-1001"


def test_values_are_tidied_into_one_spelling_per_stratum(messy_csv: ImportResult) -> None:
    cases = by_id(messy_csv)
    first, second = cases["NM-1001"], cases["NM-1002"]
    assert second.gender == "Male" and second.ethnicity == "White British"  # "M", "white british" in the file
    assert second.disability is True  # "Autism": the detail itself is not kept
    assert first.disability is None and cases["NM-1004"].disability is False  # blank, "None"
    assert first.age_band is AgeBand.AGE_10_15 and second.age_band is AgeBand.AGE_16_17  # 5/6/09 → 2009
    assert second.contact_date == date(2026, 9, 2) and second.cin_start == date(2026, 9, 3)
    assert cases["NM-1006"].gender is None and cases["NM-1006"].ethnicity is None


def test_the_worker_is_a_stable_pseudonym_and_unallocated_is_none(messy_csv: ImportResult) -> None:
    cases = by_id(messy_csv)
    assert cases["NM-1001"].worker == cases["NM-1002"].worker  # "Jane Smith" and "Smith, Jane"
    assert cases["NM-1001"].worker == worker_pseudonym("Jane Smith", salt=SALT)
    assert cases["NM-1001"].worker != cases["NM-1004"].worker
    assert cases["NM-1006"].worker is None


def test_status_follows_closure_dates_or_ended_episodes(messy_csv: ImportResult) -> None:
    cases = by_id(messy_csv)
    assert cases["NM-1001"].status is CaseStatus.CURRENT
    assert cases["NM-1004"].closed_date == date(2026, 8, 20)  # CIN ceased, nothing open
    assert cases["NM-1006"].status is CaseStatus.CLOSED and cases["NM-1006"].closed_date == date(2026, 10, 1)


def test_no_date_of_birth_name_or_disability_detail_survives(messy_csv: ImportResult) -> None:
    assert "date_of_birth" not in CaseRecord.model_fields
    wire = " ".join(case.model_dump_json() for case in messy_csv.cases)
    wire += " ".join(rejection.model_dump_json() for rejection in messy_csv.rejected)
    for row in csv_rows()[1:]:
        born, name, child_name, disability = row[3], row[9], row[10], row[5]
        for secret in (born, name, child_name):
            if secret and secret != "Unallocated":
                assert secret not in wire
        if disability not in ("", "No", "None", "Y"):
            assert disability not in wire
    for iso in ("2015-04-03", "2009-06-05", "2019-01-20", "2010-10-10"):
        assert iso not in wire
    assert "Jane Smith" not in repr(messy_csv)


def test_worker_names_are_handed_back_for_the_name_index_only(messy_csv: ImportResult) -> None:
    assert messy_csv.worker_names == ["Jane Smith", "Smith, Jane", "Omar Khan"]
    assert messy_csv.columns["date_of_birth"] == "DOB" and messy_csv.columns["worker"] == "Allocated Social Worker"
    assert messy_csv.unmapped == []


def test_children_s_names_are_handed_back_for_the_name_index_only(messy_csv: ImportResult) -> None:
    children = list(dict.fromkeys(row[10] for row in csv_rows()[1:] if row[10]))  # each name once
    assert children and messy_csv.family_names == children  # rejected rows too: the child exists all the same
    assert messy_csv.columns["child_name"] == "Child's Name"
    assert "Amy Example" in messy_csv.name_index(SALT) and "Amy" in messy_csv.name_index(SALT)


def test_a_clean_file_is_ok_for_strict_mode(tmp_path: Path) -> None:
    clean = [row for number, row in enumerate(csv_rows(), start=1) if number in (1, 2, 3, 8)]
    result = read(write_csv(tmp_path / "clean.csv", clean))
    assert result.ok and result.rejected_rows == [] and len(result.cases) == 3


# ------------------------------------------------------------------ other ways Excel saves CSV


def test_semicolon_separated_windows_1252_without_bom(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "annex.csv", csv_rows(), delimiter=";", bom=False, encoding="cp1252")
    result = read(path)
    assert [case.child_id for case in result.cases] == ["NM-1001", "NM-1002", "NM-1004", "NM-1006"]
    assert by_id(result)["NM-1004"].ethnicity == "Black – African"
    assert "Smith, Jane" in result.worker_names  # a comma inside a semicolon file is part of the name


def test_utf16_tab_separated_unicode_text(tmp_path: Path) -> None:
    text = "\r\n".join("\t".join(str(cell) for cell in row) for row in csv_rows())
    path = tmp_path / "annex.txt"
    path.write_bytes(text.encode("utf-16"))
    assert len(read(path).cases) == 4


def test_month_first_exports_are_refused_not_guessed(tmp_path: Path) -> None:
    header = ["Child ID", "Referral date"]
    rows = [header, ["A1", "03/25/2026"], ["A2", "04/05/2026"], ["A3", "25/03/2026"], ["A4", "05/05/2026"]]
    result = read(write_csv(tmp_path / "us.csv", rows))
    assert [case.child_id for case in result.cases] == ["A3", "A4"]
    found = reasons(result)
    assert "month first" in found[2][0][1]
    assert found[3][0][1].startswith("ambiguous date") and "row 2" in found[3][0][1]


def test_a_file_without_a_child_id_column_is_refused_whole(tmp_path: Path) -> None:
    with pytest.raises(AnnexAFileError, match="child unique ID"):
        read(write_csv(tmp_path / "x.csv", [["Name", "DOB"], ["Amy", "01/01/2015"]]))
    with pytest.raises(AnnexAFileError, match=r"\.xls"):
        read_annex_a(b"\xd0\xcf\x11\xe0" + bytes(100), filename="old.xls", today=TODAY, pseudonym_salt=SALT)


def test_a_weak_salt_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="salt"):
        read(write_csv(tmp_path / "a.csv", csv_rows()), salt=b"short")


def test_pseudonyms_differ_between_inspections(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", csv_rows())
    here, there = by_id(read(path)), by_id(read(path, salt=b"another-inspection-0002"))
    assert here["NM-1001"].worker != there["NM-1001"].worker


# ------------------------------------------------------------------ XLSX


@pytest.fixture
def messy_xlsx(tmp_path: Path) -> ImportResult:
    return read(write_xlsx(tmp_path / "annex-a.xlsx", xlsx_rows(), title_rows=TITLE_ROWS, sheets_before=1))


def test_xlsx_finds_the_sheet_and_header_under_title_rows(messy_xlsx: ImportResult) -> None:
    assert messy_xlsx.sheet == "Annex A" and messy_xlsx.header_row == 3
    assert [case.child_id for case in messy_xlsx.cases] == ["20001", "20002", "20004"]  # 20004.0 read as a number
    assert reasons(messy_xlsx) == {
        7: [("Date of Birth (DD/MM/YYYY)", "no such date (day 32, month 13)")],
        8: [("LA Child ID", "duplicate child unique ID: first seen on row 5")],
    }
    assert messy_xlsx.blank_rows == 1
    assert messy_xlsx.unmapped == ["Home postcode"]


def test_xlsx_typed_cells(messy_xlsx: ImportResult) -> None:
    cases = by_id(messy_xlsx)
    assert cases["20001"].age_band is AgeBand.AGE_10_15 and cases["20001"].disability is True
    assert cases["20001"].cp_plan_start == date(2026, 10, 20)
    assert cases["20002"].age_band is AgeBand.AGE_10_15  # serial 41000 = 2 April 2012
    assert cases["20002"].referral_date == date(2026, 10, 5)  # serial 46300
    assert cases["20004"].status is CaseStatus.CLOSED and cases["20004"].closed_date == date(2025, 6, 1)
    wire = " ".join(case.model_dump_json() for case in messy_xlsx.cases)
    assert "NM1" not in wire and "Priya" not in wire and "2014-05-01" not in wire


def test_xlsx_header_in_row_one_of_the_only_sheet(tmp_path: Path) -> None:
    result = read(write_xlsx(tmp_path / "plain.xlsx", [CSV_HEADER, csv_rows()[1]]))
    assert result.header_row == 1 and result.sheet == "Notes" and len(result.cases) == 1


# ------------------------------------------------------------------ the pieces


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Child Unique ID", "child_id"),
        ("Unique ID", "child_id"),
        ("Child Unique Identifier", "child_id"),
        ("LA child ID", "child_id"),
        ("DOB", "date_of_birth"),
        ("D.O.B.", "date_of_birth"),
        ("Date of Birth", "date_of_birth"),
        ("Birth date", "date_of_birth"),
        ("Date of Brith", "date_of_birth"),  # a typo close to one field only
        ("Allocated social worker", "worker"),
        ("Key worker", "worker"),
        ("Team name", "team"),
        ("ALLOCATED_TEAM", "team"),
        ("Date became subject of a child protection plan*", "cp_plan_start"),
        ("Date ceased to be subject of a child protection plan", "cp_plan_end"),
        ("Date services commenced", "cin_start"),
        ("CIN End Date", "cin_end"),
        ("Referal date", "referral_date"),
        ("Details of any disability", "disability"),
        ("Child name", "child_name"),
        ("Forename", "child_first_name"),
        ("Surname", "child_surname"),
        ("Mother's name", "parent_name"),
        ("Parent/Carer 2", "parent_name"),
    ],
)
def test_header_variants(header: str, field: str) -> None:
    assert match_header(header) == field


@pytest.mark.parametrize(
    "header", ["Worker ID", "CP plan strat date", "Assessment completion date", "Referral NFA?", "Postcode", "ID2"]
)
def test_headers_we_do_not_guess(header: str) -> None:
    """"Type of referral (S47 or S17)" used to be here; it is Annex A's own column now (test_annex_a_columns.py).
    An assessment is not a common assessment (CAF), so its completion date is not guessed to be one."""
    assert match_header(header) is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("12/03/2024", date(2024, 3, 12)),
        ("1/2/24", date(2024, 2, 1)),
        ("12.03.2024", date(2024, 3, 12)),
        ("2024-03-12", date(2024, 3, 12)),
        ("2024-03-12 00:00:00", date(2024, 3, 12)),
        ("12-Mar-2024", date(2024, 3, 12)),
        ("12 March 2024", date(2024, 3, 12)),
        ("March 12, 2024", date(2024, 3, 12)),
        ("45363", date(2024, 3, 12)),
        (45363, date(2024, 3, 12)),
        (datetime(2024, 3, 12, 9, 30), date(2024, 3, 12)),
        ("  ", None),
        (None, None),
    ],
)
def test_dates_as_authorities_write_them(cell: object, expected: date | None) -> None:
    assert parse_date(cell, today=TODAY) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("31/02/2024", "no such date"),
        ("03/25/2024", "month first"),
        ("00/01/2024", "no such date"),
        ("tomorrow", "not a date"),
        ("1899-12-31", "before 1900"),
        (45363.5, "whole-day"),
        ("12-Foo-2024", "month name"),
    ],
)
def test_bad_dates_say_why(cell: object, reason: str) -> None:
    with pytest.raises(CellError, match=reason):
        parse_date(cell, today=TODAY)  # type: ignore[arg-type]


def test_two_digit_years_are_never_in_the_future() -> None:
    assert parse_date("1/1/26", today=TODAY) == date(2026, 1, 1)
    assert parse_date("1/1/27", today=TODAY) == date(1927, 1, 1)


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (date(2026, 1, 1), AgeBand.UNDER_1),
        (date(2025, 11, 16), AgeBand.AGE_1_4),
        (date(2025, 11, 17), AgeBand.UNDER_1),
        (date(2021, 11, 16), AgeBand.AGE_5_9),
        (date(2016, 11, 16), AgeBand.AGE_10_15),
        (date(2010, 11, 16), AgeBand.AGE_16_17),
        (date(2008, 11, 17), AgeBand.AGE_16_17),
        (date(2008, 11, 16), AgeBand.AGE_18_PLUS),
    ],
)
def test_age_bands_count_birthdays(born: date, band: AgeBand) -> None:
    assert age_band(born, on=TODAY) is band


def test_yes_no_and_gender_spellings() -> None:
    assert [parse_disability(v) for v in ("Yes", "n", "None", "Not known", "", "Hearing impairment", True)] == [
        True, False, False, None, None, True, True,
    ]  # fmt: skip
    assert [parse_gender(v) for v in ("f", "MALE", "1", "9", "Indeterminate")] == [
        "Female", "Male", "Male", None, "Indeterminate",
    ]  # fmt: skip


def test_case_record_status_is_derived_and_checked() -> None:
    closed = CaseRecord(child_id="A1", closed_date=date(2026, 10, 1))
    assert closed.status is CaseStatus.CLOSED and CaseRecord(child_id="A2").status is CaseStatus.CURRENT
    assert CaseRecord.model_validate_json(closed.model_dump_json()) == closed
    with pytest.raises(ValidationError):
        CaseRecord(child_id="A1", status=CaseStatus.CLOSED)
    with pytest.raises(ValidationError):
        CaseRecord(child_id="A1", date_of_birth=date(2015, 1, 1))  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        CaseRecord(child_id="A1", worker="Jane Smith")


def test_every_parent_and_carer_column_and_a_split_child_name_are_read_for_the_index(tmp_path: Path) -> None:
    rows = [
        ["Child Unique ID", "Forename", "Surname", "Mother", "Father", "Carer name"],
        ["NM-2001", "Jayden", "Smith", "Mum: Kerry Smith", "Darren Smith (dad)", "Not known"],
        ["NM-2002", "Skye", "Mahoney", "Mum and Dad", "Father unknown", "Sandra Mahoney / Pat Mahoney"],
    ]
    result = read(write_csv(tmp_path / "families.csv", rows))
    assert result.family_names == ["Jayden Smith", "Kerry Smith", "Darren Smith", "Skye Mahoney", "Sandra Mahoney",
                                   "Pat Mahoney"]
    assert set(result.columns) == {"child_id", "child_first_name", "child_surname", "parent_name", "parent_name_2",
                                   "parent_name_3"}
    assert result.cases[0].model_dump(exclude_none=True) == {"child_id": "NM-2001", "status": "current"}
    index = result.name_index(SALT)
    assert all(name in index for name in ("Jayden Smith", "Jayden", "Kerry", "Mahoney"))
    assert not any(word in index for word in ("Mum", "Dad", "Father", "Unknown")), "a relationship is not a name"
