"""A user's mistake on the command line ends in one line naming the problem, never a traceback.

A busy port, an unwritable file, a mistyped or unreachable database: these are facts about the user's machine, not
bugs, so every server command group is built with ``cls=CleanErrors`` (or ``CleanCommand``) and they become a
``click.ClickException`` (exit status 1). Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import errno
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from server.network.team_server import TeamServer


def one_line(exc: BaseException) -> str:
    """An exception's message on one line; a database driver's own message rather than SQLAlchemy's wrapping of it
    (which adds the statement and a link)."""
    from sqlalchemy.exc import DBAPIError  # here, not at the top: printing a command's help needs no database

    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig
    return " ".join(str(exc).split()) or type(exc).__name__


def os_reason(exc: OSError) -> str:
    """``Permission denied``, not ``[Errno 13] Permission denied: '/x'``: the caller names the path itself."""
    if exc.errno and exc.errno > 0:
        return os.strerror(exc.errno)
    return exc.strerror or one_line(exc)


def user_error(exc: Exception) -> str | None:
    """What to tell the user about ``exc``, or None when it is not their mistake (a bug: keep the traceback)."""
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

    from server.storage.schema import SchemaError

    if isinstance(exc, SchemaError):
        return str(exc)
    if isinstance(exc, ArgumentError | NoSuchModuleError):
        return f"not a database URL this server can use: {one_line(exc)}"
    if isinstance(exc, DBAPIError):
        return f"the database failed: {one_line(exc)}"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{os_reason(exc)}"
    return None


class _Clean:
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except Exception as exc:
            message = user_error(exc)
            if message is None:
                raise
            raise click.ClickException(message) from None


class CleanErrors(_Clean, click.Group):
    """A command group whose commands, however deep, end a user's mistake with one line."""


class CleanCommand(_Clean, click.Command):
    """A single command that ends a user's mistake with one line."""


@asynccontextmanager
async def listening(server: TeamServer) -> AsyncIterator[TeamServer]:
    """``server`` started and, on leaving, stopped; a port in use or an address not this machine's ends in one line."""
    try:
        await server.start()
    except OSError as exc:
        await server.stop()
        where = f"{server.config.host}:{server.config.port}"
        busy = exc.errno == errno.EADDRINUSE
        hint = ": is another server running there? Stop it or choose another --port" if busy else ""
        raise click.ClickException(f"cannot listen on {where}: {os_reason(exc)}{hint}") from None
    try:
        yield server
    finally:
        await server.stop()
