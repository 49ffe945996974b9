"""Writing statements: bad input refused with a clear message, duplicates, moderation routing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from jusoor.core.models import AuditEvent
from jusoor.dialogue.models import (
    MAX_STATEMENT_CHARS,
    DecisionKind,
    Mode,
    ModerationDecision,
    Statement,
    Status,
)
from jusoor.dialogue.tests.builders import add_statement, join_as, make_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(world):
    return make_conversation(world.project)


def submit(client, conversation, text, language="en"):
    url = reverse("dialogue:submit", kwargs={"slug": conversation.slug})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(language):
        return client.post(url, {"text": text}, follow=True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write a statement before sending it."),
        ("   \n  ", "Write a statement before sending it."),
        ("\u200b\u200c\u200d\u2060\ufeff\u3164", "only invisible characters"),
        ("ـــــ", "only invisible characters"),
        ("ا" * (MAX_STATEMENT_CHARS + 1), f"the limit is {MAX_STATEMENT_CHARS}"),
        ("ا" * 1_000_000, "far too long"),
        ("نعم", "too short"),
    ],
    ids=["empty", "spaces", "invisible", "tatweel", "too-long", "enormous", "too-short"],
)
def test_bad_statements_are_refused_with_a_clear_message(client, conversation, text, message):
    response = submit(client, conversation, text)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Statement.objects.exists()


def test_a_statement_is_published_and_its_author_agrees_with_it(client, conversation):
    participant = join_as(client, conversation)
    response = submit(client, conversation, "التعليم الجيد يبعد الشباب عن العنف")
    statement = Statement.objects.get()
    assert statement.status == Status.PUBLISHED
    assert statement.author == participant
    assert participant.votes.get().value == 1
    assert "Published." in response.content.decode()


def test_the_same_statement_in_another_spelling_is_refused_pointing_to_the_first(
    client, conversation
):
    first = add_statement(conversation, "التعليم الجيد يبعد الشباب عن العنف في الأنبار")
    response = submit(client, conversation, "التعليمُ الجيّد يُبعد الشباب عن العنف في الانبار!!")
    assert response.context["duplicate"] == first
    assert f"already in the conversation (number {first.pk})" in response.content.decode()
    assert Statement.objects.count() == 1


def test_mixed_arabic_english_and_arabizi_statements_are_accepted(client, conversation):
    submit(client, conversation, "el shabab ye7tajoon shughul, jobs first قبل كل شي")
    assert Statement.objects.get().status == Status.PUBLISHED


def test_a_phone_number_is_held_and_the_author_is_told_why(client, conversation):
    join_as(client, conversation)
    submit(client, conversation, "للتواصل اتصلوا على ٠٧٧٠١٢٣٤٥٦٧ اليوم")
    statement = Statement.objects.get()
    assert statement.status == Status.HELD
    with translation.override("en"):
        page = client.get(reverse("dialogue:mine", kwargs={"slug": conversation.slug}))
    assert "Phone numbers are never published" in page.content.decode()


def test_a_link_is_held(client, conversation):
    submit(client, conversation, "اقرأ الحقيقة كاملة هنا https://example.com/x")
    assert Statement.objects.get().status == Status.HELD


def test_an_insult_is_held_and_the_engine_decision_is_recorded(client, conversation):
    submit(client, conversation, "انت حمار وما تفهم شي")
    statement = Statement.objects.get()
    assert statement.status == Status.HELD
    decision = ModerationDecision.objects.get(statement=statement)
    assert decision.kind == DecisionKind.ENGINE
    assert decision.moderator is None
    assert decision.data["action"] == "hold"


def test_the_author_is_told_why_in_arabic_too(client, conversation):
    join_as(client, conversation)
    submit(client, conversation, "انت حمار وما تفهم شي", language="ar")
    with translation.override("ar"):
        page = client.get(reverse("dialogue:mine", kwargs={"slug": conversation.slug}))
    assert 'lang="ar"' in page.content.decode()
    assert page.context["statements"][0]["explanations"]


def test_hold_mode_holds_every_statement(world, client):
    conversation = make_conversation(world.project, mode=Mode.HOLD)
    submit(client, conversation, "التعليم الجيد يبعد الشباب عن العنف")
    statement = Statement.objects.get()
    assert statement.status == Status.HELD
    assert statement.engine_reasons[-1]["reason"] == "policy"


def test_queue_mode_publishes_and_queues_for_review(world, client):
    conversation = make_conversation(world.project, mode=Mode.QUEUE)
    submit(client, conversation, "التعليم الجيد يبعد الشباب عن العنف")
    statement = Statement.objects.get()
    assert (statement.status, statement.needs_review) == (Status.PUBLISHED, True)


def test_a_submitted_statement_is_audited_without_identifying_the_participant(client, conversation):
    submit(client, conversation, "التعليم الجيد يبعد الشباب عن العنف")
    event = AuditEvent.objects.get(action="dialogue.statement_submitted")
    assert event.actor is None
    assert event.ip_address is None


def test_a_statement_too_big_for_the_server_gets_a_message_not_an_error_page(client, conversation):
    url = reverse("dialogue:submit", kwargs={"slug": conversation.slug})
    body = "text=" + "%D8%A7" * 1_000_000  # 6 MB url-encoded, as a browser sends it
    with translation.override("en"):
        response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "far too long" in response.content.decode()


def test_resending_a_statement_that_waits_for_a_moderator_says_so(client, conversation):
    submit(client, conversation, "اتصلوا على 07701234567 للتفاصيل")
    response = submit(client, conversation, "اتصلوا على 07701234567 للتفاصيل")
    assert "waiting for a moderator" in response.content.decode()
    assert response.context["duplicate"] is None
    assert Statement.objects.count() == 1
