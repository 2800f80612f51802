"""``triangulate audit verify``: prove an inspection's event log is as it was written, or name where it is not.

Re-computes the hash chain (server/storage/chain.py) from the database, or offline from an archive written by
``triangulate inspection archive``. Exit status 0: intact (redactions reported, not failures); 1: the first seq
altered, removed or reordered.
"""

from __future__ import annotations

import click

from server.cli.clean_errors import CleanErrors
from server.cli.server_cli import _engine, db_option
from server.storage import audit, database


@click.group(cls=CleanErrors)
def audit_group() -> None:
    """Check that an inspection's event log has not been changed."""


@audit_group.command("verify")
@click.option("--inspection", "inspection_id", required=True, type=int, help="Inspection id.")
@db_option
def verify(inspection_id: int, db_url: str) -> None:
    """Re-compute the hash chain: exit 0 when intact, 1 naming the first seq altered, removed or reordered."""
    engine = _engine(db_url)
    try:
        _epoch, head = database.log_position(engine, inspection_id=inspection_id)
    except database.NotFound as exc:
        raise click.BadParameter(str(exc), param_hint="--inspection") from None
    with engine.connect() as connection:
        verdict = audit.verify(audit.from_database(connection, inspection_id=inspection_id), head=head)
    click.echo(f"inspection {inspection_id}: {verdict.describe()}")
    if not verdict.intact:
        raise SystemExit(1)
