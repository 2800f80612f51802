"""What the server and the client agree on: vocabulary, wire protocol and rules."""
