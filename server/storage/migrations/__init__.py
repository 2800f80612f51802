"""Alembic migrations of the server's database; run through server.storage.schema, never through an alembic.ini."""
