"""Reviewing submissions: filters, status changes with comments and their history, personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jusoor.core.models import AuditEvent
from jusoor.surveys import services
from jusoor.surveys.models import Form, Submission, SubmissionReview
from jusoor.surveys.tests.factories import make_form, submission_xml


@pytest.fixture
def survey(world) -> Form:
    form = make_form(world.project)
    forms = Form.objects.filter(pk=form.pk)
    services.receive_submission(
        forms=forms, raw=submission_xml("uuid:a"), enumerator=world.users["shams_enumerator"]
    )
    services.receive_submission(
        forms=forms,
        raw=submission_xml("uuid:b", sex="male"),
        enumerator=world.users["shams_me_officer"],
    )
    Submission.objects.filter(instance_id="uuid:b").update(
        received_at=timezone.now() - dt.timedelta(days=10)
    )
    return form


def listed(client, survey, **params) -> list[str]:
    response = client.get(reverse("surveys:submissions", kwargs={"pk": survey.pk}), params)
    assert response.status_code == 200
    return [s.instance_id for s in response.context["page"]]


def test_the_list_filters_by_status_enumerator_and_date(client, world, survey):
    client.force_login(world.users["shams_me_officer"])
    assert sorted(listed(client, survey)) == ["uuid:a", "uuid:b"]
    services.set_status(
        world.users["shams_me_officer"], Submission.objects.get(instance_id="uuid:a"), "approved"
    )
    assert listed(client, survey, status="approved") == ["uuid:a"]
    assert listed(client, survey, enumerator=world.users["shams_enumerator"].pk) == ["uuid:a"]
    since = (timezone.now() - dt.timedelta(days=2)).date().isoformat()
    assert listed(client, survey, received_from=since) == ["uuid:a"]
    assert listed(client, survey, received_to=since) == ["uuid:b"]


def test_the_list_costs_the_same_queries_for_more_submissions(
    client, world, survey, django_assert_max_num_queries
):
    client.force_login(world.users["shams_me_officer"])
    forms = Form.objects.filter(pk=survey.pk)
    for n in range(10):
        services.receive_submission(forms=forms, raw=submission_xml(f"uuid:n{n}"))
    with django_assert_max_num_queries(12):
        client.get(reverse("surveys:submissions", kwargs={"pk": survey.pk}))


def test_a_status_change_keeps_who_when_and_the_comment_and_is_audited(client, world, survey):
    submission = Submission.objects.get(instance_id="uuid:a")
    client.force_login(world.users["shams_me_officer"])
    response = client.post(
        reverse("surveys:submission_status", kwargs={"pk": submission.pk}),
        {"status": "on_hold", "comment": "العمر لا يطابق"},
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "on_hold"
    review = SubmissionReview.objects.get()
    assert (review.by, review.comment) == (world.users["shams_me_officer"], "العمر لا يطابق")
    event = AuditEvent.objects.get(action="survey.submission.status")
    assert event.data["changes"] == {"status": ["received", "on_hold"]}
    page = client.get(reverse("surveys:submission", kwargs={"pk": submission.pk}))
    assert "العمر لا يطابق" in page.content.decode()


def test_the_submission_page_hides_personal_data_until_asked_and_audits_the_look(
    client, world, survey
):
    submission = Submission.objects.get(instance_id="uuid:a")
    client.force_login(world.users["shams_me_officer"])
    url = reverse("surveys:submission", kwargs={"pk": submission.pk})
    page = client.get(url).content.decode()
    assert "فاطمة" not in page and "أنثى" in page and "الفقر" in page
    assert not AuditEvent.objects.filter(action="survey.submission.view_personal_data").exists()
    page = client.get(url, {"personal": "1"}).content.decode()
    assert "فاطمة علي" in page and "حسن" in page
    assert AuditEvent.objects.filter(action="survey.submission.view_personal_data").count() == 1


def test_an_edited_submission_shows_its_history(client, world, survey):
    forms = Form.objects.filter(pk=survey.pk)
    services.receive_submission(
        forms=forms, raw=submission_xml("uuid:a2", age="40", deprecated_id="uuid:a")
    )
    client.force_login(world.users["shams_me_officer"])
    assert "uuid:a" not in listed(client, survey)
    new = Submission.objects.get(instance_id="uuid:a2")
    page = client.get(reverse("surveys:submission", kwargs={"pk": new.pk})).content.decode()
    assert "uuid:a<" in page.replace("</bdi>", "<")


def test_an_enumerator_and_a_partner_cannot_review(client, world, survey):
    submission = Submission.objects.first()
    for name, status in [("shams_enumerator", 403), ("partner_viewer", 403), ("outsider", 404)]:
        client.force_login(world.users[name])
        assert (
            client.get(reverse("surveys:submission", kwargs={"pk": submission.pk})).status_code
            == status
        )


def test_the_list_filters_by_the_forms_area_question(client, world):
    import random

    from jusoor.surveys import demo as survey_demo

    form = services.upload_form(
        None, world.project, survey_demo.build_xlsform(), "survey.xlsx"
    ).form
    rng = random.Random(survey_demo.SEED)
    start = dt.datetime(2023, 8, 5, 6, tzinfo=dt.UTC)
    rows = [(survey_demo.instance_id(i), survey_demo.respondent(i, rng), start) for i in range(30)]
    survey_demo._add_synthetic(form, form.current_version, rows)
    client.force_login(world.users["shams_me_officer"])
    client.cookies["jusoor_language"] = "en"
    page = client.get(reverse("surveys:submissions", kwargs={"pk": form.pk}))
    area_field = page.context["filters"].fields["area"]
    path = page.context["filters"].area_path
    area = area_field.choices[1][0]
    expected = sorted(
        s.instance_id
        for s in form.submissions.filter(is_current=True)
        if s.answers.get(path) == area
    )
    assert 0 < len(expected) < 30
    response = client.get(reverse("surveys:submissions", kwargs={"pk": form.pk}), {"area": area})
    assert sorted(s.instance_id for s in response.context["page"]) == expected
