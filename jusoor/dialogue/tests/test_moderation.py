"""The moderation queue, decisions, appeals to a second moderator, reports and public counts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from jusoor.dialogue import services
from jusoor.dialogue.models import (
    Appeal,
    DecisionKind,
    ModerationDecision,
    Reason,
    Statement,
    Status,
)
from jusoor.dialogue.tests.builders import add_statement, join_as, make_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(world):
    return make_conversation(world.project)


@pytest.fixture
def held(conversation):
    author = services.new_participant(conversation)
    return services.submit_statement(conversation, "انت حمار وما تفهم شي", author=author)


def test_the_queue_shows_held_statements_with_the_engine_reasons(client, world, held):
    client.force_login(world.users["shams_moderator"])
    response = client.get(reverse("dialogue:queue", kwargs={"pk": held.conversation_id}))
    assert list(response.context["waiting"]) == [held]
    assert "Offensive language" in response.content.decode()


def test_a_moderator_publishes_a_held_statement_and_the_decision_is_recorded(client, world, held):
    moderator = world.users["shams_moderator"]
    client.force_login(moderator)
    url = reverse("dialogue:decide", kwargs={"pk": held.pk})
    client.post(
        url, {"decision": "accept", "reason": "acceptable", "note": "a joke between friends"}
    )
    held.refresh_from_db()
    assert held.status == Status.PUBLISHED
    decision = held.decisions.last()
    assert (decision.kind, decision.moderator, decision.note) == (
        DecisionKind.ACCEPT,
        moderator,
        "a joke between friends",
    )


def test_rejection_tells_the_author_why_in_their_language(client, world, held):
    services.decide(world.users["shams_moderator"], held, False, Reason.INSULT)
    join_as(client, held.conversation, held.author)
    url = reverse("dialogue:mine", kwargs={"slug": held.conversation.slug})
    with translation.override("en"):
        page = client.get(url).content.decode()
    assert "Not published." in page
    assert "It contains an insult." in page
    assert "Appeal (once)" in page


def test_decisions_are_append_only(world, held):
    decision = services.decide(world.users["shams_moderator"], held, False, Reason.INSULT)
    with pytest.raises(PermissionError):
        decision.save()
    with pytest.raises(PermissionError):
        decision.delete()
    with pytest.raises(PermissionError):
        ModerationDecision.objects.filter(pk=decision.pk).update(note="changed")
    with pytest.raises(PermissionError):
        ModerationDecision.objects.all().delete()


def test_an_appeal_is_heard_once_by_a_second_moderator(client, world, held):
    first, second = world.users["shams_moderator"], world.users["shams_admin"]
    services.decide(first, held, False, Reason.INSULT)
    join_as(client, held.conversation, held.author)
    url = reverse("dialogue:appeal", kwargs={"slug": held.conversation.slug, "pk": held.pk})
    client.post(url, {"text": "كنت أمزح مع صديقي"})
    with translation.override("en"):
        again = client.post(url, {"text": "مرة ثانية"}, follow=True)
    assert "an appeal is heard once" in again.content.decode()
    appeal = Appeal.objects.get(statement=held)
    # The first moderator does not see it in the queue and cannot decide it.
    client.force_login(first)
    queue = client.get(reverse("dialogue:queue", kwargs={"pk": held.conversation_id}))
    assert list(queue.context["appeals"]) == []
    with translation.override("en"), pytest.raises(ValidationError, match="second moderator"):
        services.decide_appeal(first, appeal, True, Reason.ACCEPTABLE)
    client.force_login(second)
    decide = reverse("dialogue:decide_appeal", kwargs={"pk": appeal.pk})
    client.post(decide, {"decision": "accept", "reason": "acceptable"})
    held.refresh_from_db()
    assert held.status == Status.PUBLISHED
    assert held.decisions.last().kind == DecisionKind.APPEAL_ACCEPT
    assert held.decisions.last().moderator == second


def test_only_the_author_can_appeal(client, world, held):
    services.decide(world.users["shams_moderator"], held, False, Reason.INSULT)
    join_as(client, held.conversation)  # somebody else
    url = reverse("dialogue:appeal", kwargs={"slug": held.conversation.slug, "pk": held.pk})
    assert client.post(url, {"text": ""}).status_code == 404


def test_enough_reports_hide_a_statement_until_a_moderator_looks(world, conversation):
    conversation.report_threshold = 2
    conversation.save()
    statement = add_statement(conversation, "التعليم الجيد يبعد الشباب عن العنف")
    first, second = (services.new_participant(conversation) for _ in range(2))
    services.report_statement(first, statement, "offensive")
    with translation.override("en"), pytest.raises(ValidationError, match="already reported"):
        services.report_statement(first, statement, "offensive")
    assert Statement.objects.get(pk=statement.pk).status == Status.PUBLISHED
    services.report_statement(second, statement, "spam")
    statement.refresh_from_db()
    assert statement.status == Status.HIDDEN
    assert statement.decisions.last().kind == DecisionKind.AUTO_HIDE
    # A moderator restores it; later reports no longer hide it.
    services.decide(world.users["shams_moderator"], statement, True, Reason.ACCEPTABLE)
    services.report_statement(services.new_participant(conversation), statement, "spam")
    statement.refresh_from_db()
    assert statement.status == Status.PUBLISHED


def test_reporting_through_the_page(client, conversation):
    statement = add_statement(conversation, "التعليم الجيد يبعد الشباب عن العنف")
    join_as(client, conversation)
    url = reverse("dialogue:report", kwargs={"slug": conversation.slug, "pk": statement.pk})
    assert client.post(url, {"reason": "hate"}).status_code == 302
    assert Statement.objects.get(pk=statement.pk).report_count == 1


def test_public_statistics_count_what_was_moderated_and_why_without_text(client, world, held):
    services.submit_statement(held.conversation, "اتصلوا على 07701234567 للتفاصيل")
    services.decide(world.users["shams_moderator"], held, False, Reason.INSULT)
    with translation.override("en"):
        page = client.get(
            reverse("dialogue:moderation_stats", kwargs={"slug": held.conversation.slug})
        )
    body = page.content.decode()
    rows = {(r["kind"], r["reason"]): r["n"] for r in page.context["rows"]}
    assert rows[("Rejected by a moderator", "Insult")] == 1
    assert rows[("Automatic moderation", "Contains a phone number")] == 1
    assert "حمار" not in body
    assert "07701234567" not in body
