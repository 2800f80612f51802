"""A real team server for the app tests: SQLite in tmp_path, an ephemeral port, a fixed clock."""

from __future__ import annotations

import asyncio
import atexit
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Label, Select, TextArea

from server.network.team_server import ServerConfig, TeamServer
from server.storage import database
from shared.vocabulary import Framework, Inspectorate, Role
from tui.app import TriangulateApp
from tui.board.finding_form import FindingForm
from tui.dialogs.command_form import CommandForm

from .app_data import NOW

TIMEOUT = 15.0


@dataclass
class RunningServer:
    server: TeamServer
    url: str
    tokens: dict[str, str]
    db_url: str


class TickingClock:
    """The server's clock: fixed start, one minute per event, so times on screen are predictable."""

    def __init__(self, start: datetime = NOW) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def seed_team(db_path: Path, framework: Framework = Framework.INTEGRATED) -> dict[str, str]:
    """An inspection with a lead (asha) and a CQC inspector (ben); returns their tokens.

    The first call per framework creates the database; later ones copy that file (with its 0600 mode), which saves
    the schema's creation and its waits on the disk in every app test that runs a server.
    """
    if framework not in _SEEDED:
        template = Path(tempfile.mkdtemp(prefix="triangulate-team-")) / "server.db"
        atexit.register(shutil.rmtree, template.parent, True)
        _SEEDED[framework] = (template, _create_team(template, framework))
    template, tokens = _SEEDED[framework]
    shutil.copy(template, db_path)
    return dict(tokens)


_SEEDED: dict[Framework, tuple[Path, dict[str, str]]] = {}


def _create_team(db_path: Path, framework: Framework) -> dict[str, str]:
    engine = database.connect(f"sqlite:///{db_path}")
    try:
        inspection = database.create_inspection(
            engine, name="Northmoor", framework=framework, start_date=date(2026, 11, 16),
            timezone="Europe/London",
        )
        _, asha = database.add_inspector(engine, inspection_id=inspection.id, name="Asha Patel",
                                      inspectorate=Inspectorate.OFSTED, role=Role.LEAD)
        _, ben = database.add_inspector(engine, inspection_id=inspection.id, name="Ben Okafor",
                                     inspectorate=Inspectorate.CQC, role=Role.INSPECTOR)
    finally:
        engine.dispose()
    return {"asha": asha, "ben": ben}


@asynccontextmanager
async def running_server(tmp_path: Path, port: int = 0, **config_fields: Any) -> AsyncIterator[RunningServer]:
    """``config_fields`` go to ServerConfig (``certfile``/``keyfile`` for wss://, limits)."""
    db_path = tmp_path / "server.db"
    tokens = seed_team(db_path) if not db_path.exists() else {}
    db_url = f"sqlite:///{db_path}"
    config = ServerConfig(db_url=db_url, port=port, **config_fields)
    async with TeamServer(config, clock=TickingClock()) as server:
        yield RunningServer(server, server.url, tokens, db_url)


def make_app(tmp_path: Path, url: str, token: str, name: str = "app", **kwargs: Any) -> TriangulateApp:
    """The app as the CLI builds it (real TeamClient, real LocalStore), with the fixed clock."""
    kwargs.setdefault("now", lambda: NOW)
    return TriangulateApp.connect(url, token, tmp_path / f"{name}.sqlite3", **kwargs)


async def wait_for(pilot: Pilot[Any], condition: Callable[[], object], what: str = "condition") -> None:
    """Let the app run until ``condition()`` is true; fail after TIMEOUT rather than hang."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


# ---------------------------------------------------------------- Pilot helpers shared by the app tests


def offered(screen: Screen[Any]) -> set[str]:
    """The actions this screen offers now, in the footer or (for the crowded ones) only in help and the palette."""
    return {active.binding.action for active in screen.active_bindings.values() if active.enabled}


def notified(app: TriangulateApp, words: str) -> bool:
    return any(words in f"{n.title} {n.message}" for n in app._notifications)


async def live(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, TriangulateApp)
    await wait_for(pilot, lambda: app.caught_up and app.board.connected, "the app live")


async def fill(pilot: Pilot[Any], form: CommandForm, **values: str) -> None:
    for name, value in values.items():
        widget = form.query_one(f"#field-{name}")
        if isinstance(widget, TextArea):
            widget.text = value
        else:
            assert isinstance(widget, Select | Input)
            widget.value = value
    await pilot.pause()


async def choose(form: FindingForm, pilot: Pilot[Any], **selects: str) -> None:
    """Choose in the finding form's selects in order, letting the lists that follow the agency catch up each time."""
    for name, value in selects.items():
        form.query_one(f"#{name}", Select).value = value
        await pilot.pause()


async def new_finding(pilot: Pilot[Any], text: str | None = None, **selects: str) -> FindingForm:
    """Press n on the board for the finding form, ``choose`` the ``selects`` and write ``text`` (nothing is sent)."""
    await pilot.press("n")
    form = pilot.app.screen
    assert isinstance(form, FindingForm)
    await choose(form, pilot, **selects)
    if text is not None:
        form.query_one("#text", TextArea).text = text
        await pilot.pause()
    return form


def finding_error(form: FindingForm, name: str) -> str:
    """The inline error the finding form shows under ``name`` ('' when there is none)."""
    label = form.query_one(f"#{name}-error", Label)
    return str(label.render()) if label.has_class("-shown") else ""


@asynccontextmanager
async def lead_and_inspector(
    tmp_path: Path, size: tuple[int, int]
) -> AsyncIterator[tuple[TriangulateApp, Pilot[Any], TriangulateApp, Pilot[Any]]]:
    """A real server and two live apps on it: Asha (lead, Ofsted) and Ben (CQC), each synced."""
    async with running_server(tmp_path) as server:
        asha = make_app(tmp_path, server.url, server.tokens["asha"], name="asha")
        ben = make_app(tmp_path, server.url, server.tokens["ben"], name="ben")
        async with asha.run_test(size=size) as pa, ben.run_test(size=size) as pb:
            await live(pa)
            await live(pb)
            yield asha, pa, ben, pb
