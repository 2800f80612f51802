"""The database: its tables, the schema's revision and migrations, the event log's reads, and the single writer."""
