"""End to end: a real server and two app instances in one test — A records a finding, B shows it live."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea

from shared.findings import PostFinding

from .app_server import make_app, new_finding, running_server, wait_for

SIZE = (100, 30)


async def test_a_records_a_finding_and_b_sees_it(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        a = make_app(tmp_path, server.url, server.tokens["asha"], name="asha")
        b = make_app(tmp_path, server.url, server.tokens["ben"], name="ben")
        async with a.run_test(size=SIZE) as pa, b.run_test(size=SIZE) as pb:
            await wait_for(pa, lambda: a.board.connected and a.caught_up, "A live")
            await wait_for(pb, lambda: b.board.connected and b.caught_up, "B live")
            assert b.client is not None  # B is reading one of their own findings when A's arrives
            await b.client.send(PostFinding(id="ben-1", agency="health", kind="note",
                                            evidence_source="observation", text="Clinic visit booked."))
            await wait_for(pb, lambda: b.board.findings.highlighted_id == "ben-1", "B's own finding")

            form = await new_finding(pa, agency="local-authority", judgement_area="looked-after", kind="strength",
                                     evidence_source="meeting-with-child-or-family")
            form.query_one("#text", TextArea).focus()
            await pa.press(*"Care leavers know their personal adviser well.")
            await pa.pause()
            await pa.press("ctrl+s")
            finding_id = a.board.findings.highlighted_id
            assert finding_id is not None

            await wait_for(pb, lambda: finding_id in b.state.findings, "the finding at B")
            await wait_for(pa, lambda: a.state.findings[finding_id].status == "saved", "A's ack")
            seen = b.state.findings[finding_id]
            assert seen.author.name == "Asha Patel" and seen.fields.judgement_area == "looked-after"
            assert b.board.findings.rows[0].id == finding_id
            assert finding_id in b.board.unread  # B has not looked at it yet
            assert any("Care leavers know" in n.message for n in b._notifications)
            assert "1 unread" in str(b.board.status_line.render())

            assert b.board.findings.highlighted_id == "ben-1"  # the cursor stays on what B was reading
            await pb.press("home")  # going to the new one marks it read
            assert b.board.findings.highlighted_id == finding_id
            assert not b.board.unread
