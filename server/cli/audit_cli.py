"""``triangulate audit verify``: prove an inspection's event log is as it was written, or name where it is not.

Re-computes the hash chain (server/storage/chain.py) from the database, or offline from an archive written by
``triangulate inspection archive``. Exit status 0: intact (redactions reported, not failures); 1: the first seq
altered, removed or reordered.
"""

from __future__ import annotations

from pathlib import Path

import click

from server.cli.clean_errors import CleanErrors
from server.cli.server_cli import _engine, db_option
from server.storage import archive, audit, database


@click.group(cls=CleanErrors)
def audit_group() -> None:
    """Check that an inspection's event log has not been changed."""


@audit_group.command("verify")
@click.option("--inspection", "inspection_id", type=int, help="Inspection id, checked in the database.")
@click.option("--archive", "archive_path", type=click.Path(dir_okay=False, exists=True),
              help="An archive file (triangulate inspection archive), checked offline.")
@db_option
def verify(inspection_id: int | None, archive_path: str | None, db_url: str) -> None:
    """Re-compute the hash chain: exit 0 when intact, 1 naming the first seq altered, removed or reordered."""
    if (inspection_id is None) == (archive_path is None):
        raise click.UsageError("give either --inspection ID or --archive FILE")
    if archive_path is not None:
        _verify_archive(archive_path)
    else:
        assert inspection_id is not None
        _verify_database(inspection_id, db_url)


def _verify_database(inspection_id: int, db_url: str) -> None:
    engine = _engine(db_url)
    try:
        _epoch, head = database.log_position(engine, inspection_id=inspection_id)
    except database.NotFound as exc:
        raise click.BadParameter(str(exc), param_hint="--inspection") from None
    with engine.connect() as connection:
        verdict = audit.verify(audit.from_database(connection, inspection_id=inspection_id), head=head)
    _report(f"inspection {inspection_id}", verdict)


def _verify_archive(path: str) -> None:
    try:
        _manifest, verdict = archive.verify(Path(path))
    except archive.ArchiveError as exc:
        click.echo(f"archive {path}: {exc}")
        raise SystemExit(1) from None
    _report(f"archive {path}", verdict)


def _report(what: str, verdict: audit.Verdict) -> None:
    click.echo(f"{what}: {verdict.describe()}")
    if not verdict.intact:
        raise SystemExit(1)
