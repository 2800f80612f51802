"""Connections in and events out: the WebSocket server, fan-out to each inspection's room, per-connection limits,
TLS, the standing watch and the relay between server processes."""
