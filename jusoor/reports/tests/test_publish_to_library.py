"""Donor reports published to the library: the downloaded PDF (small cells suppressed), stored
through the library's services so that it is extracted, searched and seen as its visibility says."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from jusoor.core.models import AuditEvent
from jusoor.library.models import Kind, Resource, Visibility
from jusoor.library.search import search
from jusoor.reports import publishing
from jusoor.reports.models import PublishedReport
from jusoor.reports.tests.builders import approved_period, iati_ready

ANON = AnonymousUser()
SMALL_COUNT = re.compile(r"(?<![\d.])3(?![\d.])")  # the 3 men of iati_ready, a small cell


@pytest.fixture(autouse=True)
def _english(client):
    """These tests read English messages (the interface is Arabic by default)."""
    client.cookies["jusoor_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ready(world):
    iati_ready(world)
    approved_period(world)
    return world


def _publish(world, language="ar", visibility=Visibility.ORGANISATION, user="shams_admin"):
    return publishing.publish_donor_report(world.users[user], world.period, language, visibility)


def titles(results) -> list[str]:
    return [hit.resource.title_ar for hit in results.hits]


def test_an_approved_period_becomes_a_searchable_library_report(ready):
    resource = _publish(ready)
    assert resource.kind == Kind.REPORT
    assert resource.project == ready.project and resource.owner == ready.shams
    assert resource.visibility == Visibility.ORGANISATION
    assert "مشروع تجريبي" in resource.title_ar and "A project" in resource.title_en
    assert resource.summary_ar and resource.summary_en
    assert resource.audience_list and resource.theme_list
    link = PublishedReport.objects.get()
    assert (link.period, link.language, link.resource) == (ready.period, "ar", resource)

    version = resource.current_version
    assert version.file_format == "pdf" and version.text_status == "extracted"
    assert "مشروع تجريبي" in version.text
    assert "عدد المشاركين" in version.text and "180" in version.text
    assert "أقل من" in version.text  # the small cell is shown as "fewer than 5" ...
    assert not SMALL_COUNT.search(version.text)  # ... never as its count

    found = search(ready.users["shams_viewer"], "تجريبي")
    assert resource.title_ar in titles(found)


def test_the_english_pdf_suppresses_the_small_cell_too(ready):
    text = _publish(ready, "en").current_version.text
    assert "A project" in text
    assert "Male: fewer than 5" in text and "Male: 3" not in text
    assert not SMALL_COUNT.search(text)


def test_publishing_again_adds_a_version_not_a_second_resource(ready):
    first = _publish(ready)
    second = _publish(ready)
    assert first.pk == second.pk
    assert Resource.objects.count() == 1 and PublishedReport.objects.count() == 1
    assert [v.number for v in second.versions.order_by("number")] == [1, 2]
    _publish(ready, "en")  # another language is another resource
    assert Resource.objects.count() == 2


@pytest.mark.parametrize("status", ["open", "submitted"])
def test_a_period_not_yet_approved_is_refused(world, status):
    world.period.status = status
    world.period.save()
    with pytest.raises(ValidationError, match="approved or locked"):
        _publish(world)
    assert not Resource.objects.exists() and not PublishedReport.objects.exists()


def test_a_locked_period_may_be_published(ready):
    ready.period.status = "locked"
    ready.period.save()
    assert _publish(ready).pk


def test_an_organisation_report_is_hidden_from_visitors_and_a_public_one_is_not(client, ready):
    private = _publish(ready, "ar")
    public = _publish(ready, "en", Visibility.PUBLIC)
    found = titles(search(ANON, "تجريبي"))
    assert public.title_ar in found
    assert private.pk not in [hit.resource.pk for hit in search(ANON, "تجريبي").hits]
    assert client.get(reverse("library:resource", args=[private.pk])).status_code == 404
    assert client.get(reverse("library:resource", args=[public.pk])).status_code == 200
    client.force_login(ready.users["partner_viewer"])  # sees the project, not Shams' library
    assert client.get(reverse("library:resource", args=[private.pk])).status_code == 404


def test_only_who_may_approve_periods_publishes_for_everyone(ready):
    with pytest.raises(ValidationError):
        _publish(ready, visibility=Visibility.PUBLIC, user="shams_me_officer")
    assert not Resource.objects.exists()


def test_publishing_is_audited(ready):
    resource = _publish(ready)
    event = AuditEvent.objects.get(action="donor_report.published")
    assert event.actor == ready.users["shams_admin"]
    assert event.data["language"] == "ar" and event.data["resource"] == resource.pk
    assert event.data["visibility"] == "organisation"
    assert AuditEvent.objects.filter(action="library.resource_created").exists()
    _publish(ready)
    assert AuditEvent.objects.filter(action="donor_report.published").count() == 2
    assert AuditEvent.objects.filter(action="library.version_added").exists()


def test_the_button_publishes_and_leads_to_the_library(client, ready):
    client.force_login(ready.users["shams_programme_manager"])
    page = client.get(reverse("reports:donor_report", args=[ready.period.pk])).content.decode()
    assert reverse("reports:donor_report_publish", args=[ready.period.pk]) in page
    url = reverse("reports:donor_report_publish", args=[ready.period.pk])
    response = client.post(url, {"language": "ar", "visibility": "public"}, follow=True)
    resource = Resource.objects.get()
    assert response.redirect_chain[-1][0] == reverse("library:resource", args=[resource.pk])
    assert resource.visibility == "public"
    assert "تجريبي" in response.content.decode()


def test_the_button_refuses_an_open_period_with_a_message(client, world):
    client.force_login(world.users["shams_admin"])
    url = reverse("reports:donor_report_publish", args=[world.period.pk])
    response = client.post(url, {"language": "ar", "visibility": "organisation"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(
        reverse("reports:donor_report", args=[world.period.pk])
    )
    assert not Resource.objects.exists()
    assert "approved or locked" in response.content.decode()


@pytest.mark.parametrize(("user", "status"), [("shams_me_officer", 403), ("outsider", 404)])
def test_the_button_needs_approval_rights_in_the_project(client, ready, user, status):
    client.force_login(ready.users[user])
    url = reverse("reports:donor_report_publish", args=[ready.period.pk])
    assert client.post(url, {"language": "ar", "visibility": "organisation"}).status_code == status
    assert not Resource.objects.exists()
