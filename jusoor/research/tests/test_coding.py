from django.urls import reverse

from jusoor.core.models import AuditEvent
from jusoor.research.models import Code, Coding, Segment
from jusoor.research.tests import builders


def _source_url(world, index=0, path="causes_text"):
    submission = builders.interview(world, index)
    return reverse("research:source", args=[world.project.pk, "answer", submission.pk]) + (
        f"?field={path}"
    )


def test_the_codebook_starts_with_the_four_categories_in_both_languages(client, world):
    client.force_login(world.users["shams_viewer"])
    page = client.get(reverse("research:codebook", args=[world.project.pk])).content.decode()
    assert "البطالة" in page and "Unemployment" in page
    categories = set(Code.objects.values_list("category", flat=True))
    assert categories == {"cause", "challenge", "solution", "need"}


def test_an_analyst_adds_a_code_and_a_duplicate_name_is_refused(client, world):
    client.force_login(world.users["shams_me_officer"])
    client.cookies["jusoor_language"] = "en"
    url = reverse("research:code_create", args=[world.project.pk])
    data = {"category": "need", "name_ar": "السكن", "name_en": "Housing", "keywords": "سكن"}
    assert client.post(url, data).status_code == 302
    assert Code.objects.filter(name_en="Housing", category="need").exists()
    again = client.post(url, data)
    assert "already has a code with this Arabic name" in again.content.decode()
    assert AuditEvent.objects.filter(action="research.code.create").count() == 1


def test_coding_a_typed_passage_finds_it_in_the_source_and_audits_it(client, world):
    client.force_login(world.users["shams_me_officer"])
    unemployment = builders.code(world)
    response = client.post(
        _source_url(world),
        {"field": "causes_text", "passage": "البطاله بين الشباب", "codes": [unemployment.pk]},
    )
    assert response.status_code == 302
    segment = Segment.objects.get()
    assert segment.text == "البطالة بين الشباب"
    assert segment.respondent_type == "kii:mayor" and segment.area == "IQG01Q03N03"
    coding = Coding.objects.get()
    assert coding.code == unemployment and coding.by == world.users["shams_me_officer"]
    event = AuditEvent.objects.get(action="research.segment.code")
    assert event.data["added"] == ["unemployment"]


def test_a_passage_that_is_not_in_the_source_is_refused_with_a_message(client, world):
    client.force_login(world.users["shams_me_officer"])
    client.cookies["jusoor_language"] = "en"
    response = client.post(
        _source_url(world),
        {"field": "causes_text", "passage": "كلام غير موجود", "codes": [builders.code(world).pk]},
    )
    assert "This passage is not in the source" in response.content.decode()
    assert not Segment.objects.exists()


def test_changing_the_codes_of_a_segment_replaces_them(client, world):
    first = builders.coded_world(world)["first"]
    client.force_login(world.users["shams_me_officer"])
    poverty = builders.code(world, "poverty")
    client.post(reverse("research:segment_codes", args=[first.pk]), {"codes": [poverty.pk]})
    assert [c.code.key for c in first.codings.all()] == ["poverty"]


def test_names_of_an_interview_are_shown_only_on_request_and_audited(client, world):
    client.force_login(world.users["shams_me_officer"])
    url = _source_url(world)
    page = client.get(url).content.decode()
    assert "أحمد عبد الله الدليمي" not in page
    assert not AuditEvent.objects.filter(action="research.source.personal_view").exists()
    page = client.get(url + "&personal=1").content.decode()
    assert "أحمد عبد الله الدليمي" in page
    assert AuditEvent.objects.filter(action="research.source.personal_view").count() == 1


def test_without_the_personal_data_capability_source_text_is_anonymised(rf, world):
    from jusoor.accounts.roles import Can
    from jusoor.research.sources import get_source
    from jusoor.research.views import _shown

    source = get_source(world.project, "answer", builders.interview(world, 0).pk, "causes_text")
    request = rf.get("/")
    request.project_capabilities = frozenset({Can.VIEW, Can.MANAGE_FORMS})
    assert "الدليمي" not in _shown(request, source, source.text)
    request.project_capabilities = frozenset({Can.VIEW, Can.MANAGE_FORMS, Can.VIEW_PERSONAL_DATA})
    assert "الدليمي" in _shown(request, source, source.text)


def test_the_sources_list_holds_interviews_and_meeting_minutes(client, world):
    builders.kii_form(world)
    builders.minutes_meeting(world)
    client.force_login(world.users["shams_me_officer"])
    page = client.get(reverse("research:sources", args=[world.project.pk])).content.decode()
    assert "ضعف التنسيق بين الدوائر" in page
    assert "ناقش الحاضرون البطالة" in page


def test_a_source_of_another_project_is_not_found(client, world):
    from jusoor.conftest import make_project

    other = make_project(world.shams, slug="other-project")
    client.force_login(world.users["shams_me_officer"])
    submission = builders.interview(world)
    url = reverse("research:source", args=[other.pk, "answer", submission.pk])
    assert client.get(url + "?field=causes_text").status_code == 404
