"""Annex A as local authorities hand it over today (issue 16): one workbook with a sheet per list, "List 1" contacts
… "List 10" adoption and "List 11" adopters, who are not children. Every child list is read and merged per child
unique ID, coded values are decoded, "#N/A" is blank, formula cells give the value Excel computed, and what was
not read is said, sheet by sheet and column by column. Minimisation is as for one sheet (CP ¶51).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from shared.annex_a import CaseRecord, ImportResult, read_annex_a
from shared.annex_a_lists import AnnexAView, in_view
from tests.shared.annex_a_files import SALT, TODAY
from tests.shared.annex_a_workbook_files import CHILDREN, DATES_OF_BIRTH, LISTS, NAMES, write_workbook


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "Annex A Northmoor.xlsx")


@pytest.fixture
def result(workbook: Path) -> ImportResult:
    return read_annex_a(workbook, filename=workbook.name, today=TODAY, pseudonym_salt=SALT)


def by_id(result: ImportResult) -> dict[str, CaseRecord]:
    return {case.child_id: case for case in result.cases}


def test_every_child_list_is_read_and_each_case_knows_its_lists(result: ImportResult) -> None:
    assert sorted(by_id(result)) == CHILDREN
    assert {case.child_id: case.lists for case in result.cases} == {
        "WB-01": (1,), "WB-02": (1, 3, 5), "WB-03": (2, 3, 4, 6), "WB-05": (1,), "WB-06": (7, 8), "WB-07": (8, 10),
        "WB-08": (9,),
    }
    assert result.sheet == ", ".join(f"List {n}" for n in range(1, 11))


def test_rows_of_one_child_merge_into_one_case(result: ImportResult) -> None:
    cases = by_id(result)
    # contacted twice (two rows on List 1): the latest contact, with its source
    assert (cases["WB-01"].contact_date, cases["WB-01"].contact_source) == (date(2026, 11, 3), "School")
    # early help on List 2, referral on List 3, CIN services and allocation on List 6
    three = cases["WB-03"]
    assert three.caf_date == date(2026, 7, 1) and three.caf_organisation == "Northmoor Primary School"
    assert three.referral_date == date(2026, 8, 15) and three.cin_start == date(2026, 10, 1)
    assert three.unallocated is False and three.team == "Family Support" and three.worker is not None
    # on List 7 with a plan, on List 8 with a legal status
    assert cases["WB-06"].cp_plan_start == date(2026, 9, 1) and cases["WB-06"].legal_status == "C2"


def test_coded_values_are_decoded(result: ImportResult) -> None:
    """"a) Male", "b) Female", "a) WBRI", "k) APKN", "b) No" as the workbook's drop-downs write them."""
    cases = by_id(result)
    assert (cases["WB-01"].gender, cases["WB-01"].ethnicity, cases["WB-01"].disability) == (
        "Female", "White British", False)
    assert (cases["WB-02"].gender, cases["WB-02"].ethnicity, cases["WB-02"].disability) == ("Male", "Pakistani", True)
    assert cases["WB-06"].ethnicity == "Traveller of Irish heritage" and cases["WB-02"].re_referral is True


def test_na_is_blank_and_formulas_give_their_computed_value(result: ImportResult) -> None:
    cases = by_id(result)
    assert cases["WB-02"].contact_source is None  # "#N/A" typed in
    assert cases["WB-02"].icpc_date is None  # "#N/A" in a date column is blank, not a rejected date
    # List 3's ethnicity is a lookup: WB-03's found nothing (#N/A), so List 2's coded "f) MWBA" stands
    assert cases["WB-03"].ethnicity == "White and Black African"
    assert all("VLOOKUP" not in (case.ethnicity or "") and "DATEDIF" not in case.model_dump_json()
               for case in result.cases)


def test_what_was_not_read_is_said_sheet_by_sheet_and_column_by_column(result: ImportResult) -> None:
    assert result.sheets_not_read == ["Guidance: no child unique ID column", "List 11: adopters, not children"]
    assert "Category of abuse (List 7)" in result.unmapped
    assert "Age of Child (Years) (List 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)" in result.unmapped
    assert result.columns["icpc_date"] == "Date of initial child protection conference (List 5)"
    assert result.columns["team"] == "Allocated Team (List 3, 6)"


def test_a_rejected_row_names_its_sheet_and_keeps_the_child_out(result: ImportResult) -> None:
    assert [(r.sheet, r.row, r.column, r.child_id) for r in result.rejected] == [
        ("List 3", 4, "Date of Referral", "WB-04")]
    assert "WB-04" not in by_id(result) and result.rejected_count == 1


def test_no_name_and_no_date_of_birth_is_kept(result: ImportResult) -> None:
    """CP ¶51; the adopters on List 11 are never read at all."""
    stored = " ".join(case.model_dump_json() for case in result.cases)
    for secret in NAMES + DATES_OF_BIRTH:
        assert secret not in stored, secret
    assert sorted(result.worker_names) == ["Jo Bloggs", "Omar Khan"]
    assert sorted(result.family_names) == ["Ben Example", "Cara Example", "Dee Example"]


def test_the_views_draw_on_the_lists_a_case_is_on(result: ImportResult) -> None:
    """List 5 is section 47 enquiries, List 2 early help, List 7 child protection plans."""
    ids = {view: [case.child_id for case in in_view(view, result.cases)] for view in AnnexAView}
    assert ids[AnnexAView.S47_NOT_TO_ICPC] == ["WB-02"]
    assert ids[AnnexAView.COMMON_ASSESSMENT] == ["WB-03"]
    assert ids[AnnexAView.CP_PLAN_NOW] == ["WB-06"]
    assert ids[AnnexAView.REFERRALS_ASSESSED] == ["WB-02", "WB-03"]
    assert ids[AnnexAView.CONTACTS_NOT_REFERRED] == ["WB-01", "WB-05"]


def test_a_workbook_without_list_sheets_is_read_from_its_best_sheet_as_before(tmp_path: Path) -> None:
    file = write_workbook(tmp_path / "annex-a.xlsx", {"Annex A": LISTS["List 3"]})
    one_sheet = read_annex_a(file, filename=file.name, today=TODAY, pseudonym_salt=SALT)
    assert one_sheet.sheet == "Annex A" and one_sheet.sheets_not_read == []
    assert [case.lists for case in one_sheet.cases] == [None, None]


def test_a_child_repeated_on_a_single_sheet_is_still_a_duplicate(tmp_path: Path) -> None:
    file = write_workbook(tmp_path / "annex-a.xlsx", {"Annex A": LISTS["List 1"]})
    one_sheet = read_annex_a(file, filename=file.name, today=TODAY, pseudonym_salt=SALT)
    assert [(r.row, r.reason) for r in one_sheet.rejected] == [(3, "duplicate child unique ID: first seen on row 2")]
