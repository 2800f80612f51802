"""The exported minutes print what people typed: Markdown in a note, a title or an owner is text, never markup."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from shared.meetings import MeetingKind, Minutes, RecordEntry, minutes_markdown

T0 = datetime(2026, 11, 18, 17, 0, tzinfo=UTC)


def test_markdown_in_notes_titles_and_owners_is_escaped() -> None:
    minutes = Minutes(id="k", kind=MeetingKind.KIT, day=date(2026, 11, 18), opened_at=T0)
    minutes.add_item("aob", "# Not a heading <script>x</script>", None)
    minutes.record(RecordEntry.model_validate({"id": "n1", "meeting_id": "k", "item_id": "aob", "entry": "note",
                                               "text": "| cell | [link](http://e.invalid) **bold**"}),
                   T0 + timedelta(minutes=1))
    minutes.record(RecordEntry.model_validate({"id": "a1", "meeting_id": "k", "item_id": None, "entry": "action",
                                               "text": "Send it | now", "owner": "Head | of *Service*",
                                               "due": "2026-11-20"}), T0 + timedelta(minutes=2))

    text = minutes_markdown(minutes, inspection_name="North[moor]", timezone="Europe/London")

    assert "North\\[moor\\]" in text
    assert "1. \\# Not a heading \\<script\\>x\\</script\\>" in text
    assert "\\| cell \\| \\[link\\](http://e.invalid) \\*\\*bold\\*\\*" in text
    assert "| Send it \\| now | Head \\| of \\*Service\\* | 2026-11-20 |" in text
