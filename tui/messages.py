"""Every message in the client, in one place: what the network client yields, and the few Textual messages.

What ``TeamClient.messages()`` yields are plain dataclasses (not Textual messages), so the client core never
depends on Textual's message pump; the app's network worker posts them to the UI in one ``ClientBatch`` per burst.
The Textual messages below them are the app's own (the cache loaded, a batch) and the requests a screen makes of
its feature beyond sending a command (sending goes through tui.outbox, with no message at all).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel
from textual.message import Message

from shared.catalogue import read_payload
from shared.protocol import Error, Event, Welcome
from shared.report_model import Report
from shared.vocabulary import Agency, JudgementArea

if TYPE_CHECKING:
    from tui.state import TeamState


@dataclass(frozen=True, slots=True)
class Connected:
    """The server accepted our token; ``welcome`` says who we are and what the log looks like."""

    welcome: Welcome


@dataclass(frozen=True, slots=True)
class EventReceived:
    """One event from the log, already written to the local store."""

    event: Event
    payload: BaseModel | None = field(init=False, compare=False, repr=False)
    """The event's data as its kind's model (None if this version cannot read it), read once, when the client
    yields the event: the state folds it and the features announce from it."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "payload", read_payload(self.event))


@dataclass(frozen=True, slots=True)
class CaughtUp:
    """Replay is done: the local cache now holds every event up to ``head``; what follows is live."""

    head: int


@dataclass(frozen=True, slots=True)
class Acked:
    """The server committed our command as event ``seq``; it has left the outbox."""

    command_id: str
    seq: int


@dataclass(frozen=True, slots=True)
class Rejected:
    """The server refused a command (``error.id``) for good, or a frame; a refused command has left the outbox."""

    error: Error


@dataclass(frozen=True, slots=True)
class PresenceChanged:
    """Who is connected now (inspector ids)."""

    online: set[int] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Disconnected:
    """The connection failed or dropped; the client tries again in ``retry_in`` seconds."""

    retry_in: float
    reason: str


@dataclass(frozen=True, slots=True)
class AuthFailed:
    """The server refused the token; the client stops, since retrying cannot help."""

    message: str


@dataclass(frozen=True, slots=True)
class Untrusted:
    """The server's TLS certificate failed verification; the client stops, since retrying cannot fix trust."""

    message: str


@dataclass(frozen=True, slots=True)
class Retrying:
    """A command was not stored and stays in the outbox: the server said it was not processed (``internal``,
    ``rate_limited``…) or did not answer; the outbox goes again, in order, in ``retry_in`` seconds."""

    command_id: str | None
    reason: str
    """A few words for the status line: "retrying: <reason>"."""
    retry_in: float


@dataclass(frozen=True, slots=True)
class CacheReset:
    """The server's log is not the one we cached (new epoch, or it is shorter): start state afresh."""


ClientMessage = (
    Connected | EventReceived | CaughtUp | Acked | Rejected | PresenceChanged | Disconnected | AuthFailed | CacheReset
    | Untrusted | Retrying
)
"""Everything ``TeamClient.messages()`` can yield."""


# ---------------------------------------------------------------------- the app's own (Textual messages)


@dataclass
class ClientBatch(Message):
    """Whatever the client yielded since the app last looked: handled together so floods stay cheap."""

    items: list[ClientMessage] = field(default_factory=list)


@dataclass
class CacheLoaded(Message):
    """The local cache, folded into a state off the UI thread."""

    state: TeamState
    first_look: bool = False
    """Only its newest events (tui.board.first_look), to show while the rest is read: the whole follows."""


class Request(Message):
    """A screen asks its feature for something beyond the screen (the app hands it to every feature in turn)."""


@dataclass
class Drill(Request):
    """The triangulation view: show the board filtered to one cell's findings."""

    agency: Agency
    area: JudgementArea | None
    criterion: str | None = None
    """Only the findings citing this criterion (from the criteria level)."""


@dataclass
class ShowFinding(Request):
    """A child's journey: show this finding on the board (filtered to the child, so it is there)."""

    child_id: str
    finding_id: str


@dataclass
class OpenJourney(Request):
    """The cases screen: open this child's journey."""

    child_id: str


@dataclass
class EnquiryRead(Request):
    """The user has looked at an enquiry: it no longer counts as unread."""

    enquiry_id: str


@dataclass
class ExportMinutes(Request):
    """Write these minutes as Markdown and put them on the clipboard."""

    meeting_id: str


@dataclass
class ExportReport(Request):
    """Write this report to a file in ``fmt``; the report feature chooses the path and says where."""

    report: Report
    fmt: Literal["md", "html"]


@dataclass
class CopyReport(Request):
    """Put this report on the clipboard as Markdown."""

    report: Report
