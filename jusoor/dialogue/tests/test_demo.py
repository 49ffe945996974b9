"""The demo dialogue: three planted groups, moderation at work, labelled synthetic, loaded once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jusoor.dialogue.demo import SLUG, load_dialogue_demo
from jusoor.dialogue.models import Conversation, Statement, Status, Vote

pytestmark = pytest.mark.django_db


def test_the_demo_dialogue_shows_three_groups_and_caught_statements_and_loads_once(client, world):
    conversation = load_dialogue_demo(world.project)
    assert conversation.topic_ar.startswith("ما الذي يدفع الشباب نحو التطرف العنيف في الأنبار")
    assert conversation.is_synthetic
    assert Statement.objects.filter(conversation=conversation).count() >= 290
    held = Statement.objects.filter(conversation=conversation, status=Status.HELD)
    assert held.count() >= 5
    assert conversation.map_data["k"] == 3
    votes = Vote.objects.count()
    assert load_dialogue_demo(world.project) == conversation
    assert (Conversation.objects.filter(slug=SLUG).count(), Vote.objects.count()) == (1, votes)
    page = client.get(reverse("dialogue:map", kwargs={"slug": SLUG}))
    assert "Synthetic data" in page.content.decode()
    assert len(page.context["groups"]) == 3
