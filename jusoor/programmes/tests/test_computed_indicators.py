"""Indicators computed from the project's records: counts, groups, staleness, locks, bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from jusoor.events.models import Attendance, Commitment, CommitmentUpdate, Meeting
from jusoor.events.tests.builders import make_event, make_registration, make_session
from jusoor.people.tests.builders import make_person
from jusoor.programmes import services
from jusoor.programmes.computations import clean_parameters
from jusoor.programmes.forms import IndicatorForm
from jusoor.programmes.models import Indicator, IndicatorValue, PeriodStatus
from jusoor.surveys.models import Submission
from jusoor.surveys.tests.factories import make_form


def computed(world, key: str, **params) -> Indicator:  # type: ignore[no-untyped-def]
    indicator = world.indicator
    indicator.computation = key
    indicator.parameters = params
    services.save_indicator(world.users["shams_me_officer"], indicator)
    return indicator


def totals(indicator: Indicator) -> dict[tuple[str, str], Decimal]:
    return {(v.dimension, v.category): v.value for v in indicator.values.all()}


def meeting(world, day: int, *people) -> Meeting:  # type: ignore[no-untyped-def]
    m = Meeting.objects.create(
        organisation=world.shams,
        project=world.project,
        activity=world.activity,
        title=f"اجتماع {day}",
        date=dt.date(2023, 8, day),
    )
    m.attendees.add(*people)
    return m


def test_a_person_at_two_activities_counts_once_and_by_sex(world):
    woman = make_person(world.shams, sex="f", phone="0770 000 0001")
    man = make_person(world.shams, sex="m", phone="0770 000 0002")
    meeting(world, 3, woman, man)
    meeting(world, 9, woman)
    event = make_event(world, activity=world.activity)
    registration = make_registration(world, event, sex="f", phone="0770 000 0003")
    registration.checked_in_at = timezone.now()
    registration.save()
    indicator = computed(world, "unique_attendees")
    assert services.recompute_indicator(indicator)
    assert totals(indicator) == {
        ("", ""): Decimal(3),
        ("sex", "f"): Decimal(2),
        ("sex", "m"): Decimal(1),
    }


def test_women_only_and_a_guest_is_not_counted(world):
    woman = make_person(world.shams, sex="f", phone="0770 000 0001")
    man = make_person(world.shams, sex="m", phone="0770 000 0002")
    meeting(world, 3, woman, man)
    event = make_event(world, activity=world.activity)
    guest = make_registration(world, event, sex="f", phone="0770 000 0009")
    guest.is_guest = True
    guest.save()
    Attendance.objects.create(session=make_session(event), person=guest.person)
    indicator = computed(world, "unique_attendees", sex="f")
    services.recompute_indicator(indicator)
    assert totals(indicator)[("", "")] == Decimal(1)


def test_meetings_with_a_stakeholder_type(world):
    mayor = make_person(world.shams, target_group="government_official", phone="0770 1")
    youth = make_person(world.shams, target_group="youth", phone="0770 2")
    meeting(world, 3, mayor, youth)
    meeting(world, 4, youth)
    world.indicator.disaggregations = []
    indicator = computed(world, "meetings_held", target_group="government_official")
    services.recompute_indicator(indicator)
    assert totals(indicator) == {("", ""): Decimal(1)}


def test_new_attendance_marks_the_indicator_stale_and_the_page_shows_the_new_count(client, world):
    first = make_person(world.shams, sex="f", phone="0770 1")
    m = meeting(world, 3, first)
    indicator = computed(world, "unique_attendees")
    services.recompute_indicator(indicator)
    m.attendees.add(make_person(world.shams, sex="m", phone="0770 2"))
    indicator.refresh_from_db()
    assert indicator.stale
    client.force_login(world.users["shams_viewer"])
    response = client.get(reverse("programmes:indicator", args=[indicator.pk]))
    assert response.status_code == 200
    indicator.refresh_from_db()
    assert not indicator.stale
    assert totals(indicator)[("", "")] == Decimal(2)


def test_a_locked_period_keeps_its_figures(world):
    m = meeting(world, 3, make_person(world.shams, phone="0770 1"))
    indicator = computed(world, "unique_attendees")
    services.recompute_indicator(indicator)
    actor = world.users["shams_admin"]
    for status in ("submitted", "approved", "locked"):
        services.change_period_status(actor, world.period, status)
    m.attendees.add(make_person(world.shams, phone="0770 2"))
    services.recompute_stale(everything=True)
    assert totals(indicator)[("", "")] == Decimal(1)
    world.period.refresh_from_db()
    assert world.period.locked_by == actor and world.period.locked_at is not None
    assert world.period.submitted_by == actor and world.period.approved_by == actor


def test_editing_a_locked_period_is_refused_with_a_clear_message(world):
    actor = world.users["shams_admin"]
    for status in ("submitted", "approved", "locked"):
        services.change_period_status(actor, world.period, status)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.set_target(actor, world.indicator, world.period, Decimal(5))
    assert "is locked" in str(error.value)


def test_a_computed_indicator_refuses_typed_actuals(world):
    indicator = computed(world, "unique_attendees")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.set_actual(world.users["shams_me_officer"], indicator, world.period, Decimal(4))
    assert "computed from the data" in str(error.value)


def _submit(form, answers, day=10):  # type: ignore[no-untyped-def]
    return Submission.objects.create(
        form=form,
        version=form.current_version,
        instance_id=f"uuid:{len(answers)}-{Submission.objects.count()}",
        xml="<data/>",
        xml_sha256="0" * 64,
        answers=answers,
        channel="web",
        received_at=timezone.make_aware(dt.datetime(2023, 8, day, 10)),
    )


def test_respondents_and_the_weighted_share_with_its_interval(world):
    form = make_form(world.project)
    for i in range(40):
        _submit(
            form,
            {
                "sex": "female" if i % 2 else "male",
                "causes": "unemployment poverty" if i % 4 else "injustice",
            },
        )
    _submit(form, {"sex": "male"})  # counted as a respondent; no answer to the question
    _submit(form, {"sex": "male", "causes": "poverty"}, day=31)  # after the period
    world.indicator.disaggregations = ["sex"]
    respondents = computed(world, "survey_respondents", form=form.pk)
    services.recompute_indicator(respondents)
    assert totals(respondents)[("", "")] == Decimal(41)
    share = Indicator.objects.create(
        node=world.activity,
        name_ar="نسبة",
        computation="survey_share",
        parameters={"form": form.pk, "question": "causes", "answers": ["unemployment"]},
        disaggregations=["sex"],
    )
    services.recompute_indicator(share)
    total = share.values.get(dimension="")
    assert total.value == Decimal("75.0")  # 30 of the 40 who answered
    assert total.lower < total.value < total.upper


def test_a_deleted_form_shows_an_error_on_the_indicator_page(client, world):
    form = make_form(world.project)
    indicator = computed(world, "survey_respondents", form=form.pk)
    form.delete()
    indicator.refresh_from_db()
    assert indicator.stale  # deleting the form marked it
    client.force_login(world.users["shams_me_officer"])
    client.cookies["jusoor_language"] = "en"
    response = client.get(reverse("programmes:indicator", args=[indicator.pk]))
    assert response.status_code == 200
    assert "no longer exists" in response.content.decode()
    response = client.get(reverse("programmes:project", args=[world.project.pk]))
    assert "cannot be computed" in response.content.decode()


def test_an_unknown_disaggregation_is_reported_not_crashed(client, world):
    indicator = computed(world, "unique_attendees")
    Indicator.objects.filter(pk=indicator.pk).update(disaggregations=["religion"], stale=True)
    client.force_login(world.users["shams_viewer"])
    client.cookies["jusoor_language"] = "en"
    response = client.get(reverse("programmes:indicator", args=[indicator.pk]))
    assert response.status_code == 200
    assert "not a known disaggregation" in response.content.decode()


def test_a_disaggregation_the_computation_cannot_give_is_reported(world):
    world.indicator.disaggregations = ["sex"]
    indicator = computed(world, "commitments_completed")
    assert not services.recompute_indicator(indicator)
    with translation.override("en"):
        assert "cannot be disaggregated" in indicator.computation_error


def test_the_indicator_form_refuses_a_question_that_is_not_in_the_form(world):
    form = make_form(world.project)
    with translation.override("en"):
        bound = IndicatorForm(
            {
                "node": world.activity.pk,
                "name_ar": "نسبة",
                "measure": "percentage",
                "order": 1,
                "computation": "survey_share",
                "p_form": form.pk,
                "p_question": "no_such_question",
                "p_answers": "yes",
            },
            instance=Indicator(),
            project=world.project,
        )
        assert not bound.is_valid()
        assert "is not in the form" in str(bound.errors["p_question"])


def test_parameters_are_checked_against_the_project(world):
    with pytest.raises(ValidationError) as error:
        clean_parameters("survey_respondents", {"form": 999999}, world.project)
    assert "form" in error.value.message_dict


def test_records_page_lists_codes_not_names(client, world):
    person = make_person(world.shams, name="سلمى عبد الكريم", phone="0770 1")
    meeting(world, 3, person)
    indicator = computed(world, "unique_attendees")
    services.recompute_indicator(indicator)
    client.force_login(world.users["partner_viewer"])
    response = client.get(
        reverse("programmes:indicator_records", args=[indicator.pk, world.period.pk])
    )
    html = response.content.decode()
    assert person.code in html
    assert "سلمى" not in html


def test_commitments_completed_are_dated_by_their_last_update(world):
    event = make_event(world)
    done = Commitment.objects.create(
        organisation=world.shams, event=event, what="مركز شبابي", owner="المجلس", status="done"
    )
    CommitmentUpdate.objects.create(commitment=done, date=dt.date(2023, 8, 25), note="افتتح")
    later = Commitment.objects.create(
        organisation=world.shams, event=event, what="مصالحة", owner="المجلس", status="done"
    )
    CommitmentUpdate.objects.create(commitment=later, date=dt.date(2023, 10, 1), note="تم")
    world.indicator.disaggregations = []
    indicator = computed(world, "commitments_completed")
    services.recompute_indicator(indicator)
    assert totals(indicator) == {("", ""): Decimal(1)}


def test_hand_entry_keeps_its_evidence_file(client, world):
    client.force_login(world.users["shams_me_officer"])
    response = client.post(
        reverse("programmes:indicator", args=[world.indicator.pk]),
        {
            "period": world.period.pk,
            "kind": "actual",
            "value": "12",
            "evidence": SimpleUploadedFile("sheet.pdf", b"%PDF-1.4 attendance"),
        },
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get(indicator=world.indicator)
    assert value.evidence.name.endswith(".pdf")
    download = client.get(reverse("programmes:indicator_evidence", args=[value.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 attendance"


def test_reopening_a_period_marks_computed_indicators_stale(world):
    indicator = computed(world, "unique_attendees")
    services.recompute_indicator(indicator)
    actor = world.users["shams_admin"]
    services.change_period_status(actor, world.period, PeriodStatus.SUBMITTED)
    services.change_period_status(actor, world.period, PeriodStatus.OPEN)
    indicator.refresh_from_db()
    assert indicator.stale


def test_editing_a_computed_indicator_keeps_what_it_counts(client, world):
    indicator = computed(world, "unique_attendees", sex="f")
    client.force_login(world.users["shams_me_officer"])
    html = client.get(reverse("programmes:indicator_edit", args=[indicator.pk])).content.decode()
    assert '<option value="unique_attendees" selected>' in html
    assert '<option value="f" selected>' in html
    response = client.post(
        reverse("programmes:indicator_edit", args=[indicator.pk]),
        {
            "node": world.activity.pk,
            "name_ar": "عدد المشاركات",
            "measure": "count",
            "order": 1,
            "disaggregations": ["age_band"],
            "computation": "unique_attendees",
            "p_sex": "f",
            "p_target_group": "youth",
        },
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.parameters == {"sex": "f", "target_group": "youth"}
    assert indicator.counts_people
