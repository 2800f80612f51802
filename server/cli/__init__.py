"""The server's ``triangulate`` subcommands: serve, the inspection and its team, cases, the database, exports."""
