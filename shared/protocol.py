"""The wire protocol's envelope: the frames every exchange uses, and the bases of commands and event data.

Clients send a ``hello`` and then commands (``noun.verb``); the server answers with ``welcome``, replayed and live
``event`` frames (kinds ``noun.verb-in-past-tense``), ``synced``, ``ack``, ``error`` and ``presence``. Which
commands and event kinds there are, and the model of each, is shared.catalogue's to say (each model lives with its
domain: shared.findings, shared.alerts, …); this module imports none of them. See docs/protocol.md.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from shared.text import clean_values
from shared.vocabulary import (
    Framework,
    Inspectorate,
    Role,
)

COMMAND_ID = r"^[A-Za-z0-9_.:-]{1,64}$"
MAX_DEPTH = 32
"""Deepest nesting of arrays and objects a client frame may have; no command needs more than a few levels."""


def utc_text(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, the one way times travel on the wire."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


UtcDatetime = Annotated[datetime, PlainSerializer(utc_text, return_type=str)]

UNAUTHORIZED_CLOSE = 4401
"""WebSocket close code after a failed handshake, and for an open connection whose access was revoked or whose
role changed (the reason says which)."""

REVOKED_REASON = "access to this inspection was revoked"
"""Close reason (with 4401) when the inspector's token is revoked while connected: stop, do not reconnect."""

PURGED_REASON = "this inspection was purged from the server after publication"
"""Close reason (with 4401) when the inspector's inspection is purged while connected: stop, and delete the copy of
the inspection on this device, as after a ``purged`` refusal of the hello."""

ROLE_CHANGED_REASON = "role changed"
"""How the close reason (with 4401) begins when the inspector's role changed while connected: reconnect with the
same token, and ``welcome`` carries the new role."""


def role_changed_reason(role: Role) -> str:
    return f"{ROLE_CHANGED_REASON} to {role.label}; reconnect"


def is_role_change(reason: str) -> bool:
    """A 4401 close that asks the client to reconnect (its token is still good), rather than to stop."""
    return reason.startswith(ROLE_CHANGED_REASON)

TOO_MANY_CONNECTIONS_CLOSE = 4429
"""Close code when an inspector already has the server's maximum of simultaneous connections."""

RATE_LIMIT_CLOSE = 1008
"""Close code (policy violation) for a connection that keeps sending after being told it is rate limited."""


class ErrorCode:
    """Stable ``error.code`` values; clients switch on these, never on messages."""

    BAD_JSON = "bad_json"
    UNKNOWN_TYPE = "unknown_type"
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    OUT_OF_ORDER = "out_of_order"
    UNAUTHORIZED = "unauthorized"
    INTERNAL = "internal"
    PERSONAL_DATA = "personal_data"
    RATE_LIMITED = "rate_limited"
    """Over the connection's command rate: not processed; send it again later (same id)."""
    TOO_MANY_CONNECTIONS = "too_many_connections"
    PURGED = "purged"
    """The token's inspection was purged from the server (``triangulate inspection purge``): the app deletes its
    local copy and stops."""


REFUSED_FOR_GOOD = frozenset({
    ErrorCode.BAD_JSON, ErrorCode.UNKNOWN_TYPE, ErrorCode.INVALID, ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND,
    ErrorCode.CONFLICT, ErrorCode.OUT_OF_ORDER, ErrorCode.PERSONAL_DATA,
})
"""Definitive refusals: the server looked at the command and will never accept it as it is, so sending it again
cannot help. Only these take a command out of a client's outbox (it is shown to its author as refused)."""

NOT_PROCESSED = frozenset({
    ErrorCode.INTERNAL, ErrorCode.RATE_LIMITED, ErrorCode.UNAUTHORIZED, ErrorCode.TOO_MANY_CONNECTIONS,
    ErrorCode.PURGED,
})
"""Nothing was written, but the command itself is not at fault: the database failed (``internal``), the connection
went too fast (``rate_limited``), or the connection was refused (``unauthorized``, ``too_many_connections``). The
command stays in the outbox and is sent again, same id, after a back-off."""


def refused_for_good(code: str) -> bool:
    """True if a command answered with ``code`` should leave the outbox; False if it must be sent again.

    A code this version does not know (a newer server's) counts as *not* final. It is more likely a new kind of
    definitive refusal than a new kind of failure, but the two mistakes are not alike: keeping a command the server
    will never take costs one small frame per back-off period (the same id makes each repeat harmless) and shows as
    "retrying: …" until the app is updated, while dropping a command that only needed another try loses an
    inspector's finding, or a significant-harm alert, without anyone knowing. So when in doubt, keep it.
    """
    return code in REFUSED_FOR_GOOD


class Frame(BaseModel):
    """Base for every frame: unknown fields are refused so a typo never loses data silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


STORED = {"stored": True}
"""Validation context for a command rebuilt from an event the server already accepted (``model_validate(data,
context=STORED)``): the text rules judge what is received, so a record an older server kept is read back as it is,
and the app shows it safely (tui.widgets.plain) instead of dropping it."""


class CleanText(BaseModel):
    """Mixin for what a person writes: every string in it obeys shared.text (no control characters, NFC, blank
    as empty), whatever the field, so a new field cannot forget the rule."""

    @model_validator(mode="before")
    @classmethod
    def _clean_text(cls, data: Any, info: ValidationInfo) -> Any:
        if info.context is not None and info.context.get("stored"):
            return data
        return clean_values(data) if isinstance(data, dict) else data


class Payload(BaseModel):
    """Base for an event's ``data``: what the command said, without its envelope, plus what the server decided.

    Read leniently, because the log is kept for years: a field a newer server adds is ignored, and a field an
    older one did not record has a default. No text rules on reading (they judge what is received, not what the
    server already accepted); the command's own model applied them when it arrived.
    """

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    @classmethod
    def of(cls, command: BaseModel, **decided: Any) -> Self:
        """The data of the event ``command`` records: its fields but ``id`` and ``type``, plus ``decided``."""
        return cls.model_validate(command.model_dump(exclude={"id", "type"}) | decided)


# ---------------------------------------------------------------- people and places


class Inspector(Frame):
    id: int
    name: str
    inspectorate: Inspectorate
    role: Role


class Inspection(Frame):
    id: int
    name: str
    framework: Framework
    start_date: date | None = None
    end_date: date | None = None
    """The last day of fieldwork; the reporting clock counts from it (CP ¶45–48, shared.reporting_clock)."""
    timezone: str = "Europe/London"
    personal_data_policy: Literal["warn", "refuse"] = "refuse"
    """What the server does with a text that looks like personal data (shared.personal_data.PersonalDataPolicy)."""
    case_salt: str | None = None
    """Hex salt for worker pseudonyms and the name index, so an import made in the app matches one made by CLI."""


# ---------------------------------------------------------------- client → server


class Hello(Frame):
    """Strict: ``since`` is a JSON integer, never a string or a boolean that happens to convert to one."""

    model_config = ConfigDict(strict=True)
    type: Literal["hello"] = "hello"
    token: Annotated[str, Field(min_length=1, max_length=200)]
    since: Annotated[int, Field(ge=0)] = 0


class Command(CleanText, Frame):
    """A request to change shared state; ``id`` is client-generated and makes retries safe.

    Every string in it, in every field, follows the text rules (``CleanText``, shared/text.py).
    """

    id: Annotated[str, Field(pattern=COMMAND_ID)]


# ---------------------------------------------------------------- server → client


class Welcome(Frame):
    type: Literal["welcome"] = "welcome"
    inspector: Inspector
    inspection: Inspection
    epoch: str
    head: int
    team: list[Inspector] = []
    online: list[int] = []


class Event(Frame):
    type: Literal["event"] = "event"
    seq: int
    kind: str
    actor: Inspector | None
    """Who did it; null for what the server records itself (``alert.overdue``)."""
    at: UtcDatetime
    data: dict[str, Any]


class Synced(Frame):
    type: Literal["synced"] = "synced"
    head: int


class Ack(Frame):
    type: Literal["ack"] = "ack"
    id: str
    seq: int


class Error(Frame):
    type: Literal["error"] = "error"
    id: str | None = None
    code: str
    message: str
    field: str | None = None


class Presence(Frame):
    """Who is connected now; ephemeral, not part of the event log."""

    type: Literal["presence"] = "presence"
    online: list[int]


ServerFrame = Annotated[
    Welcome | Event | Synced | Ack | Error | Presence, Field(discriminator="type")
]
_server_frames: TypeAdapter[ServerFrame] = TypeAdapter(ServerFrame)


# ---------------------------------------------------------------- event payloads


class PersonalDataFound(Frame):
    """One suspected item of personal data in a field, as events record it under the ``warn`` policy.

    Masked: the record says *that* something looked like an NHS number, never the number.
    """

    field: str
    kind: str
    masked: str
    reason: str


PersonalDataRecords = Annotated[list[PersonalDataFound], Field(default_factory=list, exclude=True)]
"""``personal_data`` in an event's data: present only when the server accepted a text that looked like personal
data (policy ``warn``, or any alert). Parsed so that strict payload models still read such events; never dumped by
them, because the server adds it after the handler (server.personal_data)."""


# ---------------------------------------------------------------- encoding and decoding


class ProtocolError(Exception):
    """A frame that cannot be accepted, with the error frame that says why."""

    def __init__(self, code: str, message: str, *, id: str | None = None, field: str | None = None):
        super().__init__(message)
        self.frame = Error(id=id, code=code, message=message, field=field)


def encode(frame: Frame) -> str:
    return frame.model_dump_json(exclude_none=False)


def decode_server(raw: str | bytes) -> Welcome | Event | Synced | Ack | Error | Presence:
    return _server_frames.validate_json(raw)


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Map a validation failure to {field: message}, for inline form errors and error frames."""
    errors: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(part) for part in err["loc"] if not isinstance(part, int)]
        message = str(err["msg"]).removeprefix("Value error, ")
        if not loc and ": " in message:  # model-level rule: "field: why"
            field, _, message = message.partition(": ")
        else:
            field = loc[0] if loc else "frame"
            message = _friendly(err, message)
        errors.setdefault(field, message)
    return errors


def _friendly(err: Any, message: str) -> str:
    kind = err["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field of this frame"
    if kind == "string_pattern_mismatch" and err["loc"][-1] == "child_id":
        return "must be a child unique ID (letters, digits, - / _; at most 32), never a name"
    if kind == "string_too_short":
        return "must not be blank" if err["ctx"]["min_length"] == 1 else message
    if kind == "string_too_long":
        return f"is too long (at most {err['ctx']['max_length']} characters)"
    if kind == "enum":
        return f"must be one of {err['ctx']['expected']}"
    return message


def decode_hello(raw: str | bytes) -> Hello:
    """Parse the first frame; anything else raises ProtocolError(unauthorized), saying which field is wrong."""
    try:
        return Hello.model_validate_json(raw)
    except ValidationError as exc:
        field, message = next(iter(field_errors(exc).items()))
        if field == "since":
            message = "must be an integer ≥ 0 (the last seq held)"
        raise ProtocolError(
            ErrorCode.UNAUTHORIZED, f"the first frame must be a valid hello: {field}: {message}", field=field
        ) from None


def load_json(raw: str | bytes) -> Any:
    """Parse a client's JSON, refusing with ``bad_json`` what is not JSON or is nested deeper than ``MAX_DEPTH``.

    Python's parser gives up on deep nesting with RecursionError, which is no ValueError; and nesting it does
    accept, near its limit, would exhaust the stack later in validation or encoding: so depth is bounded here.
    """
    try:
        obj = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(ErrorCode.BAD_JSON, f"frame is not valid JSON: {exc}") from None
    except RecursionError:
        obj = None
    else:
        if _depth(obj) <= MAX_DEPTH:
            return obj
    raise ProtocolError(ErrorCode.BAD_JSON, f"frame is nested too deeply (at most {MAX_DEPTH} levels)")


def _depth(obj: Any) -> int:
    """How deeply arrays and objects nest in ``obj`` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(obj, 1)]
    while stack:
        value, level = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest
