"""Project and programme dashboards: progress, reach by group, the map, and small cells."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from jusoor.conftest import make_organisation, make_project
from jusoor.events.models import Meeting
from jusoor.geo.models import AdminUnit
from jusoor.people.tests.builders import make_person
from jusoor.programmes import services
from jusoor.programmes.models import IndicatorTarget, Programme


@pytest.fixture(autouse=True)
def _empty_cache():
    """Ids come back after a rolled-back test; cached reach of a former project must not."""
    cache.clear()


def _meeting(world, people, area="IQG01Q03N03"):  # type: ignore[no-untyped-def]
    meeting = Meeting.objects.create(
        organisation=world.shams,
        project=world.project,
        activity=world.activity,
        title="اجتماع مع القائممقام",
        date=dt.date(2023, 8, 3),
        area=AdminUnit.objects.get(pcode=area),
    )
    meeting.attendees.add(*people)
    return meeting


def _people(world, n, **fields):  # type: ignore[no-untyped-def]
    return [make_person(world.shams, phone=f"0770 {i:07d}", **fields) for i in range(n)]


def text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_project_dashboard_shows_progress_against_the_target(client, world):
    _meeting(world, _people(world, 6, sex="f") + _people(world, 6, sex="m"))
    world.indicator.computation = "unique_attendees"
    services.save_indicator(world.users["shams_admin"], world.indicator)
    IndicatorTarget.objects.create(indicator=world.indicator, period=world.period, value=24)
    client.force_login(world.users["shams_viewer"])
    client.cookies["jusoor_language"] = "en"
    response = client.get(reverse("reports:project_dashboard", args=[world.project.pk]))
    assert response.status_code == 200
    page = text(response)
    assert "50.0%" in page  # 12 of 24
    assert "Unique people who took part in activities: 12" in page


def test_the_map_shades_the_district_of_the_activities(client, world):
    _meeting(world, _people(world, 2))
    client.force_login(world.users["shams_viewer"])
    html = client.get(reverse("reports:project_dashboard", args=[world.project.pk])).content
    html = html.decode()
    # Markaz Al-Ramadi (IQG01Q03N03) is in the Ramadi district, IQG01Q03; Anbar is drawn.
    assert re.search(r'class="district shade-5" data-pcode="IQG01Q03"', html)
    assert 'data-pcode="IQG01Q02"' in html and "<svg" in html


def test_small_groups_are_hidden_from_the_partner_but_not_from_the_owner(client, world):
    _meeting(world, _people(world, 7, sex="m") + _people(world, 2, sex="f"))
    url = reverse("reports:project_dashboard", args=[world.project.pk])
    client.cookies["jusoor_language"] = "en"
    client.force_login(world.users["shams_viewer"])
    owner = client.get(url).content.decode()
    assert re.search(r"Female</th>\s*<td class=\"number\">2<", owner)
    client.force_login(world.users["partner_viewer"])
    partner = client.get(url).content.decode()
    assert not re.search(r"Female</th>\s*<td class=\"number\">2<", partner)
    assert "hidden: too few people to show" in partner
    # The only other group is hidden too, or 9 − 7 would give the women away.
    assert not re.search(r"Male</th>\s*<td class=\"number\">7<", partner)


def test_programme_dashboard_lists_only_projects_the_viewer_may_see(client, world):
    other_org = make_organisation("other-partner")
    hidden = make_project(other_org, slug="hidden-project", title_en="Hidden project")
    hidden.programme = world.programme
    hidden.save()
    client.force_login(world.users["partner_viewer"])
    client.cookies["jusoor_language"] = "en"
    response = client.get(reverse("reports:programme_dashboard", args=[world.programme.slug]))
    assert response.status_code == 200
    page = text(response)
    assert "A project" in page
    assert "Hidden project" not in page


def test_programme_of_another_organisation_is_not_found(client, world):
    programme = Programme.objects.create(
        slug="elsewhere", owner=make_organisation("elsewhere"), title_ar="برنامج آخر"
    )
    client.force_login(world.users["shams_admin"])
    response = client.get(reverse("reports:programme_dashboard", args=[programme.slug]))
    assert response.status_code == 404


def test_dashboard_queries_do_not_grow_with_people(client, world, django_assert_max_num_queries):
    _meeting(world, _people(world, 30))
    client.force_login(world.users["shams_viewer"])
    url = reverse("reports:project_dashboard", args=[world.project.pk])
    client.get(url)
    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200


def test_new_attendance_shows_at_once_despite_the_cache(client, world):
    meeting = _meeting(world, _people(world, 6))
    client.force_login(world.users["shams_viewer"])
    client.cookies["jusoor_language"] = "en"
    url = reverse("reports:project_dashboard", args=[world.project.pk])
    assert "took part in activities: 6" in text(client.get(url))
    meeting.attendees.add(make_person(world.shams, phone="0771 0000001"))
    assert "took part in activities: 7" in text(client.get(url))
