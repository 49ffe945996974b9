"""One writer at a time on SQLite, queued by the kernel instead of by SQLite's busy handler.

SQLite lets one transaction write at a time. The others wait in its busy handler, which sleeps
for growing intervals (up to 100 ms) before it tries again, so in a burst of writers a request
often sleeps long after the lock was freed: the slowest submissions then take several times
the others' time while the processor idles. An advisory file lock (``flock``) beside the
database wakes the next writer as soon as the current one commits.

Only hot write paths take it (OpenRosa submissions, check-in); other writers still meet SQLite's
own lock, which stays the real guard. A thread already inside a transaction does not wait for the
file lock (it could hold SQLite's lock that the file lock's holder waits for). On PostgreSQL,
and for an in-memory database, it does nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import threading
from collections.abc import Iterator

from django.db import connections

_held = threading.local()


def _lock_path(using: str) -> str | None:
    connection = connections[using]
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return name + ".write-lock"


@contextlib.contextmanager
def serial_writes(using: str = "default") -> Iterator[None]:
    path = _lock_path(using)
    if path is None or getattr(_held, "depth", 0) or connections[using].in_atomic_block:
        yield
        return
    # A descriptor per acquisition: flock excludes other open descriptions, so threads of one
    # process exclude each other as processes do.
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _held.depth = 1
        try:
            yield
        finally:
            _held.depth = 0
            fcntl.flock(handle, fcntl.LOCK_UN)
