"""Every column the 2012 framework's Annex A lists is read, and the lists it is for are computed from them.

CP Annex A names 23 columns in seven groups, then "This information is required so that inspectors can consider the
following": eleven lists of children. The columns and the lists' words are checked against the seed itself.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from shared.annex_a import CaseRecord, CaseStatus, ImportResult, ReferralType, read_annex_a
from shared.annex_a_codes import decode, ethnicity
from shared.annex_a_headers import match_header
from shared.annex_a_lists import AnnexAView, every_view, in_view
from tests.seeds import needs_seeds as needs_seed
from tests.shared.annex_a_files import SALT, TODAY, write_csv, write_xlsx
from tests.shared.annex_a_seed import SEED_COLUMNS, SEED_ROWS, in_seed, seed_text


@pytest.fixture
def seed_file(tmp_path: Path) -> ImportResult:
    file = write_csv(tmp_path / "annex-a.csv", SEED_ROWS)
    return read_annex_a(file, filename=file.name, today=TODAY, pseudonym_salt=SALT)


def by_id(result: ImportResult) -> dict[str, CaseRecord]:
    return {case.child_id: case for case in result.cases}


@pytest.mark.parametrize("header", SEED_COLUMNS)
def test_every_column_annex_a_lists_is_recognised(header: str) -> None:
    assert match_header(header) is not None, f"CP Annex A's {header!r} would be silently ignored"


@needs_seed
def test_the_columns_are_the_seeds_own_words() -> None:
    assert [header for header in SEED_COLUMNS if not in_seed(header)] == []


def test_a_file_with_every_seed_column_reads_them_all_and_names_what_it_did_not_read(
    seed_file: ImportResult,
) -> None:
    assert seed_file.ok, seed_file.rejected
    assert seed_file.unmapped == ["Home address"]
    assert set(seed_file.columns.values()) >= set(SEED_COLUMNS)


def test_the_seven_columns_once_ignored_are_kept(seed_file: ImportResult) -> None:
    cases = by_id(seed_file)
    # "CAF completion date", "Organisation completing"
    assert cases["SA-04"].caf_date == date(2026, 7, 1)
    assert cases["SA-04"].caf_organisation == "Northmoor Primary School"
    # "Case unallocated (Yes or No)"
    assert cases["SA-03"].unallocated is True and cases["SA-01"].unallocated is False
    # "Type of referral (S47 or S17)": "Section 47" and "S47" are one type
    assert cases["SA-02"].referral_type is cases["SA-03"].referral_type is ReferralType.S47
    assert cases["SA-04"].referral_type is ReferralType.S17 and cases["SA-05"].referral_type is None
    # "Re-referral (Yes or No)"
    assert cases["SA-02"].re_referral is True and cases["SA-03"].re_referral is False
    # "Date of initial child protection conference"; #N/A is blank
    assert cases["SA-02"].icpc_date == date(2026, 9, 20) and cases["SA-03"].icpc_date is None
    # "Subject to emergency protection/care or supervision order/protected under police powers in last six months"
    assert cases["SA-02"].emergency_order is True and cases["SA-03"].emergency_order is False


def test_minimisation_holds_for_the_new_columns(seed_file: ImportResult) -> None:
    """CP ¶51: no name and no date of birth in a record, whatever columns the file has."""
    stored = " ".join(case.model_dump_json() for case in seed_file.cases)
    for secret in ("Example", "Bloggs", "Omar", "High St", "2015-04-03", "2012-06-05"):
        assert secret not in stored, secret
    assert (by_id(seed_file)["SA-01"].worker or "").startswith("Worker ")


def test_coded_values_are_decoded() -> None:
    assert decode("b) Female") == "Female" and decode("k) APKN") == "APKN" and decode("#N/A") is None
    assert ethnicity("APKN") == "Pakistani" and ethnicity("WBRI") == "White British" and ethnicity("NOBT") is None
    assert ethnicity("Any other") == "Any other"


def test_coded_cells_give_the_same_strata_as_plain_ones(seed_file: ImportResult) -> None:
    cases = by_id(seed_file)
    assert cases["SA-01"].gender == "Female" and cases["SA-02"].gender == "Male"
    assert cases["SA-01"].ethnicity == cases["SA-03"].ethnicity == "White British"
    assert cases["SA-02"].ethnicity == cases["SA-05"].ethnicity == "Pakistani"
    assert cases["SA-04"].ethnicity is None and cases["SA-01"].disability is False


def test_a_yes_no_or_referral_type_that_is_neither_is_rejected(tmp_path: Path) -> None:
    rows = [["Child Unique ID", "Case unallocated (Yes or No)", "Type of referral (S47 or S17)"],
            ["X-1", "Maybe", "S47"], ["X-2", "No", "S20"], ["X-3", "c) Yes", "s.17"]]
    file = write_xlsx(tmp_path / "annex-a.xlsx", rows)
    result = read_annex_a(file, filename=file.name, today=TODAY, pseudonym_salt=SALT)
    assert [(r.row, r.column, r.reason) for r in result.rejected] == [
        (2, "Case unallocated (Yes or No)", "expected Yes or No"),
        (3, "Type of referral (S47 or S17)", "expected S47 or S17"),
    ]
    assert [(c.child_id, c.unallocated, c.referral_type) for c in result.cases] == [("X-3", True, ReferralType.S17)]


def test_unallocated_written_in_the_worker_column_counts(tmp_path: Path) -> None:
    file = write_csv(tmp_path / "annex-a.csv", [["Child Unique ID", "Allocated worker"], ["X-1", "Unallocated"]])
    result = read_annex_a(file, filename=file.name, today=TODAY, pseudonym_salt=SALT)
    assert result.cases[0].unallocated is True and result.cases[0].worker is None


@needs_seed
def test_every_list_is_named_in_the_seeds_words() -> None:
    assert "This information is required so that inspectors can consider the following" in seed_text()
    for view in AnnexAView:
        assert in_seed(view.label), view.label


EXPECTED = {
    AnnexAView.CONTACTS_NOT_REFERRED: ["SA-01"],
    AnnexAView.REFERRALS_ASSESSED: ["SA-02", "SA-03", "SA-04"],
    AnnexAView.REFERRALS_NO_FURTHER_ACTION: ["SA-05"],
    AnnexAView.S47_TO_ICPC: ["SA-02"],
    AnnexAView.S47_NOT_TO_ICPC: ["SA-03"],
    AnnexAView.UNALLOCATED: ["SA-03"],
    AnnexAView.COMMON_ASSESSMENT: ["SA-04"],
    AnnexAView.CP_PLAN_NOW: ["SA-02"],
    AnnexAView.EMERGENCY_ORDERS: ["SA-02"],
    AnnexAView.CP_PLAN_ENDED_CLOSED: ["SA-06"],
    AnnexAView.CP_PLAN_THEN_CIN: ["SA-07"],
}


def test_the_seeds_lists_are_computed_from_the_columns(seed_file: ImportResult) -> None:
    """"Section 47 enquiries that proceeded to an initial child protection conference", "Cases not allocated to a
    named social worker" and the rest of CP Annex A's lists, each from the columns that say it."""
    assert by_id(seed_file)["SA-06"].status is CaseStatus.CLOSED
    assert {counted.view: counted.child_ids for counted in every_view(seed_file.cases)} == EXPECTED
    assert [counted.view for counted in every_view([])] == list(AnnexAView)


def test_a_closed_case_is_not_waiting_for_allocation() -> None:
    closed = CaseRecord(child_id="X-1", unallocated=True, closed_date=date(2026, 10, 1))
    assert in_view(AnnexAView.UNALLOCATED, [closed]) == []
