"""Recording a finding through the form, against a real server: inline errors first, then sending → saved."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, TextArea

from tui.board.screen import BoardScreen

from .app_server import finding_error, make_app, new_finding, running_server, wait_for

SIZE = (100, 30)


async def test_record_a_finding_with_an_inline_error_first(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        app = make_app(tmp_path, server.url, server.tokens["asha"])
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.board.connected, "connected")

            form = await new_finding(pilot, agency="police")
            # Police are not judged on children looked after: the form only offers what applies.
            areas = [value for _, value in form.query_one("#judgement_area", Select)._options]
            assert "looked-after" not in areas and "help-and-protection" in areas

            form.query_one("#child_id", Input).value = "Jane Smith"
            await pilot.pause()
            await pilot.press("ctrl+s")
            assert app.screen is form, "an invalid form must stay open"
            assert "is required" in finding_error(form, "kind")
            assert "is required" in finding_error(form, "evidence_source")
            assert "never a name" in finding_error(form, "child_id")
            assert "must not be" in finding_error(form, "text")

            form.query_one("#kind", Select).value = "weakness"
            form.query_one("#evidence_source", Select).value = "case-file"
            form.query_one("#child_id", Input).value = "NM-0412"
            await pilot.pause()
            form.query_one("#text", TextArea).focus()
            await pilot.press(*"Missing episodes not shared")
            await pilot.pause()
            assert finding_error(form, "kind") == "" and finding_error(form, "text") == ""

            await pilot.press("ctrl+s")
            assert isinstance(app.screen, BoardScreen)
            board = app.board
            finding_id = board.findings.highlighted_id
            assert finding_id is not None
            view = app.state.findings[finding_id]
            assert view.fields.text == "Missing episodes not shared"
            assert view.status in ("sending", "saved")

            await wait_for(pilot, lambda: app.state.findings[finding_id].status == "saved", "the ack")
            saved = app.state.findings[finding_id]
            assert saved.fields.agency == "police" and saved.fields.child_id == "NM-0412"
            assert board.findings.rows[0].id == finding_id
            assert app.store.pending() == []
            assert "all sent" in str(board.status_line.render())


async def test_a_finding_made_offline_shows_unsent_and_is_saved_on_reconnect(tmp_path: Path) -> None:
    # First visit: connect once so the cache knows who we are, then the server goes away.
    async with running_server(tmp_path) as server:
        url, token = server.url, server.tokens["asha"]
        port = server.server.port
        app = make_app(tmp_path, url, token)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.board.connected, "connected")
        app.store.close()

    app = make_app(tmp_path, url, token)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.me is not None, "the cached welcome")
        await wait_for(pilot, lambda: app.board.status_line.status.connection == "reconnecting", "a retry")
        await new_finding(pilot, "Written on the train, no signal.", agency="health", kind="note",
                          evidence_source="observation")
        await pilot.press("ctrl+s")
        finding_id = app.board.findings.highlighted_id
        assert finding_id is not None
        assert app.state.findings[finding_id].status == "sending"
        assert app.board.findings.rows[0].id == finding_id
        await wait_for(pilot, lambda: app.board.status_line.status.unsent == 1, "the outbox count")
        assert [c.id for c in app.store.pending()] == [finding_id]

        async with running_server(tmp_path, port=port):
            await wait_for(pilot, lambda: app.state.findings[finding_id].status == "saved", "the resend")
            await wait_for(pilot, lambda: app.board.status_line.status.unsent == 0, "an empty outbox")
