import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Evidence files are written under MEDIA_ROOT: keep them out of var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Ids come back after a rolled-back test; cached dashboard figures of a former project must
    not."""
    cache.clear()
