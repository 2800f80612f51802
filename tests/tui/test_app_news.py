"""Teammates' new findings are told in at most one toast per two seconds: a burst is one toast that counts them."""

from __future__ import annotations

from pathlib import Path

from shared.findings import PostFinding
from tui.app import TriangulateApp

from .app_server import live, make_app, running_server, wait_for

SIZE = (100, 30)


def finding_toasts(app: TriangulateApp) -> list[str]:
    return sorted(n.title for n in app._notifications if "new finding" in n.title.casefold())


async def test_six_findings_within_two_seconds_are_one_toast_and_one_after_that_another(tmp_path: Path) -> None:
    seconds = [100.0]  # Asha's monotonic clock: the only thing faked

    async with running_server(tmp_path) as server:
        asha = make_app(tmp_path, server.url, server.tokens["asha"], name="asha", monotonic=lambda: seconds[0])
        ben = make_app(tmp_path, server.url, server.tokens["ben"], name="ben")
        async with asha.run_test(size=SIZE) as pa, ben.run_test(size=SIZE) as pb:
            await live(pa)
            await live(pb)

            async def ben_posts(n: int) -> None:
                ben.outbox.send(PostFinding(id=f"c-{n}", agency="health", kind="weakness",
                                             evidence_source="case-file", text=f"Finding number {n}."))
                await wait_for(pa, lambda: sum(v.author.name == "Ben Okafor" for v in asha.state.findings.values())
                               == n, f"Ben's finding {n} at Asha's")

            for n in range(1, 7):  # one at a time, each in its own batch, 0.3 s apart
                await ben_posts(n)
                await pa.pause()
                seconds[0] += 0.3
            assert finding_toasts(asha) == ["6 new findings"]
            assert any(n.message == "from Ben Okafor" for n in asha._notifications)

            seconds[0] = 100.0 + 2.0  # two seconds after the first toast
            await ben_posts(7)
            await pa.pause()
            assert finding_toasts(asha) == ["6 new findings", "New finding · Health · Weakness"]
