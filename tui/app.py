"""The Textual app: start-up, the network loop, the sender, app-wide actions, and the features.

The client runs in an async worker and its messages arrive here as batches; ``on_client_batch`` folds each batch
into TeamState in one loop, then tells every feature (tui.feature) what it changed, in order: the board, alerts,
triangulation, meetings, grades, cases, the clock and the report each live in their own folder (tui/<feature>/)
with their screen and an ``actions.py`` holding their Feature — its keys, its palette commands, its hooks. Our
own commands leave through the outbox (tui.outbox), which the screens are handed; widgets never touch the socket.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import ClassVar, Protocol, TypeVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.notifications import Notification, SeverityLevel
from textual.screen import Screen

from shared import kinds
from shared.personal_data import ERROR_CODE
from shared.protocol import Command, Welcome
from tui import messages as m
from tui.alerts.actions import CONFIRM_AFTER, NAG_EVERY, AlertsFeature
from tui.board.actions import BoardFeature
from tui.board.screen import BoardScreen
from tui.cases.actions import CasesFeature
from tui.client import RESEND_AFTER
from tui.clock.actions import ClockFeature
from tui.clock.reporting_clock import fieldwork_label
from tui.config import load_theme, save_theme
from tui.dialogs.quit_dialog import QuitDialog
from tui.feature import Batch, Feature, Folded
from tui.grades.actions import GradesFeature
from tui.guard import PersonalDataGuard, refusal_message
from tui.help_screen import HelpScreen
from tui.meetings.actions import MeetingsFeature
from tui.meetings.glance import header_marker
from tui.messages import CacheLoaded, ClientBatch
from tui.opening import first_look, whole_state
from tui.outbox import Outbox
from tui.palette import screen_commands
from tui.report.actions import ReportFeature
from tui.state import TeamState
from tui.store import LocalStore
from tui.timefmt import Clock, utc_now
from tui.triangulation.actions import TriangulationFeature
from tui.widgets.plain import plain_text, visible


class ClientLike(Protocol):
    """What the app needs of tui.client.TeamClient (a protocol so tests can use the real one or none)."""

    @property
    def pending_count(self) -> int: ...
    def messages(self) -> AsyncIterator[m.ClientMessage]: ...
    async def send(self, command: Command) -> None: ...
    async def close(self) -> None: ...


ClientFactory = Callable[[LocalStore], ClientLike]

FEATURES: tuple[type[Feature], ...] = (
    BoardFeature, AlertsFeature, TriangulationFeature, MeetingsFeature, GradesFeature, CasesFeature, ClockFeature,
    ReportFeature,
)
"""Every feature, whose keys the app binds; ``__init__`` makes one of each in this order, the order the app calls
their hooks and lists their palette commands in."""

F = TypeVar("F", bound=Feature)

TITLE_ROOM = 40
"""Characters of the inspection's name the header shows (the child-protection framework's names run past 70)."""


class TriangulateApp(App[None]):
    """Triangulate's terminal client. Shared by the CLI and the tests: pass a store and a client factory."""

    CSS_PATH = "triangulate.tcss"
    TITLE = "Triangulate"
    NOTIFICATION_TIMEOUT = 6
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help"),
        Binding("ctrl+t", "toggle_dark", "Light/dark", show=False),
        *(binding for feature in FEATURES for binding in feature.BINDINGS),
    ]

    def __init__(
        self,
        *,
        store: LocalStore,
        client_factory: ClientFactory | None = None,
        now: Clock = utc_now,
        share_hint: str | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        theme: str | None = None,
        settings_dir: Path | None = None,
        alert_confirm_after: float = CONFIRM_AFTER,
        nag_every: float | None = NAG_EVERY,
        on_first_welcome: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self._on_first_welcome = on_first_welcome
        """Called once, when the server first accepts us: the CLI remembers a server only once it is known to work."""
        self.client: ClientLike | None = client_factory(store) if client_factory else None
        self.now = now
        self.share_hint = share_hint
        self.state = TeamState()
        self.outbox = Outbox(lambda: self.state, now, self._sent)
        self.board = BoardScreen(self.outbox, "connecting" if self.client else "offline")
        self.auth_error: str | None = None
        self._cached_head = 0
        self._live = False
        self.guard = PersonalDataGuard(lambda: self.state, now)
        """The personal-data check every form runs before sending (tui.widgets.guard_notice.guard_allows)."""
        self._features: list[Feature] = [
            BoardFeature(self, monotonic), AlertsFeature(self, alert_confirm_after, nag_every),
            TriangulationFeature(self), MeetingsFeature(self), GradesFeature(self), CasesFeature(self),
            ClockFeature(self), ReportFeature(self),
        ]
        self._by_name = {feature.name: feature for feature in self._features}
        self._settings_dir = settings_dir
        """Where the chosen theme is remembered (the CLI's config directory); None remembers nothing."""
        saved = load_theme(settings_dir) if settings_dir else None
        if theme:
            self.theme = theme  # named on the command line: wins for this run
        elif saved is not None and saved in self.available_themes:
            self.theme = saved

    def feature(self, kind: type[F]) -> F:
        """The app's one feature of this kind."""
        return next(feature for feature in self._features if isinstance(feature, kind))

    @classmethod
    def connect(
        cls, url: str, token: str, store_path: Path, *, resend_after: float | None = RESEND_AFTER,
        cafile: str | None = None, **kwargs: object
    ) -> TriangulateApp:
        """The app for one server and token, caching in ``store_path`` (the CLI's way in).

        ``cafile`` trusts that CA for a ``wss://`` server instead of the system's trust store.
        """
        from tui.client import TeamClient, tls_context

        store = LocalStore(store_path)
        ssl_context = tls_context(cafile) if cafile else None

        def client(s: LocalStore) -> TeamClient:
            return TeamClient(url, token, s, resend_after=resend_after, ssl_context=ssl_context)

        return cls(store=store, client_factory=client, **kwargs)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ start-up

    def get_default_screen(self) -> Screen:
        return self.board

    def on_mount(self) -> None:
        self.set_interval(60, self.show_title)
        self._sender()
        self.screen_change_signal.subscribe(self, self._screen_changed)
        self._screen_changed(self.screen)
        for feature in self._features:
            feature.mounted()
        self.call_after_refresh(self._load_cache)  # draw the board first, then read the cache

    @work(thread=True, exclusive=True, group="cache")
    def _load_cache(self) -> None:
        """Read the cache in a thread: 20,000 events take a moment to parse, and the screen is already up."""
        welcome = self.store.welcome
        if (glance := first_look(self.store, welcome)) is not None:
            self.post_message(CacheLoaded(glance, first_look=True))
        self.post_message(CacheLoaded(whole_state(self.store, welcome, big=glance is not None)))

    def on_cache_loaded(self, message: CacheLoaded) -> None:
        if not self.is_running:
            return
        if message.first_look:
            self.board.show_state(message.state)
            return
        self.state = message.state
        self._cached_head = self.state.head
        self._loaded()
        self.show_title()
        self._show_unsent()
        if self.client is not None:
            self._run_client()

    def _loaded(self) -> None:
        self.board.show_state(self.state)
        for feature in self._features:
            feature.loaded()

    def _screen_changed(self, screen: Screen) -> None:
        for feature in self._features:
            feature.screen_changed(screen)

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header: the inspection's name is whatever the lead typed, so it is shown through ``plain``; a long
        one is cut to ``TITLE_ROOM`` so the lead's "KIT not held" and the day still show at 80 columns."""
        title = visible(title, one_line=True)
        if len(title) > TITLE_ROOM:
            title = title[: TITLE_ROOM - 1].rstrip() + "…"
        return super().format_title(title, visible(sub_title, one_line=True))

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every toast, from any screen: its words may be a teammate's or the server's, so never markup."""
        super().notify(visible(message), title=visible(title, one_line=True), severity=severity, timeout=timeout,
                       markup=False)

    def toast(self, title: str, message: str, *, replacing: Notification | None = None) -> Notification:
        """A toast that can be taken back, added at once rather than by message so the next batch can replace it.

        Textual has no public way to withdraw one toast (it is pinned below 8.3 in pyproject.toml)."""
        notification = Notification(visible(message), visible(title, one_line=True),
                                    timeout=self.NOTIFICATION_TIMEOUT, markup=False)
        if replacing is not None:
            self._unnotify(replacing, refresh=False)
        self._notifications.add(notification)
        self._refresh_notifications()
        return notification

    def show_title(self) -> None:
        inspection = self.state.inspection
        if inspection is None:
            self.sub_title = "not connected yet"
            return
        self.title = inspection.name
        now = self.now()
        # The lead's "KIT not held" (CP ¶30) first, beside the day it is about: a long inspection name leaves the
        # header room for little more, and the framework's name is the part that can go.
        kit = header_marker(self.state, now)
        parts = (kit, fieldwork_label(inspection, now), inspection.framework.label)
        self.sub_title = " · ".join(part for part in parts if part)

    # ------------------------------------------------------------------ the network

    @work(exclusive=True, group="network")
    async def _run_client(self) -> None:
        """Pump client messages into a queue and post them in batches: one Textual message per burst."""
        client = self.client
        assert client is not None
        queue: asyncio.Queue[m.ClientMessage | None] = asyncio.Queue()

        async def pump() -> None:
            try:
                async for item in client.messages():
                    await queue.put(item)
            finally:
                await queue.put(None)

        task = asyncio.create_task(pump())
        try:
            while True:
                batch = [await queue.get()]
                while not queue.empty():
                    batch.append(queue.get_nowait())
                items = [item for item in batch if item is not None]
                if items:
                    self.post_message(ClientBatch(items))
                if None in batch:
                    return
        finally:
            task.cancel()
            await client.close()

    def on_client_batch(self, message: ClientBatch) -> None:
        """Fold a burst from the client into the state, then tell every feature what it changed."""
        if not self.is_running:
            return  # shutting down: the screens are going, and the cache already has everything
        batch = Batch()
        refold = False
        for item in message.items:
            match item:
                case m.EventReceived(event=event, payload=payload):
                    refold = refold or event.kind == kinds.RECORD_REDACTED
                    view = self.state.apply(event, payload)
                    if view is not None:
                        batch.changed[view.id] = view
                    news = event.actor is not None and self._is_news(event.seq, event.actor.id)
                    batch.events.append(Folded(event, payload, news, self._live, view))
                case m.Connected(welcome=welcome):
                    self._welcomed(welcome)
                    batch.connected = True
                case m.CaughtUp():
                    self._live = True
                    batch.caught_up = True
                    for feature in self._features:
                        feature.caught_up()
                case m.Acked(command_id=command_id, seq=seq):
                    view = self.state.acked(command_id, seq)
                    if view is not None:
                        batch.changed[view.id] = view
                    batch.settled = True
                    self.board.set_retrying("")  # the server is storing again
                case m.Retrying(reason=reason):
                    self.board.set_retrying(reason)
                case m.Rejected(error=error):
                    view = self.state.rejected(error.id, refusal_message(error)) if error.id else None
                    if view is not None:
                        batch.changed[view.id] = view
                    batch.settled = True
                    title = ("The server refused it: personal data" if error.code == ERROR_CODE
                             else "The server refused a change")
                    self.notify(refusal_message(error), title=title, severity="error", timeout=12)
                case m.PresenceChanged(online=online):
                    self.state.presence(online)
                    self.board.show_team()
                case m.Disconnected(retry_in=retry_in, reason=reason):
                    self.board.set_connection("reconnecting", retry_at=time.monotonic() + retry_in, reason=reason)
                    self.board.set_retrying("")  # the connection's own state says why nothing goes out
                case m.AuthFailed(message=refused):
                    self._stop(2, "refused", f"The server refused this token: {refused}. Ask your lead inspector "
                               "for a new one.", auth_error=refused)
                    return
                case m.Untrusted(message=untrusted):
                    self._stop(3, "offline", f"Not connected: {untrusted}.")
                    return
                case m.CacheReset():
                    self._reset()
                    batch.changed.clear()
                    batch.reset = True
        if refold:  # the cache's events were rewritten (tui.store): what the folds hold came from the old text
            self._refold()
            batch.changed.clear()
            batch.reset = True
        batch.changed.update((view.id, view) for view in self.state.take_side_changes())  # a link repaints both ends
        for feature in self._features:
            feature.after_batch(batch)
        self._show_unsent()

    @property
    def caught_up(self) -> bool:
        """True once the first catch-up is done: from then on, teammates' findings are news."""
        return self._live

    def _is_news(self, seq: int, actor_id: int) -> bool:
        """A teammate's event the user has not seen: newer than the cache we opened with, and not history."""
        me = self.state.me.id if self.state.me else None
        return actor_id != me and seq > self._cached_head and (self._live or self._cached_head > 0)

    def _welcomed(self, welcome: Welcome) -> None:
        """The server accepted us: say so if our role changed, and show our unsent findings once we know who we are."""
        if self._on_first_welcome is not None:
            self._remember_server(self._on_first_welcome)
            self._on_first_welcome = None
        was, now = self.state.me, welcome.inspector
        if was is not None and was.id == now.id and was.role is not now.role:  # the lead gave us another role
            self.notify(f"You are now {now.role.label} (was {was.role.label}).", title="Your role changed")
        self.state.welcome(welcome)
        if was is None:  # now we know who we are: show our unsent findings, and say so if none
            for command in self.store.pending():
                self.state.add_pending(command)
            self.board.show_state(self.state)
        self.board.set_connection("connected")
        for feature in self._features:
            feature.connected()
        self.board.show_team()
        self.show_title()

    def _remember_server(self, remember: Callable[[], None]) -> None:
        try:
            remember()
        except OSError as exc:  # the settings directory is not writable: the app still works, but say so
            self.notify(f"This server will not be remembered: {exc}", title="Settings not saved", severity="warning")

    def _stop(self, return_code: int, connection: str, message: str, *, auth_error: str | None = None) -> None:
        """The client gave up for good (a refused token, an untrusted certificate): say why on the way out."""
        self.auth_error = auth_error
        self.board.set_connection(connection)
        self.exit(return_code=return_code, message=plain_text(message, one_line=False))

    def _reset(self) -> None:
        """The server's log is not the one we cached: start again from nothing but who we are and the outbox."""
        old = self.state
        self.state = TeamState.build(None, (), ())
        self.state.me, self.state.inspection = old.me, old.inspection
        self.state.team, self.state.online = dict(old.team), set(old.online)
        for command in self.store.pending():
            self.state.add_pending(command)
        self._cached_head = 0
        self._loaded()

    def _refold(self) -> None:
        """Fold the whole cache again (with the commands in its outbox), keeping who is online."""
        online = self.state.online
        self.state = whole_state(self.store, self.store.welcome)
        self.state.online = set(online)
        self._loaded()

    def _unsent_count(self) -> int:
        """Commands the server has not stored yet: in the outbox, or on their way to it."""
        in_outbox = self.client.pending_count if self.client else self.store.pending_count()
        return in_outbox + len(self.outbox)

    def _show_unsent(self) -> None:
        self.board.set_unsent(self._unsent_count())

    # ------------------------------------------------------------------ our own commands

    def _sent(self, command: Command) -> None:
        """The outbox took one of our commands: every feature redraws what shows it as on its way."""
        for feature in self._features:
            feature.sent(command)

    @work(exclusive=True, group="send")
    async def _sender(self) -> None:
        """One sender, so commands reach the outbox in the order they were made (a post before its amend)."""
        while True:
            command = await self.outbox.next()
            try:
                if self.client is not None:
                    await self.client.send(command)  # durable in the outbox first, then on the wire
                else:
                    await asyncio.to_thread(self.store.enqueue, command)
            except ValueError as too_big:
                view = self.state.rejected(command.id, str(too_big))
                if view is not None:
                    self.board.finding_changed(view)
                self.notify(str(too_big), title="Not sent", severity="error")
            self._show_unsent()

    @on(m.Request)
    def _request(self, request: m.Request) -> None:
        """A screen asked for something beyond itself: the feature it belongs to answers."""
        for feature in self._features:
            feature.request(request)

    # ------------------------------------------------------------------ app-wide actions

    async def action_quit(self) -> None:
        """ctrl+q and the palette's Quit: with commands not yet sent, ask first and say how many."""
        if isinstance(self.screen, QuitDialog):
            return
        unsent = self._unsent_count()
        if not unsent:
            self.exit()
            return

        def chosen(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        self.push_screen(QuitDialog(unsent), chosen)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.share_hint))

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def watch_theme(self, theme: str) -> None:
        """Remember a theme the user picks (ctrl+t, or the palette's Theme), so the next start uses it."""
        if not self.is_running or self._settings_dir is None:
            return  # the theme set at start-up is not a choice
        try:
            save_theme(theme, self._settings_dir)
        except OSError as exc:
            self.notify(f"The theme will not be remembered: {exc}", title="Settings not saved", severity="warning")

    def action_feature(self, name: str, action: str) -> None:
        """A feature's key (tui.feature.feature_key), from any screen."""
        self._by_name[name].run(action)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action by name in the command palette (ctrl+p): the keys of the screen it was opened on
        (tui.palette), including those its footer has no room for, then every feature's and the app's own."""
        yield from super().get_system_commands(screen)
        if screen is not self.board:  # the board feature names the board's keys, from any screen
            yield from screen_commands(screen)
        for feature in self._features:
            yield from feature.commands(screen)
        yield SystemCommand("Help", "Keys, search words and how a teammate joins (?)", self.action_help)
        yield SystemCommand("Light or dark", "Switch between the light and dark theme (ctrl+t)",
                            self.action_toggle_dark)
