"""Files only their owner can read: the client's cache and remembered token, the server's SQLite database.

A cache holds a whole inspection's evidence and the server's database holds every team's, so both are created
mode 0600 in directories created 0700, whatever the umask. SQLite creates its ``-wal``, ``-shm`` and ``-journal``
files with the main file's permissions, so creating the main file private before SQLite opens it keeps them
private too. A file left readable by others (made by an older version, or copied in) is tightened when opened.
"""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
SQLITE_SIDECARS = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Tightened:
    """A file or directory that others could read, and the mode it had before it was made private."""

    path: Path
    was: int

    def __str__(self) -> str:
        return f"{self.path} (was {self.was:04o})"


def private_dirs(directory: Path, *, tighten: bool = False) -> list[Tightened]:
    """Create ``directory`` and any missing parents mode 0700.

    ``tighten`` also makes an existing ``directory`` private: only for directories that are ours alone (the
    client's config and cache directories), never for a directory the user named, such as where a database file is.
    """
    directory = directory.expanduser()
    missing = []
    for path in (directory, *directory.parents):
        if path.exists():
            break
        missing.append(path)
    for path in reversed(missing):
        try:
            os.mkdir(path, PRIVATE_DIR)
        except FileExistsError:  # made by someone else at the same moment
            continue
        os.chmod(path, PRIVATE_DIR)  # a umask such as 0o277 would have left it unusable
    return _tighten(directory, PRIVATE_DIR) if tighten and not missing else []


def private_file(path: Path, *, sidecars: tuple[str, ...] = ()) -> list[Tightened]:
    """Create ``path`` empty and mode 0600 if it is missing; make it (and its ``sidecars``) private if it is not.

    Returns what had to be tightened, so the caller can say so.
    """
    path = path.expanduser()
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    tightened = _tighten(path, PRIVATE_FILE)
    for suffix in sidecars:
        tightened += _tighten(path.with_name(path.name + suffix), PRIVATE_FILE)
    return tightened


def _tighten(path: Path, private: int) -> list[Tightened]:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return []
    if not mode & 0o077:
        return []
    os.chmod(path, mode & private)
    return [Tightened(path, mode)]
