import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Job results are written under MEDIA_ROOT: keep them out of var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
