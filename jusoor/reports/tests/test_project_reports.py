"""The project's "Reports and exports" page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from jusoor.reports.tests.builders import iati_ready


def test_the_page_links_each_period_report_and_both_exports(client, world):
    client.force_login(world.users["partner_viewer"])
    page = client.get(reverse("reports:project_reports", args=[world.project.pk])).content.decode()
    assert reverse("reports:donor_report", args=[world.period.pk]) in page
    assert reverse("reports:iati", args=[world.project.pk]) in page
    assert reverse("reports:hxl", args=[world.project.pk]) in page


def test_the_page_says_how_much_is_missing_for_iati(client, world):
    client.force_login(world.users["shams_viewer"])
    url = reverse("reports:project_reports", args=[world.project.pk])
    with translation.override("en"):
        before = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        iati_ready(world)
        after = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "to fill in first" in before
    assert "to fill in first" not in after
