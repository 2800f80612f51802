"""What ``TeamClient.messages()`` yields: one small typed dataclass per thing the app must react to.

Plain dataclasses (not Textual messages) so the client core stays independent of the UI; the app
wraps them in Textual messages in its worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from shared.catalogue import read_payload
from shared.protocol import Error, Event, Welcome


@dataclass(frozen=True, slots=True)
class Connected:
    """The server accepted our token; ``welcome`` says who we are and what the log looks like."""

    welcome: Welcome


@dataclass(frozen=True, slots=True)
class EventReceived:
    """One event from the log, already written to the local store."""

    event: Event

    @property
    def payload(self) -> BaseModel | None:
        """The event's data as its kind's model (None if this version cannot read it), for what the app announces;
        the state folds the same model (tui.state.FOLDS)."""
        return read_payload(self.event)


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
