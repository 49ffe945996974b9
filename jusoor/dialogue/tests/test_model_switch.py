"""The organisation's own moderation model: trained on confirmed decisions, switched on by hand."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from jusoor.conftest import make_project
from jusoor.core.models import AuditEvent
from jusoor.dialogue import learning, services
from jusoor.dialogue.models import EngineModelStatus, OrganisationModerationModel, Reason
from jusoor.dialogue.tests.builders import add_statement, make_conversation
from jusoor.engines import moderation
from jusoor.engines.moderation.data import has_data, load_osact

pytestmark = pytest.mark.django_db

# The shipped model publishes this insult ("your talk is as empty as your head"); the
# organisation's moderators reject it.
TARGET = "كلامك فارغ مثل راسك"
OFFENSIVE = ["الحكي هذا سخافة من ناس ما تستحي", "انت مو كفو تحچي"]
ACCEPTABLE = ["الرياضة تجمع شباب الأنبار", "فرص العمل تبعد الشباب عن العنف", "التعليم أهم شيء"]


@pytest.fixture(autouse=True)
def _english(client):
    """These tests read English messages (the interface is Arabic by default)."""
    client.cookies["jusoor_language"] = "en"
    with translation.override("en"):
        yield


def small_retrain() -> dict:
    """A small base sample and few folds keep training to a couple of seconds."""
    if not has_data():
        pytest.skip("OSACT 2020 training data not available")
    return {"base": load_osact("train")[:600], "folds": 3, "c_grid": (4.0,)}


def confirm_decisions(world) -> None:
    conversation = make_conversation(world.project, slug="confirmed")
    moderator = world.users["shams_moderator"]
    for text in [TARGET, *OFFENSIVE]:
        services.decide(moderator, add_statement(conversation, text), False, Reason.INSULT)
    for text in ACCEPTABLE:
        services.decide(moderator, add_statement(conversation, text), True, Reason.ACCEPTABLE)


def routed(project, slug: str) -> str:
    return services.route_statement(make_conversation(project, slug=slug), TARGET).action


def test_too_few_confirmed_decisions_are_refused(world):
    with pytest.raises(ValidationError, match="No confirmed"):
        learning.train_candidate(world.users["shams_moderator"], world.shams)
    conversation = make_conversation(world.project)
    statement = add_statement(conversation, TARGET)
    services.decide(world.users["shams_moderator"], statement, False, Reason.INSULT)
    with pytest.raises(ValidationError, match="Too few"):
        learning.train_candidate(world.users["shams_moderator"], world.shams)
    assert not OrganisationModerationModel.objects.exists()


def test_a_candidate_shows_its_metrics_and_switching_it_on_changes_routing(world, client):
    moderator = world.users["shams_moderator"]
    confirm_decisions(world)
    assert moderation.route(TARGET).action == moderation.PUBLISH
    assert routed(world.project, "before") == moderation.PUBLISH

    candidate = learning.train_candidate(moderator, world.shams, **small_retrain())
    assert candidate.status == EngineModelStatus.CANDIDATE
    assert candidate.confirmed_count == 6
    assert candidate.files == f"moderation/shams/{candidate.pk}"
    assert (learning.model_folder(candidate) / "moderation.npz").exists()
    assert candidate.new_metrics["cv"]["offensive"]["folds"] == 3
    assert candidate.previous_metrics["cv"]["offensive"]["folds"] == 5
    # A candidate is not switched on.
    assert routed(world.project, "candidate") == moderation.PUBLISH

    client.force_login(moderator)
    page = client.get(reverse("dialogue:moderation_models", kwargs={"slug": "shams"}))
    assert page.status_code == 200
    body = page.content.decode()
    assert f'id="model-{candidate.pk}"' in body
    assert str(candidate.new_metrics["cv"]["offensive"]["macro_f1"]) in body
    assert str(candidate.new_metrics["cv"]["hate"]["macro_f1"]) in body
    assert str(candidate.previous_metrics["cv"]["offensive"]["macro_f1"]) in body
    assert "Confirmed decisions used" in body

    response = client.post(
        reverse("dialogue:moderation_model_activate", kwargs={"pk": candidate.pk})
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == EngineModelStatus.ACTIVE
    assert routed(world.project, "after") != moderation.PUBLISH
    # Another organisation keeps the shipped model.
    assert routed(make_project(world.other), "other") == moderation.PUBLISH
    assert learning.active_model(world.other.pk) is None

    response = client.post(
        reverse("dialogue:moderation_model_deactivate", kwargs={"slug": "shams"})
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == EngineModelStatus.RETIRED
    assert learning.active_model(world.shams.pk) is None
    assert routed(world.project, "back") == moderation.PUBLISH

    actions = list(
        AuditEvent.objects.filter(action__startswith="dialogue.moderation_model")
        .order_by("id")
        .values_list("action", "actor", "organisation_id")
    )
    assert actions == [
        ("dialogue.moderation_model_trained", moderator.pk, world.shams.pk),
        ("dialogue.moderation_model_activated", moderator.pk, world.shams.pk),
        ("dialogue.moderation_model_deactivated", moderator.pk, world.shams.pk),
    ]


def test_switching_on_retires_the_active_model_and_only_candidates_switch_on(world):
    admin = world.users["shams_moderator"]
    first = OrganisationModerationModel.objects.create(organisation=world.shams, files="x/1")
    second = OrganisationModerationModel.objects.create(organisation=world.shams, files="x/2")
    learning.activate(admin, first)
    learning.activate(admin, second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (EngineModelStatus.RETIRED, EngineModelStatus.ACTIVE)
    with pytest.raises(ValidationError, match="Only a candidate"):
        learning.activate(admin, first)
    # Its files are missing: statements are still routed, with the shipped model.
    assert learning.active_model(world.shams.pk) is None
    assert routed(world.project, "missing-files") == moderation.PUBLISH


def test_another_organisation_cannot_switch_a_candidate_on(world, client):
    candidate = OrganisationModerationModel.objects.create(organisation=world.shams, files="x/1")
    client.force_login(world.users["outsider"])
    url = reverse("dialogue:moderation_model_activate", kwargs={"pk": candidate.pk})
    assert client.post(url).status_code == 404
    client.force_login(world.users["shams_viewer"])
    assert client.post(url).status_code == 403
    candidate.refresh_from_db()
    assert candidate.status == EngineModelStatus.CANDIDATE


def test_the_training_button_explains_a_refusal(world, client):
    client.force_login(world.users["shams_moderator"])
    response = client.post(
        reverse("dialogue:moderation_model_train", kwargs={"slug": "shams"}), follow=True
    )
    assert "No confirmed moderation decisions" in response.content.decode()
