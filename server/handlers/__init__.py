"""One module of command handlers per domain, each checking its rules against current state, and the dispatch
table (``dispatch.apply_command``) every command passes through."""
