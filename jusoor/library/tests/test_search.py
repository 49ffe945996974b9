"""Search behaves the same on SQLite FTS5 and PostgreSQL: run with and without DATABASE_URL."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from jusoor.library import services
from jusoor.library.search import search
from jusoor.library.tests.builders import make_resource

ANON = AnonymousUser()

pytestmark = pytest.mark.django_db


def titles(results) -> list[str]:
    return [hit.resource.title_en for hit in results.hits]


@pytest.fixture
def shelf(world):
    make = make_resource
    return {
        "extremism": make(
            world.shams,
            title_ar="فهم التطرف في الأنبار",
            title_en="Understanding extremism",
            summary_ar="دراسة عن أسباب التطرف العنيف بين الشباب.",
        ),
        "extremists": make(
            world.shams,
            title_ar="حوار مع الشباب",
            title_en="Dialogue with youth",
            summary_ar="كيف يتحدث الميسرون مع المتطرفين السابقين والعائدين.",
        ),
        "ghuluw": make(
            world.shams,
            title_ar="الغلو في الخطاب الديني",
            title_en="Religious discourse",
            summary_ar="دليل لرجال الدين.",
            kind="guide",
        ),
        "hate": make(
            world.shams,
            title_ar="رصد التحريض على وسائل التواصل",
            title_en="Monitoring incitement",
            summary_en="Online incitement against displaced families.",
            kind="report",
            language="ar_en",
            audience=",officials,",
            published_on=__import__("datetime").date(2023, 9, 1),
        ),
        "english": make(
            world.shams,
            title_ar="",
            title_en="Preventing violent extremism: a facilitator's handbook",
            summary_en="Sessions for teachers on resilience against extremists.",
            language="en",
            kind="training",
            themes=",prevention,education,",
        ),
        "cohesion": make(
            world.shams,
            title_ar="التماسك المجتمعي بعد النزوح",
            title_en="Social cohesion after displacement",
            summary_ar="تجارب المصالحة في الرمادي والفلوجة.",
            kind="research",
        ),
    }


@pytest.mark.parametrize("spelling", ["التطرف", "تطرف", "المتطرفين", "والتطرف", "التّطرّف", "ألتطرف"])
def test_every_spelling_of_extremism_finds_the_same_resources(shelf, spelling):
    found = set(titles(search(ANON, spelling)))
    assert {"Understanding extremism", "Dialogue with youth"} <= found


def test_a_synonym_finds_resources_that_use_the_other_word(shelf):
    assert "Religious discourse" in titles(search(ANON, "التطرف"))
    assert "Monitoring incitement" in titles(search(ANON, "خطاب الكراهية"))


def test_english_words_are_stemmed_and_meet_arabic_synonyms(shelf):
    found = titles(search(ANON, "extremists"))
    assert "Preventing violent extremism: a facilitator's handbook" in found
    assert "Understanding extremism" in found  # its Arabic summary says التطرف


def test_a_mixed_language_query_needs_both_ideas(shelf):
    found = titles(search(ANON, "incitement النازحين"))
    assert found == ["Monitoring incitement"]


def test_a_quoted_phrase_must_appear_in_that_order(shelf):
    assert titles(search(ANON, '"التطرف العنيف"')) == ["Understanding extremism"]
    assert titles(search(ANON, '"العنيف التطرف"')) == []


def test_title_matches_rank_above_summary_matches(shelf):
    found = titles(search(ANON, "الشباب"))
    assert found[0] == "Dialogue with youth"


def test_snippets_highlight_the_words_as_written(shelf):
    results = search(ANON, "المتطرفين")
    hit = next(h for h in results.hits if h.resource.title_en == "Dialogue with youth")
    assert "<mark>المتطرفين</mark>" in hit.snippet


@pytest.mark.parametrize(
    "typed",
    [
        '"',
        "***",
        "NEAR(",
        "a OR",
        "AND",
        '"تطرف',
        "ً ّ ُ",
        "؟!،",
        "title_terms:x",
        "'; DROP",
        "(^)",
        "-",
    ],
)
def test_search_syntax_and_punctuation_never_break_the_search(shelf, typed):
    results = search(ANON, typed)
    assert results.total >= 0


def test_a_query_of_only_punctuation_or_marks_browses_everything_and_says_so(shelf):
    results = search(ANON, "؟؟ ً ّ !!")
    assert results.nothing_to_search
    assert results.total == len(shelf)


def test_when_no_resource_has_every_word_the_search_relaxes_and_says_so(shelf):
    results = search(ANON, "المصالحة incitement")
    assert results.relaxed
    assert set(titles(results)) == {"Social cohesion after displacement", "Monitoring incitement"}


def test_facets_count_the_matches(shelf):
    results = search(ANON, "تطرف")
    kinds = {value: n for value, _label, n in results.facets["kind"]}
    assert kinds["toolkit"] == 2 and kinds["guide"] == 1
    assert {v for v, _l, _n in results.facets["year"]} == {"2024"}


def test_filters_narrow_the_results(shelf):
    assert titles(search(ANON, "", {"kind": "report"})) == ["Monitoring incitement"]
    assert titles(search(ANON, "", {"audience": "officials"})) == ["Monitoring incitement"]
    assert titles(search(ANON, "", {"year": "2023"})) == ["Monitoring incitement"]
    assert titles(search(ANON, "extremism", {"theme": "education"})) == [
        "Preventing violent extremism: a facilitator's handbook"
    ]


def test_the_index_follows_edits_and_deletes(world, shelf):
    resource = shelf["cohesion"]
    before = {"title_ar": resource.title_ar}
    resource.title_ar = "دليل الحوار الأسري"
    resource.summary_ar = ""
    services.update_resource(None, resource, before)
    assert "Social cohesion after displacement" not in titles(search(ANON, "التماسك"))
    assert "Social cohesion after displacement" in titles(search(ANON, "الأسري"))
    services.delete_resource(None, shelf["hate"])
    assert titles(search(ANON, "incitement")) == []


def test_another_organisations_private_resources_are_never_found_or_counted(world, shelf):
    make_resource(world.other, title_en="Secret extremism notes", visibility="organisation")
    for user in (ANON, world.users["shams_admin"], world.users["partner_viewer"]):
        results = search(user, "extremism")
        assert "Secret extremism notes" not in titles(results)
        assert sum(n for _v, _l, n in results.facets["kind"]) == results.total
    assert "Secret extremism notes" in titles(search(world.users["outsider"], "extremism"))


def test_project_resources_are_seen_by_the_partner_the_project_is_shared_with(world, shelf):
    make_resource(
        world.shams,
        title_en="Project extremism minutes",
        visibility="project",
        project=world.project,
    )
    make_resource(world.shams, title_en="Internal extremism memo", visibility="organisation")
    partner = titles(search(world.users["partner_viewer"], "extremism"))
    assert "Project extremism minutes" in partner
    assert "Internal extremism memo" not in partner
    assert "Project extremism minutes" not in titles(search(ANON, "extremism"))
    member = titles(search(world.users["shams_viewer"], "extremism"))
    assert {"Project extremism minutes", "Internal extremism memo"} <= set(member)


def test_title_matches_come_first_and_pages_neither_skip_nor_repeat(world):
    for i in range(3):
        make_resource(world.shams, title_ar="", title_en=f"Tolerance guide {i}")
        make_resource(
            world.shams, title_ar="", title_en=f"Notes {i}", summary_en="On tolerance and trust."
        )
    pages = [search(ANON, "tolerance", page=p, per_page=2, with_facets=False) for p in (1, 2, 3)]
    seen = [hit.resource.title_en for page in pages for hit in page.hits]
    assert len(seen) == len(set(seen)) == 6
    assert all(title.startswith("Tolerance guide") for title in seen[:3])
    assert pages[0].total == 6


def test_making_a_resource_private_removes_it_from_public_search(world):
    resource = make_resource(world.shams, title_en="Open toolkit on tolerance")
    assert search(ANON, "tolerance").total == 1
    resource.visibility = "organisation"
    services.update_resource(None, resource, {"visibility": "public"})
    assert search(ANON, "tolerance").total == 0
    assert search(world.users["shams_viewer"], "tolerance").total == 1
