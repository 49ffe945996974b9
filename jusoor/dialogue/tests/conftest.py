import pytest


@pytest.fixture(autouse=True)
def _pages_in_english(client, settings):
    """Pages follow the language cookie (LocaleMiddleware), not translation.override."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Retrained moderation models are written under MEDIA_ROOT: keep them out of var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    from jusoor.dialogue import learning

    learning._LOADED.clear()
    yield
    learning._LOADED.clear()
