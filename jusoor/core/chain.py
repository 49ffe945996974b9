"""The seal of one audit event: a hash of its content and of the seal before it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

SEALED_FIELDS = [
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "organisation_id",
    "ip_address",
    "user_agent",
    "data",
]


def event_hash(event: Any) -> str:
    """Works on the model and on the historical model a migration sees."""
    content = json.dumps(
        [event.previous_hash, event.created_at.isoformat(timespec="microseconds")]
        + [getattr(event, name) for name in SEALED_FIELDS],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(content.encode()).hexdigest()
