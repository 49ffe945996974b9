"""Small builders for dialogue tests, and the objects the URL × role table needs."""

from __future__ import annotations

from typing import Any

from django.core.signing import get_cookie_signer
from django.test import Client

from jusoor.dialogue import services
from jusoor.dialogue.access import COOKIE_SALT, cookie_name
from jusoor.dialogue.models import (
    Conversation,
    Mode,
    OrganisationModerationModel,
    Participant,
    Source,
    Statement,
)
from jusoor.programmes.models import Project


def make_conversation(project: Project, **overrides: Any) -> Conversation:
    fields = {
        "slug": "youth-dialogue",
        "topic_ar": "ما الذي يبعد الشباب عن التطرف؟",
        "topic_en": "What keeps young people away from extremism?",
        "mode": Mode.PUBLISH,
    }
    fields.update(overrides)
    return Conversation.objects.create(project=project, **fields)


def add_statement(conversation: Conversation, text: str, **kwargs: Any) -> Statement:
    kwargs.setdefault("source", Source.SEED)
    return services.submit_statement(conversation, text, **kwargs)


def join_as(
    client: Client, conversation: Conversation, participant: Participant | None = None
) -> Participant:
    """Give the test client a participant's signed cookie, as the site would."""
    participant = participant or services.new_participant(conversation)
    name = cookie_name(conversation)
    client.cookies[name] = get_cookie_signer(salt=name + COOKIE_SALT).sign(participant.token)
    return participant


def dialogue_world(world: Any) -> dict[str, Any]:
    """A conversation in the world's project with a statement, a rejected one under appeal."""
    if "dialogue" in world.extras:
        return world.extras["dialogue"]
    conversation = make_conversation(world.project)
    statement = add_statement(conversation, "فرص العمل تبعد الشباب عن العنف")
    author = services.new_participant(conversation)
    rejected = services.submit_statement(
        conversation, "الرياضة تجمع الشباب من كل المناطق", author=author
    )
    services.decide(world.users["shams_moderator"], rejected, False, "off_topic")
    appeal = services.appeal(author, rejected, "")
    world.extras["dialogue"] = {
        "conversation": conversation,
        "statement": statement,
        "rejected": rejected,
        "appeal": appeal,
    }
    return world.extras["dialogue"]


def model_candidate(world: Any) -> OrganisationModerationModel:
    """A candidate moderation model of the world's organisation (no files: routing falls back)."""
    return OrganisationModerationModel.objects.create(
        organisation=world.shams, files=f"moderation/{world.shams.slug}/missing"
    )
