"""The one place our commands in flight live, from the moment they are queued until the server has them.

A command is ours (shown as on its way) until it is refused, or until the event it was acked with has been
folded: settling on the ack alone would let what it did blink out until its event arrives. Every fold reads its
own commands from here, so "what is still ours" is answered once, by one rule, for every domain.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TypeVar

from shared.protocol import Command

C = TypeVar("C", bound=Command)


@dataclass(frozen=True, slots=True)
class Pending:
    """One command of ours the server has not settled yet."""

    command: Command
    at: datetime
    """When we made it (what a pending edit shows as its time)."""
    fold: str
    """The name of the fold that shows it (tui.fold.Fold.name)."""
    seq: int | None = None
    """The seq the server acked it with; the command stays ours until that event is folded."""

    @property
    def acked(self) -> bool:
        return self.seq is not None


@dataclass
class PendingCommands:
    """Our commands not yet settled, in the order they were made."""

    _entries: dict[str, Pending] = field(default_factory=dict)

    def track(self, command: Command, fold: str, at: datetime | None = None) -> Pending:
        entry = Pending(command, at or datetime.now(UTC), fold)
        self._entries[command.id] = entry
        return entry

    def ack(self, command_id: str, seq: int) -> Pending | None:
        """The server committed it as event ``seq``; None if it is not ours."""
        entry = self._entries.get(command_id)
        if entry is not None:
            entry = self._entries[command_id] = replace(entry, seq=seq)
        return entry

    def settle(self, command_id: str) -> Pending | None:
        """It is no longer ours (its event was folded, or it was refused)."""
        return self._entries.pop(command_id, None)

    def get(self, command_id: str) -> Pending | None:
        return self._entries.get(command_id)

    def folded(self, head: int) -> list[Pending]:
        """Acked commands whose event is now folded (seq <= ``head``): due to be settled."""
        return [entry for entry in self._entries.values() if entry.seq is not None and entry.seq <= head]

    def of(self, fold: str, *, acked: bool = True) -> dict[str, Command]:
        """One fold's commands by id, oldest first; ``acked=False`` leaves out those the server already has."""
        return {command_id: entry.command for command_id, entry in self._entries.items()
                if entry.fold == fold and (acked or entry.seq is None)}

    def where(self, fold: str, kind: type[C]) -> list[C]:
        """One fold's commands of one type, oldest first."""
        return [entry.command for entry in self._entries.values()
                if entry.fold == fold and isinstance(entry.command, kind)]

    def entries(self, fold: str) -> list[Pending]:
        return [entry for entry in self._entries.values() if entry.fold == fold]

    def __iter__(self) -> Iterator[Pending]:
        return iter(list(self._entries.values()))

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, command_id: object) -> bool:
        return command_id in self._entries
