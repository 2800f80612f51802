"""``triangulate cases …``: the Annex A import, the draw and the listings, run as the lead would type them.

The files are messy on purpose (tests/shared/annex_a_files.py): variant headers, title rows, blank lines, bad and
impossible dates, duplicate IDs. The import must list every rejected row, commit the good ones (or, with
``--strict``, nothing), and leave no date of birth and no worker's name anywhere in the database file. What it
stores then reaches a real server's clients, and the worker names it saw are caught by the personal-data guard.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from server.network.team_server import ServerConfig, TeamServer
from server.storage import database
from shared.cli import main
from shared.protocol import ErrorCode
from tests.server.conftest import (
    Team,
    WireClient,
    accepted,
    meeting_command,
    meeting_frame,
    post_frame,
    refused,
    stored_bytes,
)
from tests.shared.annex_a_files import CSV_HEADER, TITLE_ROWS, csv_rows, write_csv, write_xlsx, xlsx_rows

CSV_DATES_OF_BIRTH = ["03/04/2015", "5/6/09", "12/12/2012", "2019-01-20", "10/10/2010", "2015-04-03", "2009-06-05",
                      "2012-12-12", "2010-10-10"]
CSV_WORKERS = ["Jane Smith", "Smith, Jane", "Omar Khan"]
CSV_CHILDREN = ["Amy Example", "Ben Example", "Gus Example"]
XLSX_DATES_OF_BIRTH = ["2014-05-01", "2012-04-01", "12 Mar 2015", "2015-03-12"]
XLSX_WORKERS = ["Priya Shah", "Tom Jones"]
WORKERS = ["Alice Harrington", "Bilal Chaudhry", "Carmen Oduya", "Declan Furlong", "Eilidh MacRae", "Femi Adeyemi"]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def cases(db_url: str, *args: str) -> Result:
    return run("cases", *args, "--db", db_url)


def database_bytes(db_url: str) -> bytes:
    """Everything the database holds (tests.server.conftest.stored_bytes), lower-cased for a search in any case."""
    return stored_bytes(db_url).lower()


def head(db_url: str, team: Team) -> int:
    engine = database.connect(db_url)
    try:
        return database.log_position(engine, inspection_id=team.inspection.id)[1]
    finally:
        engine.dispose()


def caseload(size: int, *, bad_rows: int = 0, seed: int = 3) -> list[list[object]]:
    """A generated export in the CSV layout: ``size`` children, the last ``bad_rows`` with an impossible birth date."""
    rng = random.Random(seed)
    rows: list[list[object]] = [CSV_HEADER]
    for index in range(size):
        born = date(2008, 1, 1) + timedelta(days=rng.randrange(0, 6000))
        bad = index >= size - bad_rows
        ended = rng.random() < 0.2
        rows.append([
            f"NM-{2000 + index}", rng.choice(["F", "M", "Female", "Male", ""]),
            rng.choice(["White British", "Asian – Pakistani", "Black – African", "Mixed – White and Asian"]),
            "30/02/2016" if bad else f"{born:%d/%m/%Y}", rng.choice(["CIN", "CPP"]), rng.choice(["", "Autism", "No"]),
            "01/10/2026", "Police", rng.choice(["Assessment North", "Family Support", "Child Protection"]),
            rng.choice(WORKERS), f"Child {index} Example", "", "", "01/06/2026", "01/10/2026" if ended else "",
        ])
    return rows


# ---------------------------------------------------------------- the import


def test_a_messy_csv_imports_its_good_rows_and_lists_every_rejected_one(
    team: Team, db_url: str, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "Annex A Northmoor.csv", csv_rows())

    result = cases(db_url, "import", "--inspection", str(team.inspection.id), str(file))

    assert result.exit_code == 0, result.output
    assert "4 case(s), 2 blank row(s) skipped, 5 row(s) rejected" in result.output
    assert "date of birth ← DOB" in result.output and "allocated worker ← Allocated Social Worker" in result.output
    assert "child's name (hashed for the guard, not kept) ← Child's Name" in result.output
    assert "Not read" not in result.output
    rejected = re.findall(r"^  row (\d+), column '([^']+)': (.+)$", result.output, re.MULTILINE)
    assert [(row, column) for row, column, _ in rejected] == [
        ("5", "DOB"), ("6", "Child Unique ID"), ("7", "Child Unique ID"), ("9", "DOB"), ("12", "DOB"),
        ("12", "Date services ceased"),
    ]
    assert "Imported 4 case(s)" in result.output
    listed = cases(db_url, "list", "--inspection", str(team.inspection.id), "--all")
    assert [line.split("\t")[0] for line in listed.output.splitlines()[1:]] == ["NM-1001", "NM-1002", "NM-1004",
                                                                                  "NM-1006"]
    stored = database_bytes(db_url)
    assert b"nm-1001" in stored and b"assessment north" in stored  # the search does see what was stored
    for secret in CSV_DATES_OF_BIRTH + CSV_WORKERS + CSV_CHILDREN:
        assert secret.lower().encode() not in stored, secret
    for printed in CSV_WORKERS:
        assert printed not in result.output


def test_strict_commits_nothing_when_any_row_is_rejected(team: Team, db_url: str, tmp_path: Path) -> None:
    file = write_csv(tmp_path / "annex-a.csv", csv_rows())

    result = cases(db_url, "import", "--inspection", str(team.inspection.id), str(file), "--strict")

    assert result.exit_code == 1
    assert "row 12, column 'Date services ceased'" in result.output
    assert "--strict: nothing imported, because 5 row(s) were rejected" in result.output
    assert head(db_url, team) == 0
    assert "0 case(s) imported" in cases(db_url, "list", "--inspection", str(team.inspection.id)).output


def test_strict_imports_a_clean_file_of_several_batches_in_one_go(team: Team, db_url: str, tmp_path: Path) -> None:
    file = write_csv(tmp_path / "annex-a.csv", caseload(230), delimiter=";")

    result = cases(db_url, "import", "--inspection", str(team.inspection.id), str(file), "--strict")

    assert result.exit_code == 0, result.output
    assert "Imported 230 case(s)" in result.output and "(events 1–3)" in result.output
    assert "230 case(s) imported" in cases(db_url, "list", "--inspection", str(team.inspection.id)).output


def test_a_messy_xlsx_imports_from_the_right_sheet(team: Team, db_url: str, tmp_path: Path) -> None:
    file = write_xlsx(tmp_path / "annex-a.xlsx", xlsx_rows(), title_rows=TITLE_ROWS, sheets_before=1)

    result = cases(db_url, "import", "--inspection", str(team.inspection.id), str(file))

    assert result.exit_code == 0, result.output
    assert "sheet 'Annex A', header on row 3: 3 case(s), 1 blank row(s) skipped, 2 row(s) rejected" in result.output
    assert "  row 7, column 'Date of Birth (DD/MM/YYYY)': no such date (day 32, month 13)" in result.output
    assert "  row 8, column 'LA Child ID': duplicate child unique ID: first seen on row 5" in result.output
    stored = database_bytes(db_url)
    for secret in XLSX_DATES_OF_BIRTH + XLSX_WORKERS + ["NM1 1AA", "NM2 4DD"]:
        assert secret.lower().encode() not in stored, secret


def test_importing_the_same_file_again_replaces_the_cases(team: Team, db_url: str, tmp_path: Path) -> None:
    file = write_csv(tmp_path / "annex-a.csv", csv_rows())
    cases(db_url, "import", "--inspection", str(team.inspection.id), str(file))

    again = cases(db_url, "import", "--inspection", str(team.inspection.id), str(file))

    assert again.exit_code == 0
    assert "4 case(s) imported" in cases(db_url, "list", "--inspection", str(team.inspection.id)).output


def test_a_file_without_a_child_id_column_or_a_wrong_inspection_is_a_clear_error(
    team: Team, db_url: str, tmp_path: Path
) -> None:
    file = tmp_path / "notes.csv"
    file.write_text("Name,Address\nSomeone,Somewhere\n", encoding="utf-8")

    no_ids = cases(db_url, "import", "--inspection", str(team.inspection.id), str(file))
    no_inspection = cases(db_url, "import", "--inspection", "99", str(file))

    assert no_ids.exit_code == 1 and "no header row naming a child unique ID" in no_ids.output
    assert no_inspection.exit_code == 2 and "no inspection with id 99" in no_inspection.output
    assert "Traceback" not in no_ids.output + no_inspection.output
    assert head(db_url, team) == 0


# ---------------------------------------------------------------- the sample from the command line


TWO_GOOD_PRACTICE = "The local authority identified two good-practice cases, not three."


def test_the_sample_is_drawn_printed_balanced_and_reproducible(team: Team, db_url: str, tmp_path: Path) -> None:
    inspection = str(team.inspection.id)
    cases(db_url, "import", "--inspection", inspection, str(write_csv(tmp_path / "a.csv", caseload(90))))

    two = ("--good-practice", "NM-2000", "--good-practice", "NM-2001", "--reason", TWO_GOOD_PRACTICE)
    first = cases(db_url, "sample", "--inspection", inspection, "--seed", "7", *two)
    other = cases(db_url, "sample", "--inspection", inspection, "--seed", "8", *two)
    again = cases(db_url, "sample", "--inspection", inspection, "--seed", "7", *two)

    assert first.exit_code == 0, first.output
    drawn = [line for line in first.output.splitlines() if line.startswith("  NM-")]
    assert len(drawn) == 52
    assert sum("Random sample" in line for line in drawn) == 50
    assert sum("meet child or family" in line for line in drawn) == 10
    assert [line.split()[0] for line in drawn if "Good practice" in line] == ["NM-2000", "NM-2001"]
    assert "Balance (eligible population → random sample):" in first.output and "  Practitioner" in first.output

    def picked(result: Result) -> list[str]:
        return [line for line in result.output.splitlines() if line.startswith("  NM-")]

    assert picked(again) == picked(first) != picked(other)
    balance = cases(db_url, "balance", "--inspection", inspection)
    assert balance.exit_code == 0 and "Seed 7" in balance.output and "  Team" in balance.output
    assert f"Reason for this sample: {TWO_GOOD_PRACTICE}" in balance.output
    listed = cases(db_url, "list", "--inspection", inspection).output
    assert "90 case(s) imported, 52 in the sample." in listed


def test_the_sample_command_refuses_clearly(team: Team, db_url: str, tmp_path: Path) -> None:
    inspection = str(team.inspection.id)
    nothing = cases(db_url, "sample", "--inspection", inspection, "--seed", "1")
    assert nothing.exit_code == 1 and "out_of_order: import the Annex A list" in nothing.output
    assert cases(db_url, "balance", "--inspection", inspection).exit_code == 1

    cases(db_url, "import", "--inspection", inspection, str(write_csv(tmp_path / "a.csv", caseload(20))))
    unknown = cases(db_url, "sample", "--inspection", inspection, "--seed", "1", "--good-practice", "NM-9")
    assert unknown.exit_code == 1 and "not_found (good_practice)" in unknown.output and "NM-9" in unknown.output
    no_reason = cases(db_url, "sample", "--inspection", inspection, "--seed", "1")
    assert no_reason.exit_code == 1 and "invalid (reason)" in no_reason.output
    assert "fewer than the 50 CP ¶43 asks for" in no_reason.output  # CP ¶43: at least 50 cases


# ---------------------------------------------------------------- what the server makes of it


async def test_clients_receive_the_import_and_the_guard_knows_its_workers(
    team: Team, db_url: str, tmp_path: Path, make_config: Callable[..., ServerConfig]
) -> None:
    file = write_csv(tmp_path / "annex-a.csv", csv_rows())
    assert cases(db_url, "import", "--inspection", str(team.inspection.id), str(file)).exit_code == 0

    async with TeamServer(make_config()) as server:
        lead = await WireClient.join(server.url, team.lead.token)
        [imported] = lead.replay
        assert imported.kind == "cases.imported" and imported.actor is None
        assert imported.data["count"] == 4 and imported.data["source"] == "annex-a.csv"
        # "jane smith", "smith", "omar khan", "khan"; eight children "… example" by full and first name, "example"
        assert len(imported.data["name_digests"]) == 4 + 8 * 2 + 1

        reply = await refused(lead, post_frame(text="Mrs Smith said the plan was never shared."),
                              ErrorCode.PERSONAL_DATA, "text")
        assert "Smith" not in reply.message
        await refused(lead, post_frame(text="Omar Khan had 40 cases."), ErrorCode.PERSONAL_DATA, "text")
        await lead.close()


async def test_a_child_and_a_parent_named_in_the_list_are_refused_everywhere_and_reach_no_minutes(
    team: Team, db_url: str, tmp_path: Path, make_config: Callable[..., ServerConfig]
) -> None:
    """Issue 14: the list's child "Jayden Smith" and his mother "Kerry Smith" were accepted in a finding and
    reached the KIT minutes and the report. They are held as digests like workers' names, and refused."""
    rows = [["Child Unique ID", "Child's Name", "Mother", "Father", "Allocated Social Worker"],
            ["NM-3001", "Jayden Smith", "Kerry Smith", "Not known", "Omar Khan"],
            ["NM-3002", "Skye Mahoney", "", "Sandra Mahoney (grandmother, SGO)", "Omar Khan"]]
    file = write_csv(tmp_path / "a.csv", rows)
    imported = cases(db_url, "import", "--inspection", str(team.inspection.id), str(file))
    assert imported.exit_code == 0, imported.output
    text = "Jayden Smith moved with his mum Kerry Smith."

    async with TeamServer(make_config()) as server:
        lead = await WireClient.join(server.url, team.lead.token)
        reply = await refused(lead, post_frame(text=text), ErrorCode.PERSONAL_DATA, "text")
        assert reply.message == ("looks like a person's name at 'J***** S****'; "
                                 "looks like a person's name at 'K**** S****'")
        kit = meeting_frame("kit", "2026-11-18")
        await accepted(lead, kit)
        for said in (text, "Jayden's plan had no contingency.", "Skye lives with her nan.", "Mrs Mahoney said no."):
            await refused(lead, meeting_command("meeting.record", str(kit["id"]), entry="note", text=said),
                          ErrorCode.PERSONAL_DATA, "text")
        await accepted(lead, meeting_command("meeting.record", str(kit["id"]), entry="note",
                                             text="NM-3001 moved with his mother; the plan was not updated."))
        await lead.close()

    stored = database_bytes(db_url)  # the minutes and the report are made from what is stored
    assert b"nm-3001 moved with his mother" in stored
    for name in (b"jayden", b"kerry", b"skye", b"sandra", b"mahoney", b"smith"):
        assert name not in stored


@pytest.mark.parametrize("strict", [False, True])
def test_a_rejected_row_in_a_large_file(team: Team, db_url: str, tmp_path: Path, strict: bool) -> None:
    file = write_csv(tmp_path / "annex-a.csv", caseload(150, bad_rows=1))
    flags = ["--strict"] if strict else []

    result = cases(db_url, "import", "--inspection", str(team.inspection.id), str(file), *flags)

    assert "row 151, column 'DOB': no such date (day 30, month 2)" in result.output
    assert result.exit_code == (1 if strict else 0)
    assert head(db_url, team) == (0 if strict else 2)


async def test_a_running_servers_guard_learns_the_names_the_command_line_imported(
    team: Team, db_url: str, tmp_path: Path, make_config: Callable[..., ServerConfig]
) -> None:
    file = write_csv(tmp_path / "annex-a.csv", csv_rows())
    async with TeamServer(make_config()) as server:
        cqc = await WireClient.join(server.url, team.cqc.token)
        await accepted(cqc, post_frame(text="Omar Khan had 40 cases."))  # nothing imported yet

        assert cases(db_url, "import", "--inspection", str(team.inspection.id), str(file)).exit_code == 0

        await refused(cqc, post_frame(text="Omar Khan had 40 cases."), ErrorCode.PERSONAL_DATA, "text")
        await cqc.close()
