"""``triangulate cases import`` on an Annex A workbook as local authorities hand it over today: every child list
read and merged per child, what was not read said, the lists each case is on kept for the listings, and no name or
date of birth stored (CP ¶51)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from shared.cli import main
from tests.server.conftest import Team, stored_bytes
from tests.shared.annex_a_workbook_files import DATES_OF_BIRTH, NAMES, write_workbook


def cases(db_url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["cases", *args, "--db", db_url], catch_exceptions=False)


def test_a_workbook_imports_every_child_list_and_says_what_it_left(team: Team, db_url: str, tmp_path: Path) -> None:
    file = write_workbook(tmp_path / "Annex A Northmoor.xlsx")
    inspection = str(team.inspection.id)

    result = cases(db_url, "import", "--inspection", inspection, str(file))

    assert result.exit_code == 0, result.output
    assert "7 case(s), 0 blank row(s) skipped, 1 row(s) rejected" in result.output
    assert "Sheet not read: List 11: adopters, not children" in result.output
    assert "Sheet not read: Guidance: no child unique ID column" in result.output
    assert "Category of abuse (List 7)" in result.output
    assert "  List 3 row 4, column 'Date of Referral': no such date (day 32, month 11)" in result.output
    looked_after = cases(db_url, "list", "--inspection", inspection, "--on-list", "8")
    assert "On List 8: 2 case(s)." in looked_after.output
    assert [line.split("\t")[0] for line in looked_after.output.splitlines()[2:]] == ["WB-06", "WB-07"]
    stored = stored_bytes(db_url).lower()
    assert b"wb-06" in stored
    for secret in NAMES + DATES_OF_BIRTH:
        assert secret.lower().encode() not in stored, secret
