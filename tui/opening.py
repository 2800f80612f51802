"""Opening the local cache: a first look at its newest findings, then the whole of it, off the UI thread.

Folding 100,000 cached events takes seconds; the newest two thousand take a tenth of one, so a big cache first shows
those. The first look is for looking only: it does not say who we are, so nothing is recorded, amended or withdrawn
from it, and what is older than its events (findings posted before them, a finding's earlier links) waits for the
whole cache, a few seconds later.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from shared.protocol import Welcome
from tui.state import TeamState
from tui.store import LocalStore

FIRST_LOOK = 2_000
"""Events in the first look; a cache of no more than this is read whole at once."""


def first_look(store: LocalStore, welcome: Welcome | None) -> TeamState | None:
    """The newest events folded, or None if the cache is small enough to read whole (or has never been welcomed)."""
    if welcome is None:
        return None
    newest = store.newest(FIRST_LOOK + 1)
    if len(newest) <= FIRST_LOOK:
        return None
    glance = TeamState.build(welcome, newest[1:])
    glance.me = None  # nobody to act as until the whole state is there
    return glance


def whole_state(store: LocalStore, welcome: Welcome | None, *, big: bool = False) -> TeamState:
    """Every cached event folded, and our unsent commands once we know who we are (they show as ours)."""
    with _collector_paused() if big else nullcontext():
        return TeamState.build(welcome, store.each_event(), store.pending() if welcome else ())


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Nearly everything a fold makes lives on, so the collector's passes over it while folding are wasted (two
    thirds of reading 100,000 events); afterwards it is frozen, so that later passes skip it and a live event is not
    held up by a pass over the whole cache."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.freeze()
