"""In Debian's Chromium: pages full of stored hostile text run no script and open no dialog.

The same hostile world as ``tests/security/test_stored_xss.py`` (every free-text field holds
``<script>``, an ``onerror`` break-out and a ``javascript:`` link, mixed with Arabic); an
administrator's browser opens every page of the URL table, and clicks every link the payload
could have turned into a ``javascript:`` address. Any ``alert`` would open a dialog; the page
also reports Content-Security-Policy violations, which would show an inline script was tried.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from jusoor.conftest import (
    World,
    world,  # noqa: F401  (the fixture, found by its name)
)
from jusoor.core.tests.test_url_role_table import TABLE
from tests.browser.test_public_page_and_workspace import FLAGS
from tests.security.test_stored_xss import _build_every_object, inject_everywhere

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(live_server, flushable_audit_log, monkeypatch):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's Chromium is missing: `apt-get install chromium` (make test does it)")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 1000, "height": 800}, locale="ar")
        yield context
        browser.close()


def _signed_in(context, live_server, user) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_no_script_runs_on_pages_full_of_hostile_text(
    browser_page,
    live_server,
    world: World,  # noqa: F811  (the fixture imported above)
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    world.project.is_public = True
    world.project.save()
    kwargs = _build_every_object(world)
    inject_everywhere()
    _signed_in(browser_page, live_server, world.users["shams_admin"])
    page = browser_page.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => { window.__cspViolations = (window.__cspViolations || 0) + 1; });"
    )
    visited, violations, javascript_links = 0, [], 0
    for name, case in sorted(TABLE.items()):
        if (
            case.method != "get"
            or name not in kwargs
            or name.startswith(("api:", "surveys:openrosa"))
        ):
            continue
        try:
            response = page.goto(live_server.url + reverse(name, kwargs=kwargs[name]))
        except PlaywrightError as error:  # a file download (CSV, PDF, DOCX): no page to run
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        visited += 1
        for link in page.locator("a[href^='javascript:' i]").all():
            javascript_links += 1
            link.click(no_wait_after=True, timeout=2000)
        if page.evaluate("window.__cspViolations || 0"):
            violations.append(name)
    assert visited > 50
    assert dialogs == []
    assert javascript_links == 0
    assert violations == []
