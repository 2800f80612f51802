"""What a feature (the board, alerts, triangulation, meetings, grades, cases, the clock, the report) adds to the app.

A feature lives in its own folder (tui/<feature>/) with its screen, dialogs and widgets; its ``actions.py`` holds
one ``Feature``: its keys, its palette commands, and what it does when something happens. The app holds a list of
features and calls each hook on every one of them, in order, from one place (tui.app); a hook does nothing unless
the feature overrides it. A feature sees the app only through ``Host``: the state, the clock, the outbox and the
few things a feature does on screen (a toast, the bell, pushing a screen).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TextIO

from pydantic import BaseModel
from textual.app import SystemCommand
from textual.binding import Binding
from textual.notifications import Notification, SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker

from shared.protocol import Command, Event
from tui import messages as m
from tui.board.screen import BoardScreen
from tui.outbox import Outbox
from tui.state import FindingView, TeamState
from tui.store import LocalStore
from tui.timefmt import Clock


class Host(Protocol):
    """The part of the app a feature may use (TriangulateApp is one)."""

    state: TeamState
    """Replaced when the cache loads or is reset: read it each time, never keep it."""
    now: Clock
    outbox: Outbox
    store: LocalStore
    board: BoardScreen

    @property
    def caught_up(self) -> bool: ...
    @property
    def is_running(self) -> bool: ...
    @property
    def is_web(self) -> bool: ...
    @property
    def screen(self) -> Screen[Any]: ...
    @property
    def screen_stack(self) -> list[Screen[Any]]: ...
    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None: ...
    def toast(self, title: str, message: str, *, replacing: Notification | None = None) -> Notification: ...
    def bell(self) -> None: ...
    def show_title(self) -> None: ...
    def push_screen(self, screen: Screen[Any], callback: Callable[[Any], None] | None = None) -> Any: ...
    def pop_screen(self) -> Any: ...
    def call_after_refresh(self, callback: Callable[..., Any], *args: Any) -> bool: ...
    def set_interval(self, interval: float, callback: Callable[[], Any]) -> Timer: ...
    def copy_to_clipboard(self, text: str) -> None: ...
    def deliver_text(self, path_or_file: TextIO, *, save_filename: str | None = None) -> str | None: ...
    def run_worker(self, work: Callable[[], None], *, group: str, thread: bool) -> Worker[None]: ...
    def call_from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any: ...


@dataclass(frozen=True, slots=True)
class Folded:
    """One event the app folded into the state, with what the features ask of it."""

    event: Event
    payload: BaseModel | None
    """Read once, when the client yielded the event (tui.messages.EventReceived)."""
    news: bool
    """A teammate's event the user has not seen: newer than the cache opened with, and not history."""
    live: bool
    """It came after the first catch-up."""
    view: FindingView | None
    """The finding it changed, if any."""


@dataclass
class Batch:
    """What one burst from the client changed, once the app has folded all of it into the state."""

    events: list[Folded] = field(default_factory=list)
    changed: dict[str, FindingView] = field(default_factory=dict)
    """Findings to redraw: changed by an event, an ack or a refusal, or at the other end of a link."""
    settled: bool = False
    """One of our commands was acked or refused."""
    connected: bool = False
    caught_up: bool = False
    """The catch-up ended in this burst (the hooks ran before its findings were drawn)."""
    reset: bool = False
    """The server's log was not the one cached: the state was rebuilt (``Feature.loaded`` ran)."""

    def has(self, kinds: Iterable[str]) -> bool:
        wanted = set(kinds)
        return any(folded.event.kind in wanted for folded in self.events)


def feature_key(feature: str, key: str, action: str, description: str, **options: Any) -> Binding:
    """A key on every screen that runs ``action`` of the named feature (TriangulateApp.action_feature)."""
    return Binding(key, f"feature({feature!r}, {action!r})", description, **options)


class Feature:
    """One feature's part in the app. Subclasses set ``name`` and ``BINDINGS`` and override the hooks they need."""

    name: ClassVar[str]
    BINDINGS: ClassVar[list[Binding]] = []
    """Keys on every screen (a screen's own keys win); made with ``feature_key``."""

    def __init__(self, host: Host) -> None:
        self.host = host

    def run(self, action: str) -> None:
        """Run ``action_<action>``: what this feature's keys and palette commands call."""
        getattr(self, f"action_{action}")()

    # ------------------------------------------------------------------ hooks, in the order the app calls them

    def mounted(self) -> None:
        """The app is up (its timers may start)."""

    def loaded(self) -> None:
        """A whole state was loaded (the cache, or after a reset): what it holds is history, not news."""

    def connected(self) -> None:
        """The server accepted us (again): a catch-up follows."""

    def caught_up(self) -> None:
        """The catch-up is done: what follows is live."""

    def after_batch(self, batch: Batch) -> None:
        """The app folded a burst from the client into the state: announce what is news, redraw what changed."""

    def sent(self, command: Command) -> None:
        """One of our commands was just shown as ours and queued (tui.outbox): redraw what shows it."""

    def screen_changed(self, screen: Screen[Any]) -> None:
        """Another screen is on top."""

    def request(self, request: m.Request) -> None:
        """A screen asked for something (tui.messages); a feature answers the ones that are its own."""

    def commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Its entries in the command palette, opened on ``screen``."""
        return ()
