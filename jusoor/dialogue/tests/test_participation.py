"""Taking part without an account: cookies, codes, votes, the next statement."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from jusoor.dialogue import analysis, services
from jusoor.dialogue.access import cookie_name
from jusoor.dialogue.demo import plant_votes
from jusoor.dialogue.models import Access, InvitationCode, Participant, Vote
from jusoor.dialogue.tests.builders import add_statement, join_as, make_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(world):
    conversation = make_conversation(world.project)
    for text in ["فرص العمل تبعد الشباب عن العنف", "المدارس تحتاج الى دعم", "الرياضة تجمع الشباب"]:
        add_statement(conversation, text)
    return conversation


def vote(client, conversation, statement, value):
    url = reverse("dialogue:vote", kwargs={"slug": conversation.slug})
    return client.post(url, {"statement": statement.pk, "value": value})


def test_anyone_with_the_link_votes_without_an_account(client, conversation):
    statement = conversation.statements.first()
    response = vote(client, conversation, statement, 1)
    assert response.status_code == 302
    assert cookie_name(conversation) in response.cookies
    participant = Participant.objects.get(conversation=conversation)
    assert Vote.objects.get(participant=participant).value == 1


def test_the_cookie_is_signed_and_a_forged_one_is_a_new_participant(client, conversation):
    client.cookies[cookie_name(conversation)] = "forged-token"
    vote(client, conversation, conversation.statements.first(), 1)
    assert Participant.objects.count() == 1
    assert Participant.objects.get().token != "forged-token"


def test_changing_a_vote_replaces_it(client, conversation):
    statement = conversation.statements.first()
    participant = join_as(client, conversation)
    vote(client, conversation, statement, 1)
    vote(client, conversation, statement, -1)
    assert list(participant.votes.values_list("value", flat=True)) == [-1]


def test_a_vote_flood_is_refused_with_a_message(client, conversation, monkeypatch):
    monkeypatch.setattr(services, "VOTE_LIMIT", 3)
    statement = conversation.statements.first()
    participant = join_as(client, conversation)
    for value in [1, -1, 0]:
        vote(client, conversation, statement, value)
    with translation.override("en"):
        response = vote(client, conversation, statement, 1)
        page = client.get(response["Location"])
    assert "faster than anyone can read" in page.content.decode()
    assert participant.votes.get().value == 0


def test_the_next_statement_is_one_not_yet_voted_on(client, conversation):
    join_as(client, conversation)
    seen = set()
    for _ in range(3):
        page = client.get(reverse("dialogue:conversation", kwargs={"slug": conversation.slug}))
        statement = page.context["next_statement"]
        assert statement.pk not in seen
        seen.add(statement.pk)
        vote(client, conversation, statement, 0)
    with translation.override("en"):
        page = client.get(reverse("dialogue:conversation", kwargs={"slug": conversation.slug}))
    assert page.context["next_statement"] is None
    assert "You have voted on every statement" in page.content.decode()


def test_a_closed_conversation_refuses_votes(client, conversation):
    conversation.is_open = False
    conversation.save()
    join_as(client, conversation)
    vote(client, conversation, conversation.statements.first(), 1)
    assert not Vote.objects.exists()


def test_a_code_conversation_asks_for_the_code_and_refuses_votes_without_it(client, world):
    conversation = make_conversation(world.project, access=Access.CODE)
    statement = add_statement(conversation, "فرص العمل تبعد الشباب عن العنف")
    with translation.override("en"):
        page = client.get(reverse("dialogue:conversation", kwargs={"slug": conversation.slug}))
    assert "Enter your invitation code" in page.content.decode()
    vote(client, conversation, statement, 1)
    assert not Vote.objects.exists()


def test_a_single_use_code_admits_one_person_only(client, world):
    conversation = make_conversation(world.project, access=Access.CODE)
    [code] = services.create_codes(world.users["shams_facilitator"], conversation, 1, 1, "Ramadi")
    url = reverse("dialogue:join", kwargs={"slug": conversation.slug})
    first = client.post(url, {"code": code.lower()})
    assert cookie_name(conversation) in first.cookies
    other = client.__class__()
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        second = other.post(url, {"code": code}, follow=True)
    assert "already been used" in second.content.decode()
    assert Participant.objects.filter(conversation=conversation).count() == 1


def test_a_multi_use_code_admits_as_many_as_allowed(world):
    conversation = make_conversation(world.project, access=Access.CODE)
    [code] = services.create_codes(world.users["shams_facilitator"], conversation, 1, 3, "Hall")
    for _ in range(3):
        services.redeem_code(conversation, code)
    with pytest.raises(ValidationError, match="already been used"), translation.override("en"):
        services.redeem_code(conversation, code)


def test_codes_are_stored_only_as_keyed_hashes(world):
    conversation = make_conversation(world.project, access=Access.CODE)
    codes = services.create_codes(world.users["shams_facilitator"], conversation, 5, 1, "")
    stored = list(InvitationCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 5
    assert not any(code in h or code.lower() in h for code in codes for h in stored)


def test_new_codes_are_shown_once_to_the_facilitator(client, world):
    conversation = make_conversation(world.project, access=Access.CODE)
    client.force_login(world.users["shams_facilitator"])
    url = reverse("dialogue:codes", kwargs={"pk": conversation.pk})
    response = client.post(url, {"count": 3, "max_uses": 1, "label": "Ramadi"})
    assert len(response.context["new_codes"]) == 3
    again = client.get(url)
    assert response.context["new_codes"][0] not in again.content.decode()


def test_self_reported_profile_is_optional_and_saved(client, world, conversation):
    participant = join_as(client, conversation)
    url = reverse("dialogue:mine", kwargs={"slug": conversation.slug})
    response = client.post(url, {"sex": "f", "age_band": "18-24", "area": world.area.unit_id})
    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.sex, participant.age_band, participant.area_id) == (
        "f",
        "18-24",
        world.area.unit_id,
    )


def test_an_unknown_conversation_is_404(client, db):
    assert client.get(reverse("dialogue:conversation", kwargs={"slug": "nope"})).status_code == 404


def test_new_statements_get_the_engines_priority_for_unseen_statements(world):
    conversation = make_conversation(world.project)
    for n in range(20):
        add_statement(conversation, f"العبارة رقم {n} عن شباب الأنبار")
    plant_votes(conversation, n_participants=40, seed=1, density=0.9)
    analysis.compute_map(conversation)
    newest = add_statement(conversation, "عبارة جديدة لم يرها أحد بعد")
    participant = services.new_participant(conversation)
    shown = [analysis.choose_next(conversation, participant).pk for _ in range(200)]
    # Seen statements have low priority; the unseen one is drawn far more often than 1 in 21.
    assert shown.count(newest.pk) > 200 / 21 * 2


def test_the_voting_page_refreshes_a_stale_map_at_most_every_two_minutes(client, world):
    conversation = make_conversation(world.project)
    add_statement(conversation, "فرص العمل تبعد الشباب عن العنف")
    url = reverse("dialogue:conversation", kwargs={"slug": conversation.slug})
    client.get(url)
    conversation.refresh_from_db()
    first = conversation.map_computed_at
    assert first is not None
    add_statement(conversation, "المدارس تحتاج الى دعم")
    client.get(url)
    conversation.refresh_from_db()
    assert conversation.map_computed_at == first
    type(conversation).objects.filter(pk=conversation.pk).update(
        map_computed_at=first - timedelta(minutes=3), votes_changed_at=timezone.now()
    )
    client.get(url)
    conversation.refresh_from_db()
    assert conversation.map_computed_at > first


def test_the_voting_page_needs_few_queries_whatever_the_number_of_statements(
    client, conversation, django_assert_max_num_queries
):
    for n in range(30):
        add_statement(conversation, f"عبارة إضافية رقم {n} عن شباب الأنبار")
    join_as(client, conversation)
    url = reverse("dialogue:conversation", kwargs={"slug": conversation.slug})
    client.get(url)  # the first visit computes the map
    with django_assert_max_num_queries(10):
        client.get(url)


def test_joining_twice_does_not_use_up_another_code(client, world):
    conversation = make_conversation(world.project, access=Access.CODE)
    [code] = services.create_codes(world.users["shams_facilitator"], conversation, 1, 2, "")
    url = reverse("dialogue:join", kwargs={"slug": conversation.slug})
    client.post(url, {"code": code})
    client.post(url, {"code": code})
    assert InvitationCode.objects.get().uses == 1
