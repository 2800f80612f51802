"""TeamState with the case book: the import, the sample, allocation and status folded from events; our own case
commands shown at once as on their way until their event arrives; refusals kept on the case; progress counted."""

from __future__ import annotations

from pathlib import Path

from shared.cases import (
    MAX_BATCH,
    MAX_DIGESTS,
    AddToSample,
    AllocateCase,
    DrawSample,
    ImportCases,
    RecordCaseProgress,
    TrackingStatus,
)
from shared.personal_data import NameIndex
from shared.protocol import Event, encode
from shared.sampling import Attribute, SampledCase, Selection
from tests.shared.annex_a_files import SALT, TODAY, csv_rows, population, write_csv
from tui.cases.book import DRAW_KEY, IMPORT_KEY
from tui.cases.import_dialog import import_batches, read_file
from tui.state import TeamState

from .app_data import BEN, CARA, NOW, seed_events, welcome
from .cases_data import DIGESTS, GOOD_PRACTICE, case_event, case_log, drawn, imported, random_ids, records, sample_drawn


def history() -> list[Event]:
    base = seed_events()
    return base + case_log(len(base) + 1)


def test_the_import_keeps_minimised_cases_sources_and_name_digests() -> None:
    state = TeamState.build(welcome(), history())
    book = state.cases
    assert len(book.cases) == 60 and book.sources == {"annex-a.csv": 60}
    assert book.name_digests == set(DIGESTS)
    assert not hasattr(book.cases["GEN-00001"], "date_of_birth")
    # A second batch of the same file adds to the list; a case imported again is replaced, not doubled.
    again = records()[:5]
    state.apply(imported(state.head + 1, again, source="annex-a.csv"))
    assert len(book.cases) == 60 and book.sources == {"annex-a.csv": 65}


def test_the_sample_in_order_with_selection_meeting_flag_and_the_added_case() -> None:
    book = TeamState.build(welcome(), history()).cases
    rows = book.views()
    assert [row.child_id for row in rows[:12]] == random_ids()
    assert rows[12].child_id == GOOD_PRACTICE and rows[12].selection is Selection.GOOD_PRACTICE
    added = rows[13]
    assert added.selection is Selection.LINE_OF_ENQUIRY and added.reason is not None
    assert "Missing-from-home" in added.reason
    assert sum(row.meet_child_or_family for row in rows) == len(drawn().to_meet) == 2
    assert all(row.record is not None for row in rows), "every sampled case is on the imported list"
    assert {row.child_id for row in book.unsampled()}.isdisjoint(row.child_id for row in rows)
    assert len(book.unsampled()) == 60 - 14


def test_allocation_status_mine_and_progress() -> None:
    book = TeamState.build(welcome(), history()).cases
    ids = random_ids()
    assert [row.child_id for row in book.views(BEN.id)] == ids[:4]
    assert [row.child_id for row in book.views(CARA.id)] == ids[4:7]
    first = book.view(ids[0])
    assert first is not None and first.inspector_id == BEN.id and first.status is TrackingStatus.MET
    progress = book.progress()
    assert progress.sampled == 14 and progress.tracked == 2 and progress.met == 1 and progress.to_meet == 2
    assert progress.line == "2 of 14 tracked; 1 met child or family"
    assert progress.by_inspector[BEN.id][TrackingStatus.NOT_STARTED] == 2
    assert sum(progress.by_inspector[None].values()) == 14 - 7
    assert book.progress(book.views(CARA.id)).line == "0 of 3 tracked; 0 met child or family"


def test_a_redraw_replaces_the_random_part_and_keeps_added_cases() -> None:
    state = TeamState.build(welcome(), history())
    before = state.cases.view(GOOD_PRACTICE)
    redraw = drawn().model_copy(update={"seed": 7, "cases": drawn().cases[:3]})
    state.apply(sample_drawn(state.head + 1, redraw))
    rows = state.cases.views()
    assert [row.child_id for row in rows[:3]] == random_ids()[:3]
    assert len(rows) == 4 and rows[3].selection is Selection.LINE_OF_ENQUIRY
    assert before is not None and state.cases.view(GOOD_PRACTICE) is None


def test_our_allocation_and_status_show_at_once_then_settle_when_the_event_arrives() -> None:
    state = TeamState.build(welcome(), history())
    child = random_ids()[8]
    state.add_pending(AllocateCase(id="c1", child_id=child, inspector_id=CARA.id))
    state.add_pending(RecordCaseProgress(id="c2", child_id=child, status=TrackingStatus.IN_PROGRESS))
    view = state.cases.view(child)
    assert view is not None and view.inspector_id == CARA.id and view.status is TrackingStatus.IN_PROGRESS
    assert [c.id for c in view.sending] == ["c1", "c2"]
    assert child in [row.child_id for row in state.cases.views(CARA.id)], "under Cara's cases at once"

    state.acked("c1", state.head + 1)
    assert state.cases.view(child).sending, "acked but its event not here yet: still shown as ours"  # type: ignore[union-attr]
    state.apply(case_event(state.head + 1, "case.allocated", BEN, 40, child_id=child, inspector_id=CARA.id))
    view = state.cases.view(child)
    assert view is not None and [c.id for c in view.sending] == ["c2"] and view.inspector_id == CARA.id
    state.acked("c2", state.head + 1)
    state.apply(case_event(state.head + 1, "case.progressed", CARA, 41, child_id=child, status="in-progress"))
    assert state.cases.pending == {}
    view = state.cases.view(child)
    assert view is not None and view.sending == () and view.status is TrackingStatus.IN_PROGRESS


def test_a_refusal_stays_on_its_case_until_we_try_again() -> None:
    state = TeamState.build(welcome(), history())
    child = random_ids()[0]
    state.add_pending(RecordCaseProgress(id="c3", child_id=child, status=TrackingStatus.TRACKED))
    state.rejected("c3", "not allocated to you")
    view = state.cases.view(child)
    assert view is not None and view.status is TrackingStatus.MET, "the refused status is not shown as saved"
    assert view.refusal is not None and view.refusal.message == "not allocated to you"
    state.add_pending(RecordCaseProgress(id="c4", child_id=child, status=TrackingStatus.TRACKED))
    assert state.cases.view(child).refusal is None  # type: ignore[union-attr]


def test_an_add_shows_as_a_pending_row_and_a_refused_import_or_draw_is_kept_on_the_list() -> None:
    state = TeamState.build(welcome(), history())
    candidate = state.cases.unsampled()[0].child_id
    state.add_pending(AddToSample(id="c5", child_id=candidate, reason="Seen in a strategy meeting"))
    row = state.cases.views()[-1]
    assert row.child_id == candidate and row.sending and row.selection is Selection.LINE_OF_ENQUIRY
    assert candidate not in {case.child_id for case in state.cases.unsampled()}, "not offered twice"

    batch = ImportCases(id="c6", cases=records()[:2], source="annex-a.csv")
    state.add_pending(batch)
    state.add_pending(DrawSample(id="c7", seed=1))
    assert state.cases.pending_of(ImportCases) == [batch]
    state.rejected("c6", "only the lead imports cases")
    state.rejected("c7", "no cases imported")
    assert state.cases.refusals[IMPORT_KEY].message == "only the lead imports cases"
    assert state.cases.refusals[DRAW_KEY].message == "no cases imported"


def test_the_balance_report_is_the_population_against_the_draw() -> None:
    book = TeamState.build(welcome(), history()).cases
    report = book.balance()
    assert report is not None
    age = [row for row in report.rows if row.attribute is Attribute.AGE_BAND]
    assert sum(row.population for row in age) == drawn().eligible
    assert sum(row.sample for row in age) == 12, "the random draw only: good practice and additions are chosen"
    assert TeamState().cases.balance() is None


def test_an_unreadable_payload_is_skipped() -> None:
    state = TeamState.build(welcome(), history())
    state.apply(case_event(state.head + 1, "case.progressed", BEN, 50, child_id=random_ids()[0], status="nonsense"))
    state.apply(case_event(state.head + 1, "cases.imported", BEN, 50, cases=[{"child_id": "bad id!"}]))
    assert state.cases.view(random_ids()[0]).status is TrackingStatus.MET  # type: ignore[union-attr]
    assert len(state.cases.cases) == 60


def test_a_redraw_is_not_offered_once_work_has_started() -> None:
    state = TeamState.build(welcome(), seed_events())
    state.apply(imported(state.head + 1, records()))
    state.apply(sample_drawn(state.head + 1, drawn()))
    assert state.cases.under_way() == []
    state.apply(case_event(state.head + 1, "case.allocated", BEN, 9, child_id=random_ids()[2], inspector_id=BEN.id))
    assert state.cases.under_way() == [random_ids()[2]]


def test_the_servers_draw_carries_the_whole_sample_and_lines_of_enquiry_stay_grouped_last() -> None:
    """The server's ``sample.drawn`` lists every sampled case by child ID, cases added earlier among them."""
    state = TeamState.build(welcome(), history())
    added = next(row for row in state.cases.views() if row.selection is Selection.LINE_OF_ENQUIRY)
    whole = drawn().model_copy(update={"cases": tuple(sorted(
        (*drawn().cases, SampledCase(child_id=added.child_id, selection=Selection.LINE_OF_ENQUIRY,
                                     reason=added.reason)), key=lambda case: case.child_id))})
    state.apply(sample_drawn(state.head + 1, whole))
    rows = state.cases.views()
    assert [row.selection for row in rows][-2:] == [Selection.GOOD_PRACTICE, Selection.LINE_OF_ENQUIRY]
    assert len(rows) == 14 and rows[-1].child_id == added.child_id and rows[-1].reason == added.reason


def test_an_import_goes_in_batches_that_fit_a_frame_with_the_name_digests_spread_across_them() -> None:
    cases = records()
    many = [f"{i:064x}" for i in range(MAX_DIGESTS + 10)]
    batches = import_batches(cases[:30], many, "annex-a.csv")
    assert len(batches) == 2, "more digests than one batch may carry: a second batch repeats the last case"
    assert [len(b.name_digests) for b in batches] == [205, 205] and batches[1].cases == [cases[29]]
    assert [d for b in batches for d in b.name_digests] == many
    big = import_batches(population(250, today=NOW.date()), DIGESTS, "annex-a.csv")
    # A record carries every Annex A column (null when the list has none), so CASE_BYTES fills before MAX_BATCH.
    assert [len(b.cases) for b in big] == [75, 75, 76, 24]
    assert all(len(b.cases) < MAX_BATCH for b in big)
    assert [d for b in big for d in b.name_digests] == DIGESTS and [len(b.name_digests) for b in big].count(1) == 2
    assert import_batches([], DIGESTS, "annex-a.csv") == []


def test_every_batch_fits_the_servers_frame_even_with_long_records_and_many_names() -> None:
    wordy = [case.model_copy(update={"contact_source": "Police " * 14, "referral_source": "School nurse " * 7,
                                     "legal_status": "Child protection plan", "contact_date": NOW.date()})
             for case in population(300, today=NOW.date())]
    many = [f"{i:064x}" for i in range(2_000)]
    batches = import_batches(wordy, many, "annex-a.csv")
    assert all(len(encode(batch).encode()) < 64 * 1024 for batch in batches)
    assert {case.child_id for b in batches for case in b.cases} == {case.child_id for case in wordy}
    assert [d for b in batches for d in b.name_digests] == many


def test_reading_a_file_keeps_digests_of_the_worker_names_never_the_names(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "annex-a.csv", csv_rows())
    found = read_file(path, today=TODAY, salt=SALT)
    assert len(found.cases) == 4 and len({r.row for r in found.rejected}) == 5
    assert "Jane Smith" not in repr(found) and "Omar Khan" not in repr(found)
    index = NameIndex(SALT, frozenset(found.digests))
    assert "Jane Smith" in index and "Omar Khan" in index
    assert list(found.digests) == sorted(found.digests)
