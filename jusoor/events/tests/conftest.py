import pytest
from django.core.cache import cache


class FrozenClock:
    """The rate limits' clock, held still so that no window ends in the middle of a test."""

    def __init__(self) -> None:
        self.now = 1_700_000_100.0

    def time(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def rate_clock(monkeypatch):
    """Rate limits count in the cache; each test starts from zero, on a clock that stands still
    unless the test moves it."""
    from jusoor.core import ratelimit

    clock = FrozenClock()
    monkeypatch.setattr(ratelimit, "time", clock)
    cache.clear()
    yield clock
    cache.clear()
