"""The program each browser tab runs (``python -m tui.web.session --server URL``), started by tui.web.serve.

Its arguments name only the team server: the token comes later, typed into the sign-in screen, through this
process's standard input. The cache lives in a private temporary directory removed when the session ends.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from shared import collector
from tui.client import tls_context


def command(server: str, cafile: str | None) -> str:
    """The shell command textual-serve runs for each session (it starts it through a shell)."""
    words = [sys.executable, "-m", "tui.web.session", "--server", server]
    if cafile is not None:
        words += ["--cafile", cafile]
    return shlex.join(words)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tui.web.session", description=__doc__)
    parser.add_argument("--server", required=True, help="the team server, ws://HOST:PORT or wss://HOST:PORT")
    parser.add_argument("--cafile", help="for wss://: trust the CA certificate(s) in this PEM file")
    args = parser.parse_args(argv)
    collector.run_less_often()
    from tui.store import LocalStore
    from tui.web.app import WebApp

    directory = Path(tempfile.mkdtemp(prefix="triangulate-web-"))
    try:
        store = LocalStore(directory / "cache.sqlite3")
        try:
            app = WebApp(args.server, store, ssl_context=tls_context(args.cafile) if args.cafile else None)
            app.run()
        finally:
            store.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return 2 if app.auth_error else (app.return_code or 0)


if __name__ == "__main__":
    sys.exit(main())
