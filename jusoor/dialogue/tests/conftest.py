import pytest


@pytest.fixture(autouse=True)
def _pages_in_english(client, settings):
    """Pages follow the language cookie (LocaleMiddleware), not translation.override."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
