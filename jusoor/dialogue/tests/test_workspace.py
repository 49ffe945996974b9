"""Running a conversation from the workspace: create, edit, offline sessions, paper votes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jusoor.core.models import AuditEvent
from jusoor.dialogue import analysis
from jusoor.dialogue.models import Conversation, OfflineTally, Source, Statement, Status
from jusoor.dialogue.tests.builders import add_statement, make_conversation

pytestmark = pytest.mark.django_db


def test_a_facilitator_creates_a_conversation_with_moderated_seed_statements(client, world):
    client.force_login(world.users["shams_facilitator"])
    url = reverse("dialogue:create", kwargs={"pk": world.project.pk})
    response = client.post(
        url,
        {
            "slug": "ramadi-youth",
            "topic_ar": "ما الذي يبعد الشباب عن العنف؟",
            "topic_en": "What keeps young people away from violence?",
            "is_open": "on",
            "access": "link",
            "mode": "publish",
            "engine_policy": "standard",
            "report_threshold": 3,
            "seeds": "فرص العمل تبعد الشباب عن العنف\nانت حمار وما تفهم شي\n\n",
        },
    )
    conversation = Conversation.objects.get(slug="ramadi-youth")
    assert response["Location"] == reverse("dialogue:detail", kwargs={"pk": conversation.pk})
    statuses = list(conversation.statements.values_list("source", "status"))
    assert statuses == [(Source.SEED, Status.PUBLISHED), (Source.SEED, Status.HELD)]
    event = AuditEvent.objects.get(action="dialogue.conversation_created")
    assert event.actor == world.users["shams_facilitator"]
    assert event.data["seeds_added"] == 2


def test_the_detail_page_gives_the_link_to_share(client, world):
    conversation = make_conversation(world.project)
    client.force_login(world.users["shams_viewer"])
    page = client.get(reverse("dialogue:detail", kwargs={"pk": conversation.pk}))
    assert f"/d/{conversation.slug}/" in page.content.decode()
    assert "Moderation queue" not in page.content.decode()


def test_the_project_list_shows_its_conversations(client, world, django_assert_max_num_queries):
    for n in range(3):
        make_conversation(world.project, slug=f"c{n}")
    client.force_login(world.users["shams_viewer"])
    with django_assert_max_num_queries(12):
        page = client.get(
            reverse("dialogue:project_conversations", kwargs={"pk": world.project.pk})
        )
    assert len(page.context["conversations"]) == 3


def test_offline_statements_are_entered_and_problems_named_by_line(client, world):
    conversation = make_conversation(world.project)
    add_statement(conversation, "فرص العمل تبعد الشباب عن العنف")
    client.force_login(world.users["shams_facilitator"])
    url = reverse("dialogue:offline", kwargs={"pk": conversation.pk})
    response = client.post(
        url,
        {
            "session": "Panel 1, Ramadi",
            "statements": "المدارس تحتاج الى دعم\nفرص العمل تُبعد الشباب عن العنف\nنعم",
        },
    )
    body = response.content.decode()
    assert "Line 2:" in body and "already in the conversation" in body
    assert "Line 3:" in body and "too short" in body
    offline = Statement.objects.get(source=Source.OFFLINE)
    assert (offline.offline_session, offline.entered_by) == (
        "Panel 1, Ramadi",
        world.users["shams_facilitator"],
    )


def test_paper_votes_add_to_a_statements_totals(client, world):
    conversation = make_conversation(world.project)
    statement = add_statement(conversation, "فرص العمل تبعد الشباب عن العنف")
    client.force_login(world.users["shams_facilitator"])
    url = reverse("dialogue:tally", kwargs={"pk": statement.pk})
    data = {"statement": statement.pk, "session": "Panel 1", "agree": 40, "disagree": 7}
    client.post(url, {**data, "passed": 3})
    client.post(url, {**data, "passed": -1})  # refused
    assert OfflineTally.objects.count() == 1
    counts = analysis.statement_counts(conversation)[statement.pk]
    assert (counts["paper_agree"], counts["paper_disagree"], counts["paper_passed"]) == (40, 7, 3)
    page = client.get(reverse("dialogue:offline", kwargs={"pk": conversation.pk}))
    assert "0 + 40" in page.content.decode()


def test_another_organisations_conversation_is_404_for_its_moderator(client, world):
    conversation = make_conversation(world.project)
    client.force_login(world.users["outsider"])
    assert client.get(reverse("dialogue:queue", kwargs={"pk": conversation.pk})).status_code == 404


def test_a_viewer_cannot_moderate(client, world):
    conversation = make_conversation(world.project)
    statement = add_statement(conversation, "فرص العمل تبعد الشباب عن العنف")
    client.force_login(world.users["shams_viewer"])
    url = reverse("dialogue:decide", kwargs={"pk": statement.pk})
    response = client.post(url, {"decision": "reject", "reason": "other"})
    assert response.status_code == 403
    assert Statement.objects.get(pk=statement.pk).status == Status.PUBLISHED
