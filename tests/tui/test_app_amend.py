"""Amending: only one's own findings, through the same form prefilled; the history shows both versions."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select, Static, TextArea

from shared.findings import PostFinding
from tui.board.finding_form import FindingForm
from tui.board.screen import BoardScreen

from .app_server import make_app, running_server, wait_for

SIZE = (100, 30)


def post(text: str, command_id: str) -> PostFinding:
    return PostFinding(id=command_id, agency="health", kind="weakness", evidence_source="case-file", text=text)


async def test_amend_own_finding_and_refuse_someone_elses(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        ben = make_app(tmp_path, server.url, server.tokens["ben"], name="ben")
        app = make_app(tmp_path, server.url, server.tokens["asha"], name="asha")
        async with ben.run_test(size=SIZE) as ben_pilot:
            await wait_for(ben_pilot, lambda: ben.board.connected, "ben connected")
            assert ben.client is not None
            await ben.client.send(post("Health visitor caseloads are high.", "ben-1"))
            await wait_for(ben_pilot, lambda: not ben.store.pending(), "ben's ack")

        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: "ben-1" in app.state.findings, "ben's finding")
            assert app.client is not None
            await app.client.send(post("Initial health assessments are late.", "asha-1"))
            await wait_for(pilot, lambda: app.state.findings.get("asha-1") is not None
                           and app.state.findings["asha-1"].status == "saved", "asha's finding")

            # Ben's finding: not ours to amend, and the app says so instead of opening the form.
            assert app.board.findings.select_id("ben-1")
            await pilot.press("e")
            assert isinstance(app.screen, BoardScreen)
            messages = [n.message for n in app._notifications]
            assert any("Only Ben Okafor can amend" in message for message in messages)

            # Our own: the form opens prefilled; change the kind and the text.
            assert app.board.findings.select_id("asha-1")
            await pilot.press("e")
            form = app.screen
            assert isinstance(form, FindingForm)
            assert form.query_one("#agency", Select).value == "health"
            assert form.query_one("#text", TextArea).text == "Initial health assessments are late."
            form.query_one("#kind", Select).value = "area-for-improvement"
            form.query_one("#text", TextArea).text = "Initial health assessments are late in 4 of 10 cases."
            await pilot.pause()
            await pilot.press("ctrl+s")
            assert isinstance(app.screen, BoardScreen)

            await wait_for(pilot, lambda: len(app.state.findings["asha-1"].history) == 2, "the amendment")
            view = app.state.findings["asha-1"]
            assert view.status == "saved" and view.fields.kind == "area-for-improvement"
            body = str(app.board.detail.query_one("#detail-body", Static).render())
            assert "v2" in body and "kind: Weakness → Area for improvement" in body

        # Everyone sees it: Ben reopens and has both versions.
        ben = make_app(tmp_path, server.url, server.tokens["ben"], name="ben")
        async with ben.run_test(size=SIZE) as ben_pilot:
            await wait_for(ben_pilot, lambda: "asha-1" in ben.state.findings
                           and len(ben.state.findings["asha-1"].history) == 2, "the amendment at ben's")


async def test_a_refused_amendment_is_marked_and_explained(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        ben = make_app(tmp_path, server.url, server.tokens["ben"], name="ben")
        async with ben.run_test(size=SIZE) as ben_pilot:
            await wait_for(ben_pilot, lambda: ben.board.connected, "ben connected")
            assert ben.client is not None
            await ben.client.send(post("Health visitor caseloads are high.", "ben-1"))
            await wait_for(ben_pilot, lambda: not ben.store.pending(), "ben's ack")

        app = make_app(tmp_path, server.url, server.tokens["asha"], name="asha")
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: "ben-1" in app.state.findings and app.caught_up, "ben's finding")
            # The board refuses this before asking; here the server's own check is exercised.
            fields = app.state.findings["ben-1"].fields.model_copy(update={"text": "Rewritten by someone else."})
            app.board.submit(fields, "ben-1")
            await wait_for(pilot, lambda: app.state.findings["ben-1"].status == "rejected", "the refusal")
            view = app.state.findings["ben-1"]
            assert view.fields.text == "Health visitor caseloads are high."  # the saved text stands
            assert any(n.severity == "error" for n in app._notifications)
            app.board.findings.select_id("ben-1")
            await pilot.pause()
            body = str(app.board.detail.query_one("#detail-body", Static).render())
            assert "rejected" in body
            assert app.store.pending() == []
