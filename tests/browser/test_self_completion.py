"""In Debian's Chromium on a phone-sized screen: a form's public link, opened and filled."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from jusoor.conftest import (
    World,
    world,  # noqa: F401  (the fixture, found by its name)
)
from jusoor.surveys.models import Channel, Form, SelfCompletionLink, Submission
from jusoor.surveys.tests.factories import make_form
from jusoor.surveys.tests.test_web_entry import CHOICES, SURVEY
from tests.browser.test_public_page_and_workspace import FLAGS, SCREENSHOTS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 360, "height": 740}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(live_server, flushable_audit_log, monkeypatch):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's Chromium is missing: `apt-get install chromium` (make test does it)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


def _new_phone(browser):  # type: ignore[no-untyped-def]
    return browser.new_context(
        viewport=PHONE, locale="ar", is_mobile=True, has_touch=True, device_scale_factor=2
    )


def _open_the_link_as_a_manager(browser: Any, live_server: Any, w: World, survey: Form) -> str:
    """The M&E officer opens the form for self-completion from its page and reads the link."""
    client = Client()
    client.force_login(w.users["shams_me_officer"])
    context = _new_phone(browser)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/workspace/forms/{survey.pk}/")
    page.locator("button[value=open]").click()
    page.wait_for_load_state()
    url = page.input_value("#public-link")
    assert page.locator("button[data-copy]").is_visible()  # the copy button, shown by its script
    page.locator("#self-completion").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "self-completion-control-ar.png"))
    context.close()
    return url


def test_a_respondent_fills_the_form_on_a_phone_in_arabic(
    phone,
    live_server,
    world: World,  # noqa: F811  (the fixture imported above)
):
    survey = make_form(world.project, survey=SURVEY, choices=CHOICES, form_id="self")
    url = _open_the_link_as_a_manager(phone, live_server, world, survey)
    assert url == f"{live_server.url}/f/{SelfCompletionLink.objects.get().token}/"
    respondent = _new_phone(phone)
    page = respondent.new_page()
    page.goto(url)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#questions").get_attribute("dir") == "rtl"
    # Phone-first: nothing wider than the screen, and the questions start at the right.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    label = page.locator("label[for=id_q__age]").bounding_box()
    assert label["x"] + label["width"] > PHONE["width"] - 40

    page.fill("#id_q__name", "سارة")
    page.fill("#id_q__age", "٧")  # Eastern Arabic digits, and under the form's minimum age
    page.get_by_label("نعم").check()
    page.locator("button[value=submit]").click()
    page.wait_for_load_state()
    age_field = page.locator(".field.has-error", has=page.locator("#id_q__age"))
    assert "العمر بين ١٥ و٩٩" in age_field.inner_text()
    years_field = page.locator(".field.has-error", has=page.locator("#id_q__years"))
    assert "هذا السؤال يحتاج إلى إجابة." in years_field.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "self-completion-errors-ar.png"), full_page=True)
    assert not Submission.objects.exists()

    # The connection drops and the page is opened again: the answers come back from the server.
    page.close()
    page = respondent.new_page()
    page.goto(url)
    assert page.input_value("#id_q__name") == "سارة"
    assert page.get_by_label("نعم").is_checked()

    page.fill("#id_q__age", "٣٤")
    page.fill("#id_q__years", "2")
    page.locator("button[value=submit]").click()
    page.wait_for_url(url + "thanks/")
    page.screenshot(path=str(SCREENSHOTS / "self-completion-thanks-ar.png"), full_page=True)
    submission = Submission.objects.get()
    assert submission.channel == Channel.SELF and submission.enumerator is None
    assert (submission.answers["age"], submission.answers["years"]) == ("34", "2")
    assert submission.personal_answers() == {"name": "سارة"}
