"""The single writer: commands from every connection, committed in batches (group commit).

One transaction and one fsync serve every command that arrived while the previous batch was
being written, so throughput grows with load while each ack still means "on disk".
A command the handler refuses is left out of the batch without touching the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from server.handlers.dispatch import Applied, apply_command, lock_inspections, needs_savepoint
from server.handlers.errors import CommandRejected
from server.storage.tables import utcnow
from shared.protocol import Command, ErrorCode, Inspector

log = logging.getLogger(__name__)

MAX_BATCH = 256


@dataclass(frozen=True)
class Submission:
    inspection_id: int
    actor: Inspector | None  # None: the server's own command
    command: Command
    reply: Callable[[Applied | CommandRejected], None]
    """Called on the event loop once the outcome is durable (or refused)."""


class Writer:
    """Owns every write to the event log; runs as one task on the server's loop."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = utcnow, queue_size: int = 4096):
        self._engine = engine
        self._clock = clock
        self._queue: asyncio.Queue[Submission] = asyncio.Queue(queue_size)

    async def submit(self, submission: Submission) -> None:
        """Queue a command; waits (slowing only that sender) when the writer is saturated."""
        await self._queue.put(submission)

    async def run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            outcomes = await asyncio.to_thread(self._commit, batch)
            for submission, outcome in zip(batch, outcomes, strict=True):
                submission.reply(outcome)

    def _commit(self, batch: list[Submission]) -> list[Applied | CommandRejected]:
        try:
            return self._commit_together(batch)
        except Exception:
            if len(batch) == 1:
                log.exception("could not store command %s", batch[0].command.id)
                return [CommandRejected(ErrorCode.INTERNAL, "the server could not store this command; retry")]
            # Something in the batch broke the transaction: isolate it by committing one at a time.
            return [outcome for item in batch for outcome in self._commit([item])]

    def _commit_together(self, batch: list[Submission]) -> list[Applied | CommandRejected]:
        outcomes: list[Applied | CommandRejected] = []
        with Session(self._engine) as session:
            lock_inspections(session, (item.inspection_id for item in batch))  # all up front, in one order
            for item in batch:
                try:
                    outcomes.append(self._apply(session, item, alone=len(batch) == 1))
                except CommandRejected as refused:
                    outcomes.append(refused)
            if any(isinstance(outcome, Applied) for outcome in outcomes):
                session.commit()  # a lone refused command leaves nothing to keep, however far it got
        return outcomes

    def _apply(self, session: Session, item: Submission, *, alone: bool) -> Applied:
        # A savepoint per command keeps a refused command from leaving half its changes behind in the batch; one
        # whose handler refuses before it writes anything needs none.
        with session.begin_nested() if needs_savepoint(item.command) and not alone else nullcontext():
            return apply_command(
                session, inspection_id=item.inspection_id, actor=item.actor, command=item.command, at=self._clock()
            )
