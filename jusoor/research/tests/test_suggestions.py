from django.urls import reverse

from jusoor.core.models import AuditEvent
from jusoor.research.models import Coding, Suggestion
from jusoor.research.qualitative import frequencies
from jusoor.research.tests import builders


def test_suggestions_are_marked_and_count_nothing_until_accepted(client, world):
    world_ = builders.coded_world(world)
    client.force_login(world.users["shams_me_officer"])
    client.post(reverse("research:suggestions_generate", args=[world.project.pk]))
    suggestion = Suggestion.objects.get(segment=world_["uncoded"], code__key="jobs")
    assert suggestion.status == "pending" and "فرص" in suggestion.shared_terms
    assert not Coding.objects.filter(segment=world_["uncoded"]).exists()
    client.cookies["jusoor_language"] = "en"
    page = client.get(reverse("research:suggestions", args=[world.project.pk])).content.decode()
    assert "suggestion</span> Jobs<" in page
    before = sum(r[2] for r in frequencies(world.project, "area").rows)

    client.post(reverse("research:suggestion_decide", args=[suggestion.pk]), {"decision": "accept"})
    coding = Coding.objects.get(segment=world_["uncoded"], code__key="jobs")
    assert coding.from_suggestion and coding.by == world.users["shams_me_officer"]
    assert sum(r[2] for r in frequencies(world.project, "area").rows) == before + 1
    event = AuditEvent.objects.get(action="research.suggestion.accept")
    assert event.actor == world.users["shams_me_officer"] and event.data["code"] == "jobs"


def test_a_rejected_suggestion_is_audited_and_not_made_again(client, world):
    builders.coded_world(world)
    client.force_login(world.users["shams_me_officer"])
    url = reverse("research:suggestions_generate", args=[world.project.pk])
    client.post(url)
    suggestion = Suggestion.objects.filter(status="pending").first()
    client.post(reverse("research:suggestion_decide", args=[suggestion.pk]), {"decision": "reject"})
    assert AuditEvent.objects.filter(action="research.suggestion.reject").count() == 1
    client.post(url)
    again = Suggestion.objects.filter(segment=suggestion.segment, code=suggestion.code)
    assert [s.status for s in again] == ["rejected"]
    assert not Coding.objects.filter(segment=suggestion.segment, code=suggestion.code).exists()
