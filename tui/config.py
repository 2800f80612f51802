"""Where the client keeps things between runs: the remembered server and token, the chosen theme, and
per-inspection caches.

Paths come from platformdirs (app name "triangulate") unless a directory is passed in, so tests and the demo
never touch the user's real settings.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from shared.private_files import PRIVATE_FILE, private_dirs

APP_NAME = "triangulate"


@dataclass(frozen=True)
class Connection:
    """A server and the token that identifies one inspector to it."""

    url: str
    token: str
    cafile: str | None = None
    """A CA certificate file to trust for this ``wss://`` server, instead of the system's trust store."""


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def _settings_file(directory: Path | None) -> Path:
    return (directory or config_dir()) / "connection.json"


def load_connection(directory: Path | None = None) -> Connection | None:
    """The last server joined, or None if there is none or the file is unreadable."""
    try:
        raw = json.loads(_settings_file(directory).read_text(encoding="utf-8"))
        cafile = raw.get("cafile")
        return Connection(url=str(raw["url"]), token=str(raw["token"]), cafile=str(cafile) if cafile else None)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_connection(connection: Connection, directory: Path | None = None) -> Path:
    """Remember a server and token; the file is private to the user because the token is a credential."""
    saved = {"url": connection.url, "token": connection.token}
    if connection.cafile:
        saved["cafile"] = connection.cafile
    return _save_private(_settings_file(directory), saved)


def load_theme(directory: Path | None = None) -> str | None:
    """The theme the user last chose in the app, or None if none was chosen or the file is unreadable."""
    try:
        theme = json.loads(_theme_file(directory).read_text(encoding="utf-8"))["theme"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return theme if isinstance(theme, str) else None


def save_theme(theme: str, directory: Path | None = None) -> Path:
    """Remember the chosen theme; private like every file the client keeps (0600 in a 0700 directory)."""
    return _save_private(_theme_file(directory), {"theme": theme})


def _theme_file(directory: Path | None) -> Path:
    return (directory or config_dir()) / "theme.json"


def _save_private(path: Path, saved: dict[str, str]) -> Path:
    """Write ``saved`` as JSON, readable by the user alone, replacing the file in one step."""
    private_dirs(path.parent, tighten=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    os.fchmod(fd, PRIVATE_FILE)  # a stale .tmp keeps its old mode through O_CREAT
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(saved, out)
    os.replace(tmp, path)
    return path


def forget_connection(directory: Path | None = None) -> None:
    with contextlib.suppress(FileNotFoundError):
        _settings_file(directory).unlink()


def cache_path(connection: Connection, directory: Path | None = None) -> Path:
    """One cache file per (server, inspector): the token stands for the inspector, hashed so it never shows.

    Its directory is private to the user (mode 0700): the caches hold whole inspections."""
    digest = hashlib.sha256(f"{connection.url}\n{connection.token}".encode()).hexdigest()[:24]
    path = (directory or data_dir()) / "cache" / f"{digest}.sqlite3"
    private_dirs(path.parent, tighten=True)
    return path
