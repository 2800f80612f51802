"""The app's import dialog on an Annex A workbook: it says which sheets and which columns were not read, and names
the sheet of a rejected row (issue 16: nothing in a local authority's file is ignored silently)."""

from __future__ import annotations

from pathlib import Path

from tests.shared.annex_a_files import SALT, TODAY
from tests.shared.annex_a_workbook_files import write_workbook
from tui.cases.import_dialog import describe, read_file


def test_the_import_dialog_says_which_sheets_and_columns_were_not_read(tmp_path: Path) -> None:
    workbook = write_workbook(tmp_path / "annex-a.xlsx")
    found = read_file(workbook, today=TODAY, salt=SALT)
    text = describe(found).plain
    assert "Sheets not read: Guidance: no child unique ID column; List 11: adopters, not children" in text
    assert "Category of abuse (List 7)" in text
    assert "List 3 row 4 Date of Referral: no such date" in text
