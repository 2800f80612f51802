"""Alembic migrations of the server's database; run through server.schema, never through an alembic.ini."""
