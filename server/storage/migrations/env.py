"""Alembic's environment, driven by server.storage.schema: it hands over an open connection inside a transaction, so an
upgrade commits or rolls back as a whole. ``render_as_batch`` lets SQLite, which has almost no ALTER TABLE, rebuild
tables; PostgreSQL runs the same operations as plain ALTERs."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import server.storage.tables  # noqa: F401 - registers every table: autogenerate compares the database against them

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run migrations through server.storage.schema (triangulate db upgrade), which supplies a connection"
    )

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
