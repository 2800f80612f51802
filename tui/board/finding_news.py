"""What to say when teammates' findings arrive: at most one toast per two seconds, so a burst is one toast.

When findings come in quick succession (a teammate back in signal with a queue of them, or the whole team after
a meeting), one toast a finding would bury the screen. The first finding gets a toast of its own; any that follow
within two seconds of it are folded into that toast, which is replaced by one that counts them all
("6 new findings"). Time is read from an injected monotonic clock, so tests need no sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tui.state import FindingView

TOAST_EVERY = 2.0
"""Seconds: at most one new toast about findings per this long; what arrives meanwhile joins the last one."""


@dataclass(frozen=True)
class NewsToast:
    """The toast to show; ``replaces_last`` says it takes the place of the previous one about findings."""

    title: str
    message: str
    replaces_last: bool


class FindingNews:
    """Counts teammates' new findings into toasts, one per ``every`` seconds of ``clock``."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, every: float = TOAST_EVERY) -> None:
        self._clock = clock
        self._every = every
        self._since: float | None = None
        self._told: list[FindingView] = []

    def add(self, news: Sequence[FindingView]) -> NewsToast:
        """``news`` (not empty) just arrived: the toast that tells of it, with the last one's if it is recent."""
        now = self._clock()
        recent = self._since is not None and now - self._since < self._every
        if recent:
            self._told += news
        else:
            self._since, self._told = now, list(news)
        title, message = describe(self._told)
        return NewsToast(title, message, replaces_last=recent)


def describe(views: Sequence[FindingView]) -> tuple[str, str]:
    """Title and message: one finding in full (agency, kind, author, first line), several counted by author."""
    if len(views) == 1:
        view = views[0]
        f = view.fields
        return (f"New finding · {f.agency.label} · {f.kind.label}",
                f"{view.author.name} ({view.author.inspectorate.label}): {view.first_line[:120]}")
    authors = sorted({view.author.name for view in views})
    return f"{len(views)} new findings", f"from {', '.join(authors)}"
