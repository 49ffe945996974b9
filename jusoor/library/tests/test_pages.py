"""The public library pages and the workspace list."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from jusoor.library.tests.builders import make_resource

pytestmark = pytest.mark.django_db


def get(client, url, **params):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        return client.get(url, params)


def test_anyone_can_search_the_library_without_an_account(client, world):
    make_resource(world.shams, title_ar="مكافحة خطاب الكراهية", summary_ar="دليل عن التحريض")
    response = get(client, reverse("library:index"), q="خطاب الكراهية")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Prevention toolkit" in page and "<mark>التحريض</mark>" in page


def test_the_library_is_arabic_first_and_right_to_left(client, world):
    page = client.get(reverse("library:index")).content.decode()
    assert 'dir="rtl"' in page and 'lang="ar"' in page


def test_the_page_fits_a_phone(client, world):
    page = client.get(reverse("library:index")).content.decode()
    assert 'name="viewport" content="width=device-width' in page
    assert "library/library.css" in page


def test_a_resource_has_a_shareable_page(client, world):
    resource = make_resource(world.shams, title_en="Shared toolkit", summary_en="For teachers.")
    response = get(client, reverse("library:resource", kwargs={"pk": resource.pk}))
    assert response.status_code == 200
    assert "For teachers." in response.content.decode()


def test_a_private_resource_page_is_a_404_for_strangers(client, world):
    resource = make_resource(world.shams, visibility="organisation")
    url = reverse("library:resource", kwargs={"pk": resource.pk})
    assert get(client, url).status_code == 404
    client.force_login(world.users["outsider"])
    assert get(client, url).status_code == 404
    assert get(client, reverse("library:download", kwargs={"pk": resource.pk})).status_code == 404
    client.force_login(world.users["shams_viewer"])
    assert get(client, url).status_code == 200


def test_facet_links_narrow_the_list(client, world):
    make_resource(world.shams, title_en="A report", kind="report")
    make_resource(world.shams, title_en="A guide", kind="guide")
    page = get(client, reverse("library:index"), kind="report").content.decode()
    assert "A report" in page and "A guide" not in page


def test_nonsense_filters_and_pages_do_not_break_the_page(client, world):
    make_resource(world.shams)
    for params in ({"kind": "nope"}, {"year": "abc"}, {"page": "-3"}, {"q": '"*(' * 200}):
        assert get(client, reverse("library:index"), **params).status_code == 200


def test_a_punctuation_only_search_says_there_was_nothing_to_look_for(client, world):
    make_resource(world.shams)
    page = get(client, reverse("library:index"), q="؟!! ًّ").content.decode()
    assert "no words to look for" in page


def test_the_list_page_runs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for i in range(15):
        make_resource(world.shams, title_en=f"Toolkit {i}", summary_en="extremism prevention")
    with django_assert_max_num_queries(8):
        get(client, reverse("library:index"), q="extremism")


def test_the_workspace_lists_our_resources_and_offers_to_add_one(client, world):
    make_resource(world.shams, title_en="Our toolkit", visibility="organisation")
    make_resource(world.other, title_en="Their toolkit", visibility="organisation")
    client.force_login(world.users["shams_programme_manager"])
    page = get(client, reverse("library:manage")).content.decode()
    assert "Our toolkit" in page and "Their toolkit" not in page
    assert reverse("library:resource_create", kwargs={"slug": "shams"}) in page
