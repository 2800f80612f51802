"""The team server, laid out by job: ``network`` (connections, fan-out, limits, TLS), ``storage`` (the tables, the
schema and its migrations, the event log and its single writer), ``handlers`` (the rules each command is checked
against, and the table that dispatches to them), ``cli`` (the ``triangulate`` server commands) and ``demo``."""
