"""The Textual app: wires the network client to the team board.

The client runs in an async worker and its messages arrive here as batches of Textual messages; this module
folds them into TeamState and tells the board what changed. Widgets never touch the socket. Risk alerts
(the bar, the bell, the alerts screen) are handled by AlertsMixin, lines of enquiry, links, the triangulation
view and a child's journey by EvidenceMixin, meetings by MeetingsMixin, the grade board by GradesMixin, the case
sample by CasesMixin, the fieldwork dates and reporting clock by ClockMixin, and the report preview by ReportMixin,
each called from a few hooks here.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.notifications import Notification, SeverityLevel
from textual.screen import Screen

from shared.findings import AmendFinding, FindingFields, PostFinding
from shared.kinds import FINDING_POSTED as POSTED
from shared.kinds import FINDING_WITHDRAWN as WITHDRAWN
from shared.personal_data import ERROR_CODE
from shared.protocol import Command, Inspector
from shared.team import TEAM_KINDS
from tui import messages as m
from tui.alerts.actions import ALERT_BINDINGS, CONFIRM_AFTER, NAG_EVERY, AlertsMixin
from tui.alerts.book import is_alert_command
from tui.board.finding_news import FindingNews
from tui.board.screen import BoardScreen
from tui.cases.actions import CASE_BINDINGS, CasesMixin
from tui.client import RESEND_AFTER
from tui.clock.actions import ClockMixin
from tui.clock.reporting_clock import fieldwork_label
from tui.config import load_theme, save_theme
from tui.dialogs.quit_dialog import QuitDialog
from tui.grades.actions import GRADE_BINDINGS, GradesMixin
from tui.guard import PersonalDataGuard, refusal_message
from tui.help_screen import HelpScreen
from tui.meetings.actions import MEETING_BINDINGS, MeetingsMixin
from tui.palette import screen_commands
from tui.report.actions import REPORT_BINDINGS, ReportMixin
from tui.state import FindingView, TeamState
from tui.store import LocalStore
from tui.timefmt import Clock, utc_now
from tui.triangulation.actions import EVIDENCE_BINDINGS, EvidenceMixin
from tui.widgets.plain import plain_text, visible


class ClientLike(Protocol):
    """What the app needs of tui.client.TeamClient (a protocol so tests can use the real one or none)."""

    @property
    def pending_count(self) -> int: ...
    def messages(self) -> AsyncIterator[m.ClientMessage]: ...
    async def send(self, command: Command) -> None: ...
    async def close(self) -> None: ...


ClientFactory = Callable[[LocalStore], ClientLike]


@dataclass
class ClientBatch(Message):
    """Whatever the client yielded since the app last looked: handled together so floods stay cheap."""

    items: list[m.ClientMessage] = field(default_factory=list)


@dataclass
class CacheLoaded(Message):
    """The local cache, folded into a state off the UI thread."""

    state: TeamState


class TriangulateApp(
    AlertsMixin, EvidenceMixin, MeetingsMixin, GradesMixin, CasesMixin, ClockMixin, ReportMixin, App[None]
):
    """Triangulate's terminal client. Shared by the CLI and the tests: pass a store and a client factory."""

    CSS_PATH = "triangulate.tcss"
    TITLE = "Triangulate"
    NOTIFICATION_TIMEOUT = 6
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help"),
        Binding("ctrl+t", "toggle_dark", "Light/dark", show=False),
        *ALERT_BINDINGS,
        *EVIDENCE_BINDINGS,
        *MEETING_BINDINGS,
        *GRADE_BINDINGS,
        *CASE_BINDINGS,
        *REPORT_BINDINGS,
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
        self.board = BoardScreen("connecting" if self.client else "offline")
        self.auth_error: str | None = None
        self._cached_head = 0
        self._live = False
        self._outgoing: asyncio.Queue[Command] = asyncio.Queue()
        self.guard = PersonalDataGuard(lambda: self.state, now)
        """The personal-data check every form runs before sending (tui.widgets.guard_notice.guard_allows)."""
        self._alerts_init(alert_confirm_after, nag_every)
        self._evidence_init()
        self._finding_news = FindingNews(monotonic)
        self._news_toast: Notification | None = None
        self._settings_dir = settings_dir
        """Where the chosen theme is remembered (the CLI's config directory); None remembers nothing."""
        saved = load_theme(settings_dir) if settings_dir else None
        if theme:
            self.theme = theme  # named on the command line: wins for this run
        elif saved is not None and saved in self.available_themes:
            self.theme = saved

    @property
    def caught_up(self) -> bool:
        """True once the first catch-up is done: from then on, teammates' findings are news."""
        return self._live

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
        self.set_interval(60, self._show_title)
        self._sender()
        self._alerts_mount()
        self.call_after_refresh(self._load_cache)  # draw the board first, then read the cache

    @work(thread=True, exclusive=True, group="cache")
    def _load_cache(self) -> None:
        """Read the cache in a thread: 20,000 events take a moment to parse, and the screen is already up."""
        welcome = self.store.welcome
        # Our own unsent findings need to know who we are; without a welcome they wait for the first one.
        state = TeamState.build(welcome, self.store.events(), self.store.pending() if welcome else ())
        self.post_message(CacheLoaded(state))

    def on_cache_loaded(self, message: CacheLoaded) -> None:
        if not self.is_running:
            return
        self.state = message.state
        self._cached_head = self.state.head
        self.board.show_state(self.state)
        self._alerts_loaded()
        self._evidence_loaded()
        self._show_title()
        self._show_unsent()
        if self.client is not None:
            self._run_client()

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header: the inspection's name is whatever the lead typed, so it is shown through ``plain``."""
        return super().format_title(visible(title, one_line=True), visible(sub_title, one_line=True))

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every toast, from any screen: its words may be a teammate's or the server's, so never markup."""
        super().notify(visible(message), title=visible(title, one_line=True), severity=severity, timeout=timeout,
                       markup=False)

    def _show_title(self) -> None:
        inspection = self.state.inspection
        if inspection is None:
            self.sub_title = "not connected yet"
            return
        self.title = inspection.name
        self.sub_title = f"{fieldwork_label(inspection, self.now())} · {inspection.framework.label}"

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

    def on_client_batch(self, batch: ClientBatch) -> None:
        if not self.is_running:
            return  # shutting down: the screens are going, and the cache already has everything
        changed: dict[str, FindingView] = {}
        news: list[FindingView] = []
        withdrawn: list[FindingView] = []  # our findings someone else withdrew
        team_changed = False  # someone revoked or given another role: the roster shows it
        for item in batch.items:
            match item:
                case m.EventReceived(event=event):
                    view = self.state.apply(event)
                    if view is not None:
                        changed[view.id] = view
                        if event.actor and self._is_news(event.seq, event.actor.id):
                            if event.kind == POSTED:
                                news.append(view)
                            elif event.kind == WITHDRAWN and self._is_mine(view):
                                withdrawn.append(view)
                    self._evidence_event(event)
                    team_changed = team_changed or event.kind in TEAM_KINDS
                case m.Connected(welcome=welcome):
                    if self._on_first_welcome is not None:
                        self._first_welcome(self._on_first_welcome)
                        self._on_first_welcome = None
                    first = self.state.me is None
                    self._role_changed(self.state.me, welcome.inspector)
                    self.state.welcome(welcome)
                    if first:  # now we know who we are: show our unsent findings, and say so if none
                        for command in self.store.pending():
                            self.state.add_pending(command)
                        self.board.show_state(self.state)
                    self.board.set_connection("connected")
                    self._alerts_connected()
                    self.board.show_team()
                    self._show_title()
                case m.CaughtUp():
                    self._live = True
                    self._alerts_caught_up()
                case m.Acked(command_id=command_id, seq=seq):
                    view = self.state.acked(command_id, seq)
                    if view is not None:
                        changed[view.id] = view
                    self.board.set_retrying("")  # the server is storing again
                case m.Retrying(reason=reason):
                    self.board.set_retrying(reason)
                case m.Rejected(error=error):
                    self._rejected(error.id, refusal_message(error), changed, personal=error.code == ERROR_CODE)
                case m.PresenceChanged(online=online):
                    self.state.presence(online)
                    self.board.show_team()
                case m.Disconnected(retry_in=retry_in, reason=reason):
                    self.board.set_connection("reconnecting", retry_at=time.monotonic() + retry_in, reason=reason)
                    self.board.set_retrying("")  # the connection's own state says why nothing goes out
                case m.AuthFailed(message=message):
                    self._auth_failed(message)
                    return
                case m.Untrusted(message=message):
                    self.board.set_connection("offline")
                    self.exit(return_code=3, message=plain_text(f"Not connected: {message}.", one_line=False))
                    return
                case m.CacheReset():
                    self._reset()
                    changed.clear()
        changed.update((view.id, view) for view in self.state.take_side_changes())  # a link repaints both ends
        if team_changed:
            self.board.show_team()
        self._show_changes(changed.values(), news)
        self._announce_withdrawals(withdrawn)
        self._alerts_after_batch()
        self._evidence_after_batch(bool(changed))

    def _is_news(self, seq: int, actor_id: int) -> bool:
        """A teammate's event the user has not seen: newer than the cache we opened with, and not history."""
        me = self.state.me.id if self.state.me else None
        return actor_id != me and seq > self._cached_head and (self._live or self._cached_head > 0)

    def _show_changes(self, changed: Iterable[FindingView], news: list[FindingView]) -> None:
        changed = list(changed)
        if changed and (not self._live or len(changed) > 1000):
            self.board.show_state(self.state)  # catching up: one O(n) refresh beats many inserts
        else:
            for view in changed:
                self.board.finding_changed(view)
        if news:
            self.board.add_unread(view.id for view in news)
            self._announce(news)
        self._show_unsent()

    def _announce(self, news: list[FindingView]) -> None:
        """One toast per burst of teammates' findings: a finding soon after another joins its toast."""
        toast = self._finding_news.add(news)
        replacing = self._news_toast if toast.replaces_last else None
        self._news_toast = self._toast(toast.title, toast.message, replacing=replacing)

    def _toast(self, title: str, message: str, *, replacing: Notification | None = None) -> Notification:
        """A toast that can be taken back, added at once rather than by message so the next batch can replace it.

        Textual has no public way to withdraw one toast (it is pinned below 8.3 in pyproject.toml)."""
        notification = Notification(visible(message), visible(title, one_line=True),
                                    timeout=self.NOTIFICATION_TIMEOUT, markup=False)
        if replacing is not None:
            self._unnotify(replacing, refresh=False)
        self._notifications.add(notification)
        self._refresh_notifications()
        return notification

    def _is_mine(self, view: FindingView) -> bool:
        return self.state.me is not None and view.author.id == self.state.me.id

    def _announce_withdrawals(self, views: list[FindingView]) -> None:
        """Tell the author when someone else (the lead) took one of their findings out of the evidence."""
        for view in views:
            withdrawal = view.withdrawn
            if withdrawal is None:
                continue
            who = withdrawal.by.name if withdrawal.by else "Someone"
            line = view.first_line if len(view.first_line) <= 80 else view.first_line[:79] + "…"
            self.notify(f"{who} withdrew your finding “{line}”: {withdrawal.reason}",
                        title="Your finding was withdrawn", severity="warning", timeout=12)

    def _rejected(self, command_id: str | None, message: str, changed: dict[str, FindingView], *,
                  personal: bool = False) -> None:
        view = self.state.rejected(command_id, message) if command_id else None
        if view is not None:
            changed[view.id] = view
        title = "The server refused it: personal data" if personal else "The server refused a change"
        self.notify(message, title=title, severity="error", timeout=12)

    def _first_welcome(self, remember: Callable[[], None]) -> None:
        try:
            remember()
        except OSError as exc:  # the settings directory is not writable: the app still works, but say so
            self.notify(f"This server will not be remembered: {exc}", title="Settings not saved", severity="warning")

    def _role_changed(self, was: Inspector | None, now: Inspector) -> None:
        """The lead gave us another role (the server closed the connection to say so): say what we are now."""
        if was is not None and was.id == now.id and was.role is not now.role:
            self.notify(f"You are now {now.role.label} (was {was.role.label}).", title="Your role changed")

    def _auth_failed(self, message: str) -> None:
        self.auth_error = message
        self.board.set_connection("refused")
        self.exit(
            return_code=2,
            message=plain_text(f"The server refused this token: {message}. Ask your lead inspector for a new one.",
                               one_line=False),
        )

    def _reset(self) -> None:
        """The server's log is not the one we cached: start again from nothing but who we are and the outbox."""
        old = self.state
        self.state = TeamState.build(None, (), ())
        self.state.me, self.state.inspection = old.me, old.inspection
        self.state.team, self.state.online = dict(old.team), set(old.online)
        for command in self.store.pending():
            self.state.add_pending(command)
        self._cached_head = 0
        self.board.show_state(self.state)
        self._alerts_loaded()
        self._evidence_loaded()

    def _unsent_count(self) -> int:
        """Commands the server has not stored yet: in the outbox, or on their way to it."""
        in_outbox = self.client.pending_count if self.client else self.store.pending_count()
        return in_outbox + self._outgoing.qsize()

    def _show_unsent(self) -> None:
        self.board.set_unsent(self._unsent_count())

    # ------------------------------------------------------------------ our own commands

    @on(BoardScreen.Submitted)
    def _submitted(self, event: BoardScreen.Submitted) -> None:
        command = self._command(event.fields, event.finding_id)
        view = self.state.add_pending(command, at=self.now())
        if view is not None:
            self.board.finding_changed(view)
            if isinstance(command, PostFinding):
                self.board.findings.select_id(view.id)
        self._outgoing.put_nowait(command)

    @on(BoardScreen.Withdraw)
    def _withdraw(self, event: BoardScreen.Withdraw) -> None:
        self.send_command(event.command)

    def _command(self, fields: FindingFields, finding_id: str | None) -> Command:
        values = fields.fields()
        existing = self.state.findings.get(finding_id) if finding_id else None
        if existing is not None and existing.version == 0 and existing.status == "rejected":
            self.state.dismiss(existing.id)  # a refused post never saved: send it again as a new post
            self.board.finding_gone(existing.id)
            finding_id = None
        command_id = uuid.uuid4().hex
        if finding_id is None:
            return PostFinding(id=command_id, **values)
        return AmendFinding(id=command_id, finding_id=finding_id, **values)

    def send_command(self, command: Command) -> None:
        """Any command (an enquiry step, a link, a meeting's): shown as ours at once, then queued to the outbox."""
        if is_alert_command(command):
            self.send_alert_command(command)
            return
        view = self.state.add_pending(command, at=self.now())
        if view is not None:
            self.board.finding_changed(view)
        self._outgoing.put_nowait(command)
        self._evidence_after_batch()

    @work(exclusive=True, group="send")
    async def _sender(self) -> None:
        """One sender, so commands reach the outbox in the order they were made (a post before its amend)."""
        while True:
            command = await self._outgoing.get()
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

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action by name in the command palette (ctrl+p): the app's and the board's from anywhere, and the
        keys of the screen it was opened on (tui.palette), including those its footer has no room for."""
        yield from super().get_system_commands(screen)
        if screen is not self.board:  # the board's keys are named one by one below
            yield from screen_commands(screen)
        board = self.board
        yield SystemCommand("Record a finding", "Open the form for a new finding (n)", board.action_record)
        yield SystemCommand("Amend finding", "Amend the highlighted finding, if it is yours (e)",
                            board.action_amend)
        yield SystemCommand("Withdraw finding", "Take the highlighted finding out of the evidence, with a reason "
                            "(w; its author or the lead)", board.action_withdraw)
        yield SystemCommand("Search", "Search and filter the findings (/)", board.action_search)
        yield SystemCommand("Filter…", "Choose agency, inspectorate, kind, author or child (f)",
                            board.action_filters)
        yield SystemCommand("Clear filter", "Show every finding again (x)", board.action_clear_filter)
        yield SystemCommand("Mark all read", "Clear the unread marks (r)", board.action_mark_read)
        yield SystemCommand("Raise a risk alert", "An emerging concern or a significant-harm escalation (!)",
                            self.action_raise_alert)
        yield SystemCommand("Alerts", "Open and closed alerts, their timelines and next steps (a)", self.action_alerts)
        yield SystemCommand("I've seen the alerts", "Confirm you have seen what the alert bar shows (s)",
                            self.action_see_alerts)
        yield from self._evidence_commands()
        yield SystemCommand("Help", "Keys, search words and how a teammate joins (?)", self.action_help)
        yield SystemCommand("Light or dark", "Switch between the light and dark theme (ctrl+t)",
                            self.action_toggle_dark)
