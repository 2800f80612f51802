"""``triangulate db …``: the schema's revision and upgrading it (server/storage/schema.py does the work)."""

from __future__ import annotations

import click

from server.cli.clean_errors import CleanErrors, one_line
from server.cli.server_cli import db_option
from server.storage import schema


@click.group(cls=CleanErrors)
def db() -> None:
    """The database schema: which revision it is at, and upgrading it after installing a new version."""


@db.command("upgrade")
@db_option
def db_upgrade(db_url: str) -> None:
    """Upgrade the database to the schema this version needs (back it up and stop every server first)."""
    shown = schema.display_url(db_url)
    try:
        done = schema.upgrade(db_url)
    except schema.SchemaError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # unreachable server, bad URL, a failed migration (rolled back): say so, no traceback
        raise click.ClickException(f"upgrading {shown} failed, nothing was changed: {one_line(exc)}") from None
    how = " (recognised a database from before migrations)" if done.recognised else ""
    if done.before is None:
        click.echo(f"Created the database at revision {done.after}: {shown}")
    elif done.before != done.after:
        click.echo(f"Upgraded from revision {done.before}{how} to {done.after}: {shown}")
    elif done.recognised:
        click.echo(f"Recorded revision {done.after}{how}; its tables were already up to date: {shown}")
    else:
        click.echo(f"Already at revision {done.after}; nothing to do: {shown}")


@db.command("current")
@db_option
def db_current(db_url: str) -> None:
    """Print the database's schema revision and whether this version can use it."""
    try:
        click.echo(schema.describe(db_url))
    except schema.SchemaError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:
        raise click.ClickException(f"cannot read {schema.display_url(db_url)}: {one_line(exc)}") from None
