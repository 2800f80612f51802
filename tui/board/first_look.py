"""A first look at a big cache: the board shows its newest findings while the whole cache is read and folded.

Folding 100,000 cached events takes seconds; the newest two thousand take a tenth of one. The first look is for
looking only: it does not say who we are, so nothing is recorded, amended or withdrawn from it, and what is older than
its events (a finding's earlier links, findings posted before them) waits for the whole cache, a few seconds later.
"""

from __future__ import annotations

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
