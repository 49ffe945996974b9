"""Where the public reference data lives (Iraq p-codes, IATI schema, field forms...).

Tests and benchmarks read it from ``../shared/data`` beside the repository, or from
``JUSOOR_SHARED_DATA``; the project itself never needs it.
"""

from __future__ import annotations

import os
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def shared_data(*parts: str) -> Path:
    base = Path(os.environ.get("JUSOOR_SHARED_DATA") or REPOSITORY.parent / "shared" / "data")
    return base.joinpath(*parts)
