"""Lines of enquiry, links and mentions in the app, against a real server, across two app instances.

As in test_alerts_app: several apps share one real server (tests/tui/app_server.py) and the only stand-ins
are the clocks. Forms are filled by setting their widgets and sent with ctrl+s as a user would; findings to
work with are posted through ``app.outbox``, the path every form's command takes.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Label, Static

from shared.enquiries import EnquiryStatus
from shared.findings import PostFinding
from shared.triangulation import Corroboration, Relation
from tui.app import TriangulateApp
from tui.refs import ref
from tui.triangulation.enquiries_screen import EnquiriesScreen
from tui.triangulation.enquiry_forms import EnquiryForm
from tui.triangulation.finding_picker import FindingPicker
from tui.triangulation.link_form import LinkForm
from tui.triangulation.unlink_dialog import UnlinkDialog

from .app_server import fill, lead_and_inspector, notified, offered, wait_for
from .picking import tick

SIZE = (100, 30)
CHILD = "NM-10234"
CORROBORATED, CONTESTED = Corroboration.CORROBORATED, Corroboration.CONTESTED


async def post(pilot: Pilot[Any], **fields: Any) -> str:
    """Post a finding from this app and wait until the server has it; returns its id."""
    app = pilot.app
    assert isinstance(app, TriangulateApp)
    values = {"agency": "health", "kind": "weakness", "evidence_source": "case-file"} | fields
    command = PostFinding(id=uuid.uuid4().hex, **values)
    app.outbox.send(command)
    await wait_for(pilot, lambda: getattr(app.state.findings.get(command.id), "version", 0) > 0, "the post saved")
    return command.id


def error_text(screen: Any, name: str) -> str:
    label = screen.query_one(f"#error-{name}", Label)
    return str(label.render()) if label.has_class("-shown") else ""


def support_mark(app: TriangulateApp, finding_id: str) -> str:
    """The character the board's ✓ column shows on this finding's row, as rendered."""
    findings = app.board.findings
    index = findings.index_of(finding_id)
    assert index is not None, "the finding is on the board"
    strip = findings.render_line(index + 1 - round(findings.scroll_y))
    return strip.text[3]


def detail_text(app: TriangulateApp) -> str:
    return str(app.board.detail.query_one("#detail-body", Static).render())


async def test_an_enquiry_is_asked_answered_and_closed_across_two_apps(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, ben, pb):
        finding = await post(pa, agency="local-authority", evidence_source="case-file", child_id=CHILD,
                             text="Strategy discussion for NM-10234 held without health.")
        assert asha.board.findings.select_id(finding)

        # Asha asks CQC about the highlighted finding; the form starts from it and checks the shared rules.
        await pa.press("o")
        form = asha.screen
        assert isinstance(form, EnquiryForm)
        assert form.query_one("#field-finding_ids", FindingPicker).chosen == [finding]  # ticked, not typed
        assert form.query_one("#field-child_ids", Input).value == CHILD
        await pa.press("ctrl+s")
        assert asha.screen is form, "an empty form is not sent"
        assert "choose who should answer" in error_text(form, "to")
        assert error_text(form, "question") == "↑ is required" and error_text(form, "why") == "↑ is required"
        await fill(pa, form, to="to_inspectorate:cqc", question="Was the health visitor invited?",
                   why="Our case file records no health attendance.", child_ids="NM-10234!")
        await pa.press("ctrl+s")
        assert asha.screen is form and "never names" in error_text(form, "child_ids")
        await fill(pa, form, child_ids=CHILD)
        await pa.press("ctrl+s")
        assert asha.screen is not form
        enquiry_id = form.command_id

        # Ben (CQC) sees it arrive: a toast, the unread count on his status line, then the inbox.
        await wait_for(pb, lambda: ben.board.status_line.status.enquiries == 1, "Ben's unread count")
        assert notified(ben, "New line of enquiry for you")
        assert "1 new enquiry" in str(ben.board.status_line.render())
        await pb.press("i")
        inbox = ben.screen
        assert isinstance(inbox, EnquiriesScreen)
        await wait_for(pb, lambda: inbox.highlighted is not None and inbox.highlighted.id == enquiry_id,
                       "the enquiry highlighted in Ben's inbox")
        await wait_for(pb, lambda: ben.board.status_line.status.enquiries == 0, "read once opened")
        assert {"start", "answer"} <= offered(inbox)
        assert not offered(inbox) & {"close_answered", "not_pursued"}, "only the asker closes"

        await pb.press("k")  # take it on
        await wait_for(pa, lambda: asha.state.evidence.enquiries[enquiry_id].status is EnquiryStatus.IN_PROGRESS,
                       "in progress at Asha")
        assert notified(asha, "took on")
        await wait_for(pb, lambda: "start" not in offered(inbox), "start no longer offered")

        answer_finding = await post(pb, evidence_source="document-or-data", child_id=CHILD,
                                    text="Health records show no invitation to the strategy discussion.")
        await pb.press("w")
        answer = ben.screen
        assert isinstance(answer, EnquiryForm)
        await fill(pb, answer, answer="No invitation was received.")
        picker = answer.query_one("#field-finding_ids", FindingPicker)
        assert set(picker.listed) == {finding, answer_finding} and picker.chosen == []
        await tick(pb, picker, "no invitation")  # found by its words: nobody types a reference
        await tick(pb, picker, "held without health")  # narrowing the list keeps what is ticked
        assert picker.chosen == [answer_finding, finding]
        assert picker.listed[:2] == [answer_finding, finding], "the ticked findings are listed first"
        await pb.press("ctrl+s")
        assert ben.screen is inbox
        await wait_for(pa, lambda: asha.state.evidence.enquiries[enquiry_id].status is EnquiryStatus.ANSWERED,
                       "answered at Asha")
        assert notified(asha, "Your line of enquiry was answered")
        assert asha.state.evidence.enquiries[enquiry_id].answer_finding_ids == [answer_finding, finding]

        # Asha, the asker, closes it as answered.
        await pa.press("i")
        mine = asha.screen
        assert isinstance(mine, EnquiriesScreen)
        mine.select(enquiry_id)
        await pa.pause()
        assert offered(mine) >= {"close_answered", "not_pursued"} and "answer" not in offered(mine)
        assert "No invitation was received." in str(mine.query_one("#enquiry-body", Static).render())
        await pa.press("d")
        close = asha.screen
        assert isinstance(close, EnquiryForm)
        await fill(pa, close, reason="Corroborates our case file; raise at the KIT.")
        await pa.press("ctrl+s")
        await wait_for(pb, lambda: ben.state.evidence.enquiries[enquiry_id].status is EnquiryStatus.CLOSED,
                       "closed at Ben")
        assert ben.state.evidence.inbox(ben.state.me) == []
        await wait_for(pb, lambda: notified(ben, "Line of enquiry closed"), "the toast")  # toasts are posted
        await wait_for(pa, lambda: not offered(mine) & {"close_answered", "not_pursued"}, "nothing more to do")


async def test_a_link_on_one_app_changes_the_status_on_the_others_board(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, ben, pb):
        ofsted = await post(pa, agency="local-authority", text="No health at NM-10234's strategy discussion.")
        cqc = await post(pb, text="Health visitor was never invited to the strategy discussion.")
        await wait_for(pa, lambda: cqc in asha.state.findings, "Ben's finding at Asha")
        await wait_for(pb, lambda: ofsted in ben.state.findings, "Asha's finding at Ben")
        assert support_mark(ben, ofsted) == "·" and support_mark(ben, cqc) == "·"

        # Asha links her finding to Ben's, found by a word from it.
        asha.board.findings.select_id(ofsted)
        await pa.press("l")
        form = asha.screen
        assert isinstance(form, LinkForm)
        form.query_one("#link-search", Input).value = "invited"
        await pa.pause()
        assert form.chosen is not None and form.chosen.id == cqc
        assert "both count as corroborated" in str(form.query_one("#link-effect", Static).render())
        await fill(pa, form, **{"note": "Both sides say health was absent."})
        await pa.press("ctrl+s")
        assert asha.screen is not form

        await wait_for(pb, lambda: ben.state.findings[ofsted].support is CORROBORATED, "corroborated at Ben")
        assert ben.state.findings[cqc].support is CORROBORATED
        await pb.pause()
        assert support_mark(ben, ofsted) == "✓" and support_mark(ben, cqc) == "✓"
        ben.board.findings.select_id(cqc)
        await pb.pause()
        assert "✓ Corroborated" in detail_text(ben) and "corroborated by" in detail_text(ben)
        assert "Both sides say health was absent." in detail_text(ben)
        assert notified(ben, "Your finding was linked")

        # Ben adds a contradiction: both become contested on Asha's board.
        await pb.press("l")
        link = ben.screen
        assert isinstance(link, LinkForm)
        link.query_one("#link-search", Input).value = ref(ofsted)
        await pb.pause()
        await fill(pb, link, relation=Relation.CONTRADICTS.value)
        await pb.press("ctrl+s")
        await wait_for(pa, lambda: asha.state.findings[ofsted].support is CONTESTED, "contested at Asha")
        await pa.pause()
        assert support_mark(asha, ofsted) == "≠" and support_mark(asha, cqc) == "≠"

        # Ben may remove only his own link: Asha's is listed but not removable.
        await pb.press("u")
        dialog = ben.screen
        assert isinstance(dialog, UnlinkDialog)
        assert [c.removable for c in dialog._choices] == [True, False]
        await pb.press("enter")
        await wait_for(pa, lambda: asha.state.findings[ofsted].support is CORROBORATED, "back to corroborated")
        await pa.pause()
        assert support_mark(asha, ofsted) == "✓"


async def test_a_mention_in_any_text_notifies_the_member_named(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, ben, pb):
        await post(pb, text="GP not invited to conference. @Asha can Ofsted check the LA's invite list?")
        await wait_for(pa, lambda: notified(asha, "Ben Okafor mentioned you in a finding"), "the mention")
        assert not notified(ben, "mentioned you")
        await post(pa, text="Replying to @ben okafor: the invite list is in the case file.")
        await wait_for(pb, lambda: notified(ben, "Asha Patel mentioned you in a finding"), "the reply")
