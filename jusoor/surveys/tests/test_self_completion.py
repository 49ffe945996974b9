"""Self-completion: a public link through which respondents fill a form without an account."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jusoor.core.erasure import Subject, registered_erasers
from jusoor.core.models import AuditEvent
from jusoor.surveys import self_completion
from jusoor.surveys.models import (
    Channel,
    SelfCompletionDraft,
    SelfCompletionLink,
    Submission,
)
from jusoor.surveys.tests.factories import make_form
from jusoor.surveys.tests.test_exports import download
from jusoor.surveys.tests.test_web_entry import CHOICES, SURVEY

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counts live in the cache, which outlives a test's database."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def survey(world):
    return make_form(world.project, survey=SURVEY, choices=CHOICES, form_id="self")


@pytest.fixture
def token(survey):
    return self_completion.open_link(None, survey).token


def fill_url(token: str) -> str:
    return reverse("surveys:self_fill", kwargs={"token": token})


def post(client, token, action="submit", instance="", **answers):
    data = {f"q__{k}": v for k, v in answers.items()}
    if instance:
        data["instance"] = instance
    return client.post(fill_url(token), {**data, "action": action})


def signed_in(world, name: str) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


# --- managing the link -----------------------------------------------------------------------


def test_a_manager_opens_the_link_and_copies_it_from_the_form_page(world, survey):
    manager = signed_in(world, "shams_me_officer")
    form_page = reverse("surveys:form", kwargs={"pk": survey.pk})
    assert "فتح الاستمارة للتعبئة الذاتية" in manager.get(form_page).content.decode()
    response = manager.post(
        reverse("surveys:self_completion", kwargs={"pk": survey.pk}), {"action": "open"}
    )
    assert response.status_code == 302
    link = SelfCompletionLink.objects.get(form=survey)
    assert link.is_open
    # Only a keyed hash and the sealed token are in the database, never the token in clear.
    assert link.token not in link.token_hash
    page = manager.get(form_page).content.decode()
    assert f'value="http://testserver/f/{link.token}/"' in page
    assert "نسخ الرابط" in page or "Copy the link" in page
    assert AuditEvent.objects.filter(
        action="survey.self_completion.open", actor=world.users["shams_me_officer"]
    ).exists()


@pytest.mark.parametrize(
    ("user_name", "status"),
    [
        ("shams_programme_manager", 302),
        ("shams_me_officer", 302),
        ("shams_enumerator", 403),
        ("shams_viewer", 403),
        ("partner_viewer", 403),
        ("outsider", 404),
    ],
)
def test_only_those_who_manage_forms_may_open_or_close_the_link(world, survey, user_name, status):
    client = signed_in(world, user_name)
    url = reverse("surveys:self_completion", kwargs={"pk": survey.pk})
    assert client.post(url, {"action": "open"}).status_code == status
    assert SelfCompletionLink.objects.filter(form=survey).exists() == (status == 302)
    if status == 302:
        assert client.post(url, {"action": "close"}).status_code == 302
        assert not SelfCompletionLink.objects.get(form=survey).is_open


def test_the_link_control_is_not_on_the_form_page_of_an_enumerator(world, survey, token):
    page = signed_in(world, "shams_enumerator").get(
        reverse("surveys:form", kwargs={"pk": survey.pk})
    )
    assert token not in page.content.decode()
    assert 'id="self-completion"' not in page.content.decode()


# --- filling the form ------------------------------------------------------------------------


def test_the_public_page_is_arabic_right_to_left_and_needs_no_account(client, token):
    response = client.get(fill_url(token))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert 'lang="ar" dir="rtl" id="questions"' in page
    assert "هل نزحت؟" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "no-store" in response["Cache-Control"]


def test_a_visitor_who_chose_english_gets_the_form_left_to_right_in_english(client, token):
    client.cookies["jusoor_language"] = "en"
    page = client.get(fill_url(token)).content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert 'lang="en" dir="ltr" id="questions"' in page
    assert "Were you displaced?" in page and "هل نزحت؟" not in page


def test_an_anonymous_respondent_sends_one_submission_marked_self_completed(client, survey, token):
    response = post(
        client, token, name="سارة", age="٣٤", displaced="no", district="ramadi", town="habbaniya"
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:self_thanks", kwargs={"token": token})
    submission = Submission.objects.get()
    assert submission.form == survey
    assert submission.channel == Channel.SELF and submission.enumerator is None
    assert submission.answers["age"] == "34" and submission.answers["town"] == "habbaniya"
    assert submission.answers["age_next"] == "35"
    assert submission.personal_answers() == {"name": "سارة"}
    assert "<age>34</age>" in submission.xml
    thanks = client.get(response["Location"]).content.decode()
    assert "شكراً لك" in thanks and "وصلتنا إجاباتك" in thanks
    assert self_completion.self_completed_count(survey) == 1


def test_the_audit_event_names_no_one_and_keeps_no_address(token):
    phone = Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Mozilla/5.0 (Android 13)")
    assert post(phone, token, age="40", displaced="no").status_code == 302
    event = AuditEvent.objects.get(action="survey.submission.receive")
    assert event.actor is None and event.actor_label == "system"
    assert event.data["channel"] == "self"
    assert event.ip_address is None and event.user_agent == ""


def test_no_answer_of_the_respondent_reaches_the_logs(client, token, caplog):
    with caplog.at_level(logging.DEBUG):
        post(client, token, "draft", name="مريم الجبوري", age="7", displaced="no")
        post(client, token, name="مريم الجبوري", age="41", displaced="no")
    assert Submission.objects.count() == 1
    assert "مريم" not in caplog.text


def test_required_and_constraint_errors_are_shown_in_arabic_by_question(client, token):
    response = post(client, token, age="7", displaced="yes")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["q__age"] == ["العمر بين ١٥ و٩٩"]
    assert form.errors["q__years"] == ["هذا السؤال يحتاج إلى إجابة."]
    page = response.content.decode()
    assert "العمر بين ١٥ و٩٩" in page and "هذا السؤال يحتاج إلى إجابة." in page
    assert not Submission.objects.exists()


def test_a_draft_survives_a_new_request_through_its_cookie(client, survey, token):
    response = post(client, token, "draft", name="سارة", age="34", displaced="yes")
    assert response.status_code == 200
    cookie = response.cookies[f"jusoor_form_{survey.pk}"]
    assert cookie["httponly"] and cookie["path"] == "/f/"
    draft = SelfCompletionDraft.objects.get()
    assert draft.values()["age"] == "34"
    assert cookie.value not in draft.key_hash  # only a keyed hash of the key is stored

    phone_again = Client()  # the connection dropped; the browser kept its cookie
    phone_again.cookies[cookie.key] = cookie.value
    page = phone_again.get(fill_url(token)).content.decode()
    assert 'value="34"' in page and 'value="سارة"' in page
    assert "كم سنة؟" in page  # relevant again because of the answer kept

    stranger = Client().get(fill_url(token)).content.decode()
    assert 'value="34"' not in stranger

    post(phone_again, token, name="سارة", age="34", displaced="yes", years="2")
    assert Submission.objects.get().answers["years"] == "2"
    assert not SelfCompletionDraft.objects.exists()


def test_a_send_that_fails_its_checks_still_keeps_the_answers(client, survey, token):
    post(client, token, name="سارة", age="200", displaced="no")
    assert SelfCompletionDraft.objects.get().values()["name"] == "سارة"
    assert not Submission.objects.exists()


def test_a_draft_past_its_period_is_not_given_back_and_retention_deletes_it(client, survey, token):
    post(client, token, "draft", age="34", displaced="no")
    old = timezone.now() - dt.timedelta(days=self_completion.DRAFT_DAYS + 1)
    SelfCompletionDraft.objects.update(updated_at=old)
    assert 'value="34"' not in client.get(fill_url(token)).content.decode()
    call_command("apply_retention", stdout=io.StringIO())
    assert not SelfCompletionDraft.objects.exists()


def test_erasing_a_person_deletes_the_drafts_that_name_them(client, world, token):
    post(client, token, "draft", name="سعد خالد العبيدي", age="34")
    post(Client(), token, "draft", name="زينب", age="30")
    subject = Subject(world.shams.pk, (), (), names=("سعد خالد العبيدي",))
    counts = registered_erasers()["surveys.self_completion"](subject)
    assert counts == {"self_completion_drafts": 1}
    assert [d.values()["name"] for d in SelfCompletionDraft.objects.all()] == ["زينب"]


def test_a_second_tap_on_send_stores_nothing_twice(client, token):
    page = client.get(fill_url(token))
    instance = page.context["instance_id"]
    answers = {"age": "40", "displaced": "no"}
    assert post(client, token, instance=instance, **answers).status_code == 302
    again = post(client, token, instance=instance, **answers)
    assert again.status_code == 302 and "thanks" in again["Location"]
    assert Submission.objects.get().instance_id == instance


def test_posting_without_the_csrf_token_is_refused(survey, token):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(fill_url(token), {"q__age": "40", "action": "submit"})
    assert response.status_code == 403
    assert not Submission.objects.exists()


# --- closed, unknown and limited ---------------------------------------------------------------


def test_a_closed_link_says_so_in_arabic_and_takes_nothing(client, world, survey, token):
    self_completion.close_link(world.users["shams_me_officer"], survey)
    response = client.get(fill_url(token))
    assert response.status_code == 200
    assert "هذه الاستمارة مغلقة" in response.content.decode()
    post(client, token, age="40", displaced="no")
    assert not Submission.objects.exists()
    # Opened again, the same link works: flyers already printed stay good.
    assert self_completion.open_link(None, survey).token == token
    assert post(client, token, age="40", displaced="no").status_code == 302


def test_a_form_closed_for_collection_closes_its_link_too(client, survey, token):
    survey.is_open = False
    survey.save(update_fields=["is_open"])
    assert "هذه الاستمارة مغلقة" in client.get(fill_url(token)).content.decode()


def test_an_unknown_or_replaced_token_is_not_found(client, survey, token):
    assert client.get(fill_url("not-a-real-token")).status_code == 404
    new = self_completion.replace_link(None, survey).token
    assert new != token
    assert client.get(fill_url(token)).status_code == 404
    assert client.get(fill_url(new)).status_code == 200


def test_too_many_posts_from_one_address_get_a_translated_429(client, settings, token):
    settings.JUSOOR_SELF_COMPLETION_PER_FORM = 2
    for _ in range(2):
        assert post(client, token, "draft", age="40").status_code == 200
    response = post(client, token, age="40", displaced="no")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "محاولات كثيرة" in response.content.decode()
    assert not Submission.objects.exists()
    # Another address is not held back.
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert post(other, token, age="40", displaced="no").status_code == 302


# --- what the workspace sees -----------------------------------------------------------------


def test_the_submission_is_listed_and_exported_like_any_other(
    client, world, survey, token, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    post(client, token, name="سارة", age="34", displaced="no", district="ramadi")
    submission = Submission.objects.get()
    manager = signed_in(world, "shams_me_officer")
    listing = manager.get(reverse("surveys:submissions", kwargs={"pk": survey.pk}))
    assert submission.instance_id in listing.content.decode()
    detail = manager.get(reverse("surveys:submission", kwargs={"pk": submission.pk}))
    assert "تعبئة ذاتية" in detail.content.decode()  # the channel, in Arabic
    exported = download(manager, survey, format="csv", headers="xml").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [(r["_uuid"], r["age"], r["district"]) for r in rows] == [
        (submission.instance_id, "34", "ramadi")
    ]
    assert "سارة" not in exported  # personal data only when asked for


def test_hostile_text_is_stored_as_typed_and_shown_escaped(client, world, token):
    saved = post(client, token, "draft", name=HOSTILE, age="40", displaced="no").content.decode()
    assert "<script>alert" not in saved and "&lt;script&gt;" in saved
    post(client, token, name=HOSTILE, age="40", displaced="no")
    submission = Submission.objects.get()
    assert submission.personal_answers()["name"] == HOSTILE
    manager = signed_in(world, "shams_me_officer")
    detail = manager.get(
        reverse("surveys:submission", kwargs={"pk": submission.pk}), {"personal": "1"}
    ).content.decode()
    assert "&lt;script&gt;alert" in detail
    assert "<script>alert" not in detail and "<img src=x" not in detail


def test_a_repeat_takes_one_more_entry_at_a_time_and_keeps_it_in_the_draft(client, world):
    household = make_form(world.project, form_id="household")  # the factory form has a repeat
    token = self_completion.open_link(None, household).token
    assert "r1__household__member_age" not in client.get(fill_url(token)).content.decode()
    answers = {
        "q__respondent": "سارة",
        "q__sex": "female",
        "q__age": "40",
        "r0__household__member_name": "حسن",
        "r0__household__member_age": "12",
        "count__household": "1",
    }
    page = client.post(fill_url(token), {**answers, "action": "add:household"})
    assert 'name="r1__household__member_age"' in page.content.decode()
    assert 'value="حسن"' in page.content.decode()
    answers.update(
        {"r1__household__member_name": "زينب", "r1__household__member_age": "8"},
        count__household="2",
    )
    assert client.post(fill_url(token), {**answers, "action": "submit"}).status_code == 302
    submission = Submission.objects.get()
    assert [m["household/member_age"] for m in submission.answers["household"]] == ["12", "8"]
