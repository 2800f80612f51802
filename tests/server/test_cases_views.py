"""``triangulate cases views``, ``list --view`` and ``add --view``: CP Annex A's lists, opened and drawn on.

The file has every column the seed's Annex A lists (tests/shared/annex_a_seed.py); the lists are named in the
seed's words ("Section 47 enquiries that proceeded to an initial child protection conference", "Cases not
allocated to a named social worker", …) and a line of enquiry can add a list's cases to the sample.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from shared.annex_a_lists import AnnexAView
from shared.cli import main
from tests.server.conftest import Team
from tests.shared.annex_a_files import write_csv
from tests.shared.annex_a_seed import SEED_ROWS


def cases(db_url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["cases", *args, "--db", db_url], catch_exceptions=False)


def imported(team: Team, db_url: str, tmp_path: Path) -> str:
    file = write_csv(tmp_path / "annex-a.csv", SEED_ROWS)
    result = cases(db_url, "import", "--inspection", str(team.inspection.id), str(file))
    assert result.exit_code == 0, result.output
    assert "Not read (contents never kept): Home address" in result.output
    assert "type of referral (S47 or S17) ← Type of referral (S47 or S17)" in result.output
    return str(team.inspection.id)


def test_views_lists_each_of_annex_as_lists_in_the_seeds_words(team: Team, db_url: str, tmp_path: Path) -> None:
    inspection = imported(team, db_url, tmp_path)

    result = cases(db_url, "views", "--inspection", inspection)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()[1:]
    assert len(lines) == len(AnnexAView)
    assert "      1  s47-to-icpc" in result.output
    assert "Section 47 enquiries that proceeded to an initial child protection conference" in result.output
    assert "      3  referrals-assessed" in result.output


def test_list_opens_one_view(team: Team, db_url: str, tmp_path: Path) -> None:
    inspection = imported(team, db_url, tmp_path)

    result = cases(db_url, "list", "--inspection", inspection, "--view", "unallocated")

    assert "Cases not allocated to a named social worker: 1 case(s)." in result.output
    assert [line.split("\t")[0] for line in result.output.splitlines()[2:]] == ["SA-03"]


def test_add_draws_a_views_cases_into_the_sample_with_the_seeds_words(team: Team, db_url: str, tmp_path: Path) -> None:
    inspection = imported(team, db_url, tmp_path)

    added = cases(db_url, "add", "--inspection", inspection, "--view", "referrals-assessed")
    again = cases(db_url, "add", "--inspection", inspection, "--view", "referrals-assessed")
    stray = CliRunner().invoke(main, ["cases", "add", "--inspection", inspection, "--view", "s47-to-icpc", "SA-05",
                                      "--db", db_url])

    assert "Added 3 case(s) from “Referrals and re-referrals of children believed to be at risk of harm" in added.output
    assert "Nothing to add" in again.output
    assert stray.exit_code == 2 and "not on s47-to-icpc: SA-05" in stray.output
    listed = cases(db_url, "list", "--inspection", inspection)
    assert [line.split("\t")[:2] for line in listed.output.splitlines()[1:]] == [
        ["SA-02", "line-of-enquiry"], ["SA-03", "line-of-enquiry"], ["SA-04", "line-of-enquiry"]]
