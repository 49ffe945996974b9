"""Rate limits of the public forms (registration, feedback), counted in Django's cache.

Each submission is counted twice: for the client address on this event, and for the client
address across every event. Iraqi mobile networks put many phones behind one address (carrier
NAT), and a youth centre may register a whole group from one connection, so the limits are
generous; they stop a script filling the registry or the quota, not a busy classroom.

With the default local-memory cache each server process counts on its own (the limit is per
process); set ``REDIS_URL`` so that every process shares one count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 600
PER_EVENT = 20  # submissions from one address for one event in the window
PER_ADDRESS = 60  # submissions from one address for all events together


@dataclass(frozen=True)
class Limit:
    allowed: bool
    retry_after: int  # seconds until the window ends


def client_address(request: HttpRequest) -> str:
    # Behind the reverse proxy REMOTE_ADDR is the proxy; nginx sets X-Real-IP (docs/deploy.md).
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or "unknown"


def _count(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def hit(request: HttpRequest, form: str, event_id: int) -> Limit:
    """Count one submission of ``form`` for ``event_id``; say whether it may go through."""
    window = getattr(settings, "JUSOOR_PUBLIC_FORM_WINDOW", WINDOW_SECONDS)
    per_event = getattr(settings, "JUSOOR_PUBLIC_FORM_PER_EVENT", PER_EVENT)
    per_address = getattr(settings, "JUSOOR_PUBLIC_FORM_PER_ADDRESS", PER_ADDRESS)
    now = time.time()
    slot = int(now // window)
    retry_after = max(1, int((slot + 1) * window - now))
    address = client_address(request)
    timeout = window + 5
    on_event = _count(f"jusoor:rate:{form}:{event_id}:{address}:{slot}", timeout)
    overall = _count(f"jusoor:rate:{form}:*:{address}:{slot}", timeout)
    return Limit(on_event <= per_event and overall <= per_address, retry_after)
