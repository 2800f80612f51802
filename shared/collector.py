"""How often CPython's cycle collector runs: set once, the same in every Triangulate process. Called where each
starts: ``triangulate`` (shared.cli), ``python -m server`` (the demo's server), ``python -m tui.web.session`` (a
browser tab's app) and the test suite (tests/conftest.py).

By default the youngest generation is collected after every 700 net allocations of container objects, and every
tenth of those passes walks the middle generation too. A screen redraw in the app makes and drops tens of thousands
of such objects (strips, segments, style maps) and a command on the server hundreds; reference counting frees
nearly all of them at once, so most passes find nothing, and the passes that reach older generations walk every
object still alive. Measured on the app tests: the collector's own CPU 14.9 s of 50 s at the default, ≈ 5 s at
``YOUNGEST``; on the server alone, CPU per finding the same within the noise (docs/performance.md, "Test suite").
"""

from __future__ import annotations

import gc

YOUNGEST = 10_000
"""Net allocations between passes over the youngest generation (CPython's default is 700). Garbage in a reference
cycle waits a little longer for its pass; memory is not otherwise held."""


def run_less_often() -> None:
    """Raise the youngest generation's threshold; the older generations keep their ratios."""
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNGEST, middle, oldest)
