"""What every domain's part of the client's state does, in the same words, so one loop can drive them all.

A fold owns some event kinds and some command types. TeamState reads each event's data once (its catalogue
model) and hands it to the folds of its kind; our commands go to the fold that tracks their type, and their
fate (acked, then settled once their event is folded; or refused) comes back to it through the same verbs.
Pending commands themselves live in one place (tui.pending), which every fold reads its own from.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ClassVar, Generic, Protocol, TypeVar

from pydantic import BaseModel

from shared.protocol import Command, Event
from tui.pending import PendingCommands


class Fold(Protocol):
    """One domain's reducer over events, and the home of its own commands in flight."""

    name: ClassVar[str]
    """How the pending store names the fold's commands."""
    kinds: ClassVar[frozenset[str]]
    """The event kinds it folds in."""
    tracks: ClassVar[tuple[type[Command], ...]]
    """The command types whose fate it shows."""

    def apply(self, event: Event, payload: BaseModel) -> object:
        """Fold in one event of its kinds, its data already read as the kind's model (shared.catalogue)."""

    def track(self, command: Command, at: datetime | None = None) -> None:
        """One of our commands is on its way: show it as ours from now."""

    def settle(self, command_id: str) -> None:
        """The server has it and its event is folded (or it was acked with no event): no longer ours."""

    def refuse(self, command_id: str, message: str | None) -> None:
        """The server refused it: no longer ours, and (where the screens say so) remembered as refused."""


@dataclass
class Tracking:
    """The verbs a fold needs when a command's fate changes nothing but whether it is ours."""

    name: ClassVar[str]
    in_flight: PendingCommands = field(default_factory=PendingCommands, repr=False)
    """The pending store, shared with every fold of the same state (TeamState passes its own)."""

    def track(self, command: Command, at: datetime | None = None) -> None:
        self.in_flight.track(command, self.name, at)

    def settle(self, command_id: str) -> None:
        self.in_flight.settle(command_id)

    def refuse(self, command_id: str, message: str | None) -> None:
        self.in_flight.settle(command_id)

    @property
    def pending(self) -> dict[str, Command]:
        """Our commands this fold shows as on their way, by id, oldest first."""
        return self.in_flight.of(self.name)


K = TypeVar("K")


@dataclass(frozen=True)
class Refusal:
    """The server refused one of our commands: shown on what it was about until we send another for it."""

    command: Command
    message: str | None


@dataclass
class Refusing(Tracking, ABC, Generic[K]):
    """A fold that keeps the server's last refusal on what each command is about (a grade's cell, a case)."""

    refusals: dict[K, Refusal] = field(default_factory=dict)
    """Why the server refused our last command on each thing."""

    @abstractmethod
    def about(self, command: Command) -> K | None:
        """What a command is about, where its refusal is shown (None: nowhere this version knows)."""

    def track(self, command: Command, at: datetime | None = None) -> None:
        super().track(command, at)
        key = self.about(command)
        if key is not None:
            self.refusals.pop(key, None)  # trying again: the old refusal is no longer the news

    def refuse(self, command_id: str, message: str | None) -> None:
        pending = self.in_flight.settle(command_id)
        key = self.about(pending.command) if pending is not None else None
        if pending is not None and key is not None:
            self.refusals[key] = Refusal(pending.command, message)


def as_utc(moment: datetime) -> datetime:
    """State holds aware UTC datetimes only; a naive time from the wire is taken to be UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
