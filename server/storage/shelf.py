"""Engines kept between servers that run one after another in one process, on the same database.

A server opens its engine when it starts and disposes of it when it stops. A new engine pays again for what a
running one has done once: each statement is compiled anew (SQLAlchemy's cache belongs to the engine), and on
PostgreSQL each of its first connections starts a backend and authenticates with a password. ``triangulate serve``
starts one server for the life of its process, so that is nothing; the test suite starts hundreds, and on its
PostgreSQL half the new engines were about a fifth of the CPU (docs/performance.md, "Test suite"). A shelf, passed in
``ServerConfig.engines``, hands a starting server the engine the last one on that database put back.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import URL, Engine
from sqlalchemy.engine import make_url

from server.storage import database, schema


class EngineShelf:
    """Open engines nobody holds, one per database, the most recently put back kept when there are too many.

    An engine is only ever lent to one server at a time: two running at once need one each, because a server tells
    its own notifications from another's by the connections its engine has checked out (server/network/notify.py).
    """

    def __init__(self, room: int = 2) -> None:
        self._room = room
        self._idle: OrderedDict[str, Engine] = OrderedDict()
        self._lock = threading.Lock()  # servers start in worker threads (asyncio.to_thread)

    def take(self, url: str) -> Engine:
        """An engine on ``url``: the one put back there, its schema checked again as ``database.connect`` checks a
        new one's, or else a new one."""
        with self._lock:
            engine = self._idle.pop(_key(url), None)
        if engine is None:
            return database.connect(url)
        try:
            schema.ensure_current(engine)
        except BaseException:
            engine.dispose()
            raise
        return engine

    def put_back(self, engine: Engine) -> None:
        """Keep ``engine`` for the next server on its database. A SQLite engine's connections are closed now (the
        engine and its compiled statements stay): a test may replace the file while no server runs, and an open
        connection would go on reading the old one."""
        if engine.dialect.name == "sqlite":
            engine.dispose()
        url = _key(engine.url)
        with self._lock:
            crowded = [self._idle.pop(url)] if url in self._idle else []
            self._idle[url] = engine
            while len(self._idle) > self._room:
                crowded.append(self._idle.popitem(last=False)[1])
        for extra in crowded:
            extra.dispose()

    def close(self) -> None:
        """Dispose of every engine on the shelf."""
        with self._lock:
            idle, self._idle = list(self._idle.values()), OrderedDict()
        for engine in idle:
            engine.dispose()


def _key(url: str | URL) -> str:
    """One spelling of a URL, whichever way it was written."""
    return make_url(url).render_as_string(hide_password=False)
