"""Server-side commands: ``serve``, ``inspection …`` and ``inspector …``.

Registered as ``triangulate`` subcommands through entry points; ``python -m server`` runs them too (server.__main__).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path

import click
import platformdirs
from sqlalchemy import Engine
from sqlmodel import Session

from server.cli.clean_errors import CleanCommand, CleanErrors, listening, one_line, os_reason
from server.cli.report_reader import FORMATS, render_report
from server.handlers.dispatch import apply_command
from server.handlers.errors import CommandRejected
from server.handlers.meeting_handlers import minutes_of
from server.handlers.membership import ChangeRole, RevokeInspector
from server.network.limits import (
    DEFAULT_COMMAND_BURST,
    DEFAULT_COMMAND_RATE,
    DEFAULT_HANDSHAKE_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS,
)
from server.network.team_server import ServerConfig, TeamServer
from server.network.tls import TlsConfigError, server_context
from server.storage import database
from server.storage.schema import SchemaError, display_url
from server.storage.tables import InspectorRow, utcnow
from shared.meetings import MeetingKind, minutes_markdown
from shared.protocol import Event
from shared.redact import redact_handlers
from shared.team import RoleChanged
from shared.vocabulary import Framework, Inspectorate, Role


def default_db_url() -> str:
    """``TRIANGULATE_DB`` if set, else a SQLite file in the user data directory."""
    configured = os.environ.get("TRIANGULATE_DB")
    if configured:
        return configured
    path = Path(platformdirs.user_data_dir("triangulate")) / "triangulate.db"
    return f"sqlite:///{path}"


db_option = click.option(
    "--db",
    "db_url",
    default=default_db_url,
    show_default="$TRIANGULATE_DB or a SQLite file in the user data directory",
    help="Database URL (sqlite:///PATH or postgresql+psycopg://…).",
)


def _engine(db_url: str, *, create: bool = False) -> Engine:
    """The database, opened; only the commands that start something (``serve``, ``inspection create``) create one."""
    try:
        return database.connect(db_url, create=create)
    except SchemaError as exc:  # none there, or an old schema: the message says what to run
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # a bad URL or unreachable database: say so, no traceback (and no password)
        raise click.ClickException(f"cannot open database {display_url(db_url)!r}: {one_line(exc)}") from None


def _emit(text: str, out: str | None) -> None:
    """Print ``text``, or write it to the file ``out``."""
    if not out:
        click.echo(text, nl=False)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {os_reason(exc)}") from None
    click.echo(f"Wrote {out}", err=True)


def _stop_once(stop: asyncio.Future[None]) -> None:
    """Ctrl-C or SIGTERM: stop serving (a second signal while stopping changes nothing)."""
    if not stop.done():
        stop.set_result(None)


def _choice(enum: type[StrEnum]) -> click.Choice[str]:
    return click.Choice([member.value for member in enum])


@click.command(cls=CleanCommand)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@db_option
@click.option("--max-frame", default=64 * 1024, show_default=True, type=click.IntRange(1024), help="Bytes.")
@click.option("--certfile", type=click.Path(dir_okay=False), help="PEM certificate chain: serve wss:// (TLS).")
@click.option("--keyfile", type=click.Path(dir_okay=False), help="PEM private key for --certfile.")
@click.option("--rate", default=DEFAULT_COMMAND_RATE, show_default=True, type=click.FloatRange(0),
              help="Commands a second per connection (0: no limit).")
@click.option("--burst", default=DEFAULT_COMMAND_BURST, show_default=True, type=click.IntRange(1),
              help="Commands a connection may send at once after a quiet spell.")
@click.option("--max-connections", default=DEFAULT_MAX_CONNECTIONS, show_default=True, type=click.IntRange(1),
              help="Simultaneous connections per inspector.")
@click.option("--handshake-timeout", default=DEFAULT_HANDSHAKE_TIMEOUT, show_default=True,
              type=click.FloatRange(0.1), help="Seconds to complete the upgrade, and then to send hello.")
@click.option("--debug", is_flag=True, help="Log at DEBUG, frames included (their contents and tokens are not).")
def serve(
    host: str, port: int, db_url: str, max_frame: int, certfile: str | None, keyfile: str | None, rate: float,
    burst: int, max_connections: int, handshake_timeout: float, debug: bool,
) -> None:
    """Run the team server until interrupted (Ctrl-C or SIGTERM)."""
    logging.basicConfig(level=logging.DEBUG if debug else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    redact_handlers()  # whatever logs, through whichever logger, a token never reaches the output
    if keyfile and not certfile:
        raise click.BadParameter("--keyfile needs --certfile", param_hint="--keyfile")
    if certfile:
        try:
            server_context(certfile, keyfile)
        except TlsConfigError as exc:
            raise click.BadParameter(str(exc), param_hint="--certfile") from None
    _engine(db_url, create=True).dispose()
    config = ServerConfig(
        db_url=db_url, host=host, port=port, max_frame_bytes=max_frame, certfile=certfile, keyfile=keyfile,
        command_rate=rate or None, command_burst=burst, max_connections_per_inspector=max_connections,
        handshake_timeout=handshake_timeout,
    )
    asyncio.run(_serve(config))


async def _serve(config: ServerConfig) -> None:
    stop = asyncio.get_running_loop().create_future()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, _stop_once, stop)
    async with listening(TeamServer(config)) as server:
        click.echo(f"Triangulate serving on {server.url}", err=True)
        await stop
    click.echo("stopped", err=True)


@click.group(cls=CleanErrors)
def inspection() -> None:
    """Create and list inspections."""


@inspection.command("create")
@click.argument("name")
@click.option("--framework", type=_choice(Framework), default=Framework.INTEGRATED.value, show_default=True)
@click.option("--start", "start_date", type=click.DateTime(["%Y-%m-%d"]), help="First day of fieldwork.")
@click.option("--end", "end_date", type=click.DateTime(["%Y-%m-%d"]),
              help="Last day of fieldwork: the reporting clock counts from it.")
@click.option("--timezone", default="Europe/London", show_default=True)
@db_option
def inspection_create(
    name: str, framework: str, start_date: object, end_date: object, timezone: str, db_url: str
) -> None:
    """Create an inspection called NAME and print its id."""
    first: date | None = start_date.date() if start_date is not None else None  # type: ignore[attr-defined]
    last: date | None = end_date.date() if end_date is not None else None  # type: ignore[attr-defined]
    if first is not None and last is not None and last < first:
        raise click.BadParameter(f"{last} is before the first day of fieldwork ({first})", param_hint="--end")
    try:
        created = database.create_inspection(
            _engine(db_url, create=True), name=name, framework=Framework(framework), start_date=first, end_date=last,
            timezone=timezone,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="NAME") from None
    click.echo(f"Created inspection {created.id}: {created.name} ({created.framework.label})")


@inspection.command("list")
@db_option
def inspection_list(db_url: str) -> None:
    """List inspections."""
    found = database.list_inspections(_engine(db_url))
    if not found:
        click.echo('No inspections yet: create one with  triangulate inspection create "NAME"', err=True)
    for item in found:
        start = item.start_date.isoformat() if item.start_date else "-"
        end = item.end_date.isoformat() if item.end_date else "-"
        click.echo(f"{item.id}\t{item.name}\t{item.framework.value}\t{start}\t{end}")


@inspection.command("archive")
@click.option("--inspection", "inspection_id", required=True, type=int, help="Inspection id.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The archive file to write.")
@db_option
def inspection_archive(inspection_id: int, out: str, db_url: str) -> None:
    """Write the log (JSON lines), the report and the chain head to one file: audit verify --archive checks it."""
    from server.cli.retention_cli import write_archive

    write_archive(_engine(db_url), inspection_id, out)


@inspection.command("purge")
@click.argument("inspection_id", type=int)
@click.option("--force", is_flag=True, help="Purge before the report's publication day (needs --reason).")
@click.option("--reason", help="Why: kept in the tombstone.")
@db_option
def inspection_purge(inspection_id: int, force: bool, reason: str | None, db_url: str) -> None:
    """Remove the inspection's data after publication, leaving a tombstone; apps delete their copies."""
    from server.cli.retention_cli import purge

    purge(_engine(db_url), inspection_id, force=force, reason=reason)


@click.group(cls=CleanErrors)
def inspector() -> None:
    """Add, list and revoke team members, and change their role."""


@inspector.command("add")
@click.option("--inspection", "inspection_id", required=True, type=int, help="Inspection id.")
@click.option("--name", required=True)
@click.option("--inspectorate", required=True, type=_choice(Inspectorate))
@click.option("--role", type=_choice(Role), default=Role.INSPECTOR.value, show_default=True)
@db_option
def inspector_add(inspection_id: int, name: str, inspectorate: str, role: str, db_url: str) -> None:
    """Add a team member and print their access token (shown only this once)."""
    try:
        member, token = database.add_inspector(
            _engine(db_url),
            inspection_id=inspection_id,
            name=name,
            inspectorate=Inspectorate(inspectorate),
            role=Role(role),
        )
    except database.NotFound as exc:
        raise click.BadParameter(str(exc), param_hint="--inspection") from None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--name") from None
    click.echo(f"Added inspector {member.id}: {member.name} ({member.inspectorate.label}, {member.role.label})")
    click.echo("Token (shown once; give it to them privately):", err=True)
    click.echo(token)


@inspector.command("list")
@click.option("--inspection", "inspection_id", required=True, type=int, help="Inspection id.")
@db_option
def inspector_list(inspection_id: int, db_url: str) -> None:
    """List the team of an inspection."""
    engine = _engine(db_url)
    try:
        database.get_inspection(engine, inspection_id=inspection_id)
    except database.NotFound as exc:
        raise click.BadParameter(str(exc), param_hint="--inspection") from None
    team = database.list_inspectors(engine, inspection_id=inspection_id)
    if not team:
        click.echo(f"No team members yet: add one with  triangulate inspector add --inspection {inspection_id} "
                   "--name NAME --inspectorate INSPECTORATE", err=True)
    for member, active in team:
        state = "active" if active else "revoked"
        click.echo(f"{member.id}\t{member.name}\t{member.inspectorate.label}\t{member.role.label}\t{state}")


def _team_change(db_url: str, command: RevokeInspector | ChangeRole) -> Event:
    """Record a change to the team in its inspection's log, through the path every command takes (actor null: the
    server itself). Running servers close the inspector's open connections within moments
    (server/network/standing.py)."""
    engine = _engine(db_url)
    with Session(engine) as session:
        member = session.get(InspectorRow, command.inspector_id)
        if member is None:
            raise click.BadParameter(f"no inspector with id {command.inspector_id}", param_hint="INSPECTOR_ID")
        try:
            applied = apply_command(
                session, inspection_id=member.inspection_id, actor=None, command=command, at=utcnow()
            )
        except CommandRejected as refused:
            raise click.ClickException(f"nothing changed: {refused.message}") from None
        session.commit()
    assert applied.event is not None  # a fresh command id: always a new event
    return applied.event


@inspector.command("revoke")
@click.argument("inspector_id", type=int)
@db_option
def inspector_revoke(inspector_id: int, db_url: str) -> None:
    """Revoke every token of INSPECTOR_ID: their open apps are disconnected within 2 seconds, on every server."""
    command = RevokeInspector(id=f"cli-revoke-{uuid.uuid4().hex[:16]}", inspector_id=inspector_id)
    event = _team_change(db_url, command)
    click.echo(f"Revoked inspector {inspector_id} (event {event.seq}); their open apps are disconnected")


@inspector.command("role")
@click.argument("inspector_id", type=int)
@click.option("--role", required=True, type=_choice(Role), help="Their new role.")
@db_option
def inspector_role(inspector_id: int, role: str, db_url: str) -> None:
    """Give INSPECTOR_ID another role: their open apps reconnect within 2 seconds and act in the new role."""
    command = ChangeRole(id=f"cli-role-{uuid.uuid4().hex[:16]}", inspector_id=inspector_id, role=Role(role))
    changed = RoleChanged.model_validate(_team_change(db_url, command).data)
    click.echo(f"Inspector {inspector_id} is now {changed.role.label} (was {changed.was.label})")


@click.group(cls=CleanErrors)
def kit() -> None:
    """Keeping-in-touch meeting minutes."""


@kit.command("export")
@click.option("--inspection", "inspection_id", required=True, type=int, help="Inspection id.")
@click.option("--date", "day", required=True, type=click.DateTime(["%Y-%m-%d"]), help="The meeting's day.")
@click.option("--kind", type=_choice(MeetingKind), default=MeetingKind.KIT.value, show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write to a file, not stdout.")
@db_option
def kit_export(inspection_id: int, day: object, kind: str, out: str | None, db_url: str) -> None:
    """Export the minutes of that day's meeting(s) as Markdown."""
    engine = _engine(db_url)
    try:
        inspection_model = database.get_inspection(engine, inspection_id=inspection_id)
    except database.NotFound as exc:
        raise click.BadParameter(str(exc), param_hint="--inspection") from None
    with Session(engine) as session:
        found = minutes_of(
            session, inspection_id=inspection_id, kind=MeetingKind(kind), day=day.date()  # type: ignore[attr-defined]
        )
    if not found:
        raise click.ClickException(f"no {MeetingKind(kind).label.lower()} on {day:%Y-%m-%d}")
    text = "\n".join(
        minutes_markdown(m, inspection_name=inspection_model.name, timezone=inspection_model.timezone) for m in found
    )
    _emit(text, out)


@click.command(cls=CleanCommand)
@click.option("--inspection", "inspection_id", required=True, type=int, help="Inspection id.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True,
              help="Markdown, or one print-ready HTML file.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write to a file, not stdout.")
@db_option
def report(inspection_id: int, fmt: str, out: str | None, db_url: str) -> None:
    """The published report: summary, agency and LSCB reports in one document, every statement cited."""
    engine = _engine(db_url)
    try:
        with Session(engine) as session:
            text = render_report(
                session, inspection_id=inspection_id, fmt=fmt, generated_at=datetime.now(UTC), chain_head=True
            )
    except database.NotFound as exc:
        raise click.BadParameter(str(exc), param_hint="--inspection") from None
    _emit(text, out)
