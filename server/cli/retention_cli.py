"""What ``triangulate inspection archive`` and ``triangulate inspection purge`` do (the commands are declared in
server/cli/server_cli.py, in the ``inspection`` group; server/storage/archive.py and retention.py do the work)."""

from __future__ import annotations

import getpass
from pathlib import Path

import click
from sqlalchemy import Engine
from sqlmodel import Session

from server.cli.clean_errors import os_reason
from server.cli.report_reader import render_report
from server.storage import archive, audit, database, retention
from server.storage.tables import utcnow


def write_archive(engine: Engine, inspection_id: int, out: str) -> None:
    """Write the archive, refusing one whose log does not verify: an archive is kept as proof."""
    try:
        inspection = database.get_inspection(engine, inspection_id=inspection_id)
        _epoch, head = database.log_position(engine, inspection_id=inspection_id)
    except database.NotFound as exc:
        raise click.BadParameter(str(exc), param_hint="--inspection") from None
    now = utcnow()
    with Session(engine) as session:
        report = render_report(session, inspection_id=inspection_id, fmt="md", generated_at=now, chain_head=True)
        connection = session.connection()
        verdict = audit.verify(audit.from_database(connection, inspection_id=inspection_id), head=head)
        if not verdict.intact:
            raise click.ClickException(f"not archived: the log does not verify: {verdict.describe()}")
        described = {
            "id": inspection.id, "name": inspection.name, "framework": inspection.framework.value,
            "start_date": inspection.start_date and inspection.start_date.isoformat(),
            "end_date": inspection.end_date and inspection.end_date.isoformat(),
        }
        try:
            manifest = archive.write(
                Path(out), inspection=described, events=audit.from_database(connection, inspection_id=inspection_id),
                report=report, at=now,
            )
        except OSError as exc:
            raise click.ClickException(f"cannot write {out}: {os_reason(exc)}") from None
    head_of = manifest["head"]
    click.echo(f"Archived inspection {inspection_id}: {manifest['events']} events, head seq {head_of['seq']} "
               f"{head_of['chain']}, to {out}")


def purge(engine: Engine, inspection_id: int, *, force: bool, reason: str | None) -> None:
    if force and reason is None:
        raise click.BadParameter("--force needs --reason: say why the data goes before publication",
                                 param_hint="--reason")
    try:
        tombstone = retention.purge(
            engine, inspection_id=inspection_id, by=getpass.getuser(), now=utcnow(), force=force, reason=reason
        )
    except database.NotFound as exc:
        raise click.BadParameter(str(exc), param_hint="INSPECTION_ID") from None
    except retention.PurgeRefused as refused:
        raise click.ClickException(f"nothing removed: {refused}") from None
    click.echo(f"Purged inspection {inspection_id} ({tombstone.name}); its tombstone keeps head seq "
               f"{tombstone.head_seq} {tombstone.head_chain or '(empty log)'}, purged by {tombstone.purged_by}")
