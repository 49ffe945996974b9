"""Rate limits of the public forms (registration, feedback), counted in Django's cache.

Each submission is counted twice: for the client address on this event, and for the client
address across every event. Iraqi mobile networks put many phones behind one address (carrier
NAT), and a youth centre may register a whole group from one connection, so the limits are
generous; they stop a script filling the registry or the quota, not a busy classroom.

The limits are settings (``JUSOOR_PUBLIC_FORM_*``, docs/configuration.md); the counting is
``core.ratelimit``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from jusoor.core.ratelimit import count_in_window


@dataclass(frozen=True)
class Limit:
    allowed: bool
    retry_after: int  # seconds until the window ends


def client_address(request: HttpRequest) -> str:
    # Behind the reverse proxy REMOTE_ADDR is the proxy; nginx sets X-Real-IP (docs/deploy.md).
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or "unknown"


def hit(request: HttpRequest, form: str, event_id: int) -> Limit:
    """Count one submission of ``form`` for ``event_id``; say whether it may go through."""
    window = settings.JUSOOR_PUBLIC_FORM_WINDOW
    address = client_address(request)
    on_event, retry_after = count_in_window(f"{form}:{event_id}:{address}", window)
    overall, _ = count_in_window(f"{form}:*:{address}", window)
    allowed = (
        on_event <= settings.JUSOOR_PUBLIC_FORM_PER_EVENT
        and overall <= settings.JUSOOR_PUBLIC_FORM_PER_ADDRESS
    )
    return Limit(allowed, retry_after)
