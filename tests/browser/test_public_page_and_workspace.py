"""End to end in Debian's Chromium: the public page in both languages, sign-in, an indicator edit."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from jusoor.programmes.demo import DEMO_PASSWORD
from jusoor.programmes.models import Indicator

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(live_server, flushable_audit_log, monkeypatch):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's Chromium is missing: `apt-get install chromium` (make test does it)")
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Playwright's sync API runs an event loop in this thread; the ORM calls here are plain sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ar")
        yield context.new_page()
        browser.close()


def test_public_page_in_arabic_then_english(page, live_server):
    page.goto(f"{live_server.url}/p/anbar-prevention-conference-2023/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    title = page.locator("#project-title").inner_text()
    assert title == "مؤتمر الوقاية والصد لمحاربة التطرف العنيف في محافظة الانبار"
    figures = page.locator("#figures").inner_text()
    for number in ["500", "200", "10", "3"]:
        assert number in figures
    assert "الحكومة الألمانية" in page.locator("#organisations").inner_text()
    # Right to left for real: the title's right edge sits at the page's right side.
    box = page.locator("#project-title").bounding_box()
    assert box["x"] + box["width"] > 390 - 40
    page.screenshot(path=str(SCREENSHOTS / "public-ar.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert "Prevention and Response Conference" in page.locator("#project-title").inner_text()
    assert "Government of Germany" in page.locator("#organisations").inner_text()
    assert "200 participants" in page.locator("#results").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "public-en.png"), full_page=True)


def test_me_officer_signs_in_and_edits_an_indicator(page, live_server):
    indicator = Indicator.objects.get(code="2.1.1a")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "shams-me")
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/workspace/")
    page.goto(f"{live_server.url}/workspace/indicators/{indicator.pk}/edit/")
    page.fill("#id_name_en", "Conference participants (all days)")
    page.fill("#id_baseline", "٠")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/workspace/indicators/{indicator.pk}/")
    assert (
        "Conference participants (all days)" in page.content()
        or "عدد المشاركين في المؤتمر" in page.locator("h1").inner_text()
    )
    page.screenshot(path=str(SCREENSHOTS / "indicator-ar.png"), full_page=True)
    indicator.refresh_from_db()
    assert indicator.name_en == "Conference participants (all days)"
