"""The opinion map: groups from planted votes, SVG in both directions, the facilitator view."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from jusoor.dialogue import analysis, services
from jusoor.dialogue.demo import plant_votes
from jusoor.dialogue.models import Conversation, Reason
from jusoor.dialogue.summary import plain_summary
from jusoor.dialogue.svg import MARGIN, WIDTH
from jusoor.dialogue.tests.builders import add_statement, make_conversation

pytestmark = pytest.mark.django_db

TOPICS = ["العمل", "التعليم", "الرياضة", "العشائر", "المسجد", "الإعلام", "الأسرة", "الخدمات"]
PLACES = ["الرمادي", "الفلوجة", "هيت", "حديثة", "القائم"]


@pytest.fixture
def planted(world):
    conversation = make_conversation(world.project)
    for topic in TOPICS:
        for place in PLACES:
            add_statement(conversation, f"{topic} أهم شيء لشباب {place}")
    truth = plant_votes(conversation, n_participants=150, seed=7, density=0.5)
    return conversation, truth


def map_page(client, conversation, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(language):
        return client.get(reverse("dialogue:map", kwargs={"slug": conversation.slug}))


def test_planted_opinions_come_out_as_three_groups_on_the_public_map(client, planted):
    conversation, _truth = planted
    response = map_page(client, conversation, "en")
    assert response.status_code == 200
    assert response.context["data"]["k"] == 3
    body = response.content.decode()
    assert "<svg" in body and "Group 1" in body and "Group 3" in body
    assert "150 people have taken part" in body
    assert len(response.context["groups"]) == 3
    assert all(g["statements"] for g in response.context["groups"])


def test_the_engine_state_is_stored_and_the_map_recomputed_only_when_votes_changed(client, planted):
    conversation, _truth = planted
    map_page(client, conversation, "en")
    conversation.refresh_from_db()
    assert conversation.opinion_state["smoothed_k"] == 3
    first = conversation.map_computed_at
    map_page(client, conversation, "en")
    conversation.refresh_from_db()
    assert conversation.map_computed_at == first
    participant = conversation.participants.first()
    unvoted = conversation.statements.exclude(votes__participant=participant).first()
    services.record_vote(participant, unvoted, 1)
    map_page(client, conversation, "en")
    conversation.refresh_from_db()
    assert conversation.map_computed_at > first


def _axis_label(body: str) -> tuple[str, str]:
    match = re.search(r'<text class="axis-label" x="([\d.]+)"[^>]*direction="(\w+)"', body)
    assert match
    return match.group(1), match.group(2)


def test_the_map_reads_right_to_left_in_arabic_and_left_to_right_in_english(client, planted):
    conversation, _truth = planted
    arabic = map_page(client, conversation, "ar").content.decode()
    english = map_page(client, conversation, "en").content.decode()
    assert _axis_label(arabic) == (str(WIDTH - MARGIN), "rtl")
    assert _axis_label(english) == (str(MARGIN), "ltr")
    # The x axis is mirrored: the same participant sits on the other side.
    first_ar = re.search(r'<circle cx="([\d.]+)"', arabic).group(1)
    first_en = re.search(r'<circle cx="([\d.]+)"', english).group(1)
    assert float(first_ar) + float(first_en) == pytest.approx(WIDTH, abs=0.2)


def test_an_empty_conversation_shows_a_message_instead_of_a_map(client, world):
    conversation = make_conversation(world.project)
    response = map_page(client, conversation, "en")
    assert "Nobody has voted yet" in response.content.decode()
    assert "<svg" not in response.content.decode()


def test_a_rejected_statement_never_appears_on_the_map(client, world, planted):
    conversation, _truth = planted
    data = analysis.compute_map(conversation)
    picked = data["groups"][0]["representative"][0]["statement"]
    statement = conversation.statements.get(pk=picked)
    services.decide(world.users["shams_moderator"], statement, False, Reason.OFF_TOPIC)
    conversation = Conversation.objects.get(pk=conversation.pk)
    response = map_page(client, conversation, "en")
    assert statement.text not in response.content.decode()


def test_the_facilitator_sees_other_numbers_of_groups_stability_and_who_is_in_them(
    client, world, planted
):
    conversation, _truth = planted
    client.force_login(world.users["shams_facilitator"])
    url = reverse("dialogue:facilitator", kwargs={"pk": conversation.pk})
    with translation.override("en"):
        response = client.get(url, {"k": 5})
    view = response.context["view"]
    assert view.k == 5
    assert len(response.context["groups"]) == 5
    assert view.stability is not None
    body = response.content.decode()
    assert "Group stability" in body
    assert "Female" in body
    # Every non-empty cell shown has at least five people.
    for _name, _size, attributes in response.context["breakdown"]:
        for _title, cells in attributes:
            assert all(count is None or count == 0 or count >= 5 for _label, count in cells)


def test_groups_stay_stable_on_planted_data(world, planted):
    conversation, _truth = planted
    view = analysis.facilitator_view(conversation)
    assert view.stability.mean_ari > 0.8


def test_a_k_outside_two_to_eight_is_refused(client, world, planted):
    conversation, _truth = planted
    client.force_login(world.users["shams_viewer"])
    url = reverse("dialogue:facilitator", kwargs={"pk": conversation.pk})
    with translation.override("en"):
        response = client.get(url, {"k": 12}, follow=True)
    assert "Choose between 2 and 8 groups." in response.content.decode()


def test_the_summary_escapes_statements_and_isolates_their_direction():
    data = {
        "status": "ok",
        "n_participants": 20,
        "n_votes": 100,
        "groups": [],
        "consensus": {"agree": [{"statement": 1, "percent": 90}], "disagree": []},
    }
    with translation.override("en"):
        html = plain_summary(data, {1: "<script>x</script> العمل"})
        text = plain_summary(data, {1: "<script>x</script> العمل"}, html=False)
    assert "<bdi>&lt;script&gt;x&lt;/script&gt; العمل</bdi>" in html[-1]
    assert "\u2068<script>x</script> العمل\u2069" in text[-1]
