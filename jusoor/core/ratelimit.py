"""Fixed-window counters in Django's cache, for rate limits.

With the default local-memory cache each server process counts on its own; with ``REDIS_URL``
every process shares one count (docs/configuration.md).
"""

from __future__ import annotations

import time

from django.core.cache import cache


def count_in_window(key: str, window: int) -> tuple[int, int]:
    """Count one more event under ``key`` in the current ``window``-second slot.

    Returns the count so far in this slot and the seconds until the slot ends (for a
    ``Retry-After`` header)."""
    now = time.time()
    slot = int(now // window)
    slot_key = f"jusoor:rate:{key}:{slot}"
    cache.add(slot_key, 0, timeout=window + 5)
    try:
        count = cache.incr(slot_key)
    except ValueError:  # expired between add and incr
        cache.set(slot_key, 1, timeout=window + 5)
        count = 1
    return count, max(1, int((slot + 1) * window - now))
