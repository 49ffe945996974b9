"""Filling a form on the web: the form's rules checked on the server, drafts kept, Arabic digits."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from jusoor.surveys.models import Submission, WebDraft
from jusoor.surveys.tests.factories import make_form

HEADER = [
    "type",
    "name",
    "label::Arabic (ar)",
    "label::English (en)",
    "required",
    "relevant",
    "constraint",
    "constraint_message::Arabic (ar)",
    "constraint_message::English (en)",
    "jusoor::pii",
    "choice_filter",
    "calculation",
]
SURVEY = [
    HEADER,
    ["text", "name", "الاسم", "Name", "", "", "", "", "", "yes", "", ""],
    [
        "integer",
        "age",
        "العمر",
        "Age",
        "yes",
        "",
        ". >= 15 and . <= 99",
        "العمر بين ١٥ و٩٩",
        "Age between 15 and 99",
        "",
        "",
        "",
    ],
    [
        "select_one yn",
        "displaced",
        "هل نزحت؟",
        "Were you displaced?",
        "yes",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "integer",
        "years",
        "كم سنة؟",
        "How many years?",
        "yes",
        "${displaced} = 'yes'",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    ["select_one district", "district", "القضاء", "District", "", "", "", "", "", "", "", ""],
    [
        "select_one town",
        "town",
        "الناحية",
        "Sub-district",
        "",
        "",
        "",
        "",
        "",
        "",
        "district=${district}",
        "",
    ],
    ["calculate", "age_next", "", "", "", "", "", "", "", "", "", "${age} + 1"],
    ["geopoint", "where", "الموقع", "Location", "", "", "", "", "", "", "", ""],
]
CHOICES = [
    ["list_name", "name", "label::Arabic (ar)", "label::English (en)", "district"],
    ["yn", "yes", "نعم", "Yes", ""],
    ["yn", "no", "لا", "No", ""],
    ["district", "ramadi", "الرمادي", "Ramadi", ""],
    ["district", "falluja", "الفلوجة", "Falluja", ""],
    ["town", "habbaniya", "الحبانية", "Habbaniya", "ramadi"],
    ["town", "garma", "الكرمة", "Garma", "falluja"],
]


@pytest.fixture
def survey(world):
    return make_form(world.project, survey=SURVEY, choices=CHOICES, form_id="web")


@pytest.fixture
def enumerator(client, world):
    client.force_login(world.users["shams_enumerator"])
    return client


def post(client, survey, action="submit", **answers):
    data = {f"q__{k}": v for k, v in answers.items()}
    return client.post(
        reverse("surveys:entry", kwargs={"pk": survey.pk}), {**data, "action": action}
    )


def test_the_page_takes_its_direction_from_the_form_language(enumerator, survey):
    page = enumerator.get(reverse("surveys:entry", kwargs={"pk": survey.pk})).content.decode()
    assert 'lang="ar" dir="rtl" id="entry"' in page
    assert "هل نزحت؟" in page
    assert "where" in page  # the geopoint is named as left to ODK Collect


def test_a_complete_entry_becomes_a_submission_with_arabic_digits_accepted(
    enumerator, world, survey
):
    response = post(
        enumerator,
        survey,
        name="سارة",
        age="٣٤",
        displaced="no",
        district="ramadi",
        town="habbaniya",
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.channel == "web" and submission.enumerator == world.users["shams_enumerator"]
    assert submission.answers["age"] == "34" and submission.answers["age_next"] == "35"
    assert "years" not in submission.answers
    assert submission.personal_answers() == {"name": "سارة"}
    assert "<age>34</age>" in submission.xml


def test_the_constraint_message_is_shown_in_the_form_language(enumerator, survey):
    response = post(enumerator, survey, age="7", displaced="no")
    assert response.status_code == 200
    assert "العمر بين ١٥ و٩٩" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_relevant_required_question_must_be_answered_and_an_irrelevant_one_is_dropped(
    enumerator, survey
):
    response = post(enumerator, survey, age="30", displaced="yes")
    assert response.status_code == 200
    assert response.context["form"].errors["q__years"]
    post(enumerator, survey, age="30", displaced="no", years="4")
    assert "years" not in Submission.objects.get().answers


def test_a_choice_outside_the_choice_filter_is_refused(enumerator, survey):
    response = post(enumerator, survey, age="30", displaced="no", district="ramadi", town="garma")
    assert response.context["form"].errors["q__town"]
    assert not Submission.objects.exists()


def test_a_draft_survives_and_comes_back_then_goes_when_submitted(enumerator, world, survey):
    response = post(enumerator, survey, action="draft", name="سارة", age="34", displaced="yes")
    assert response.status_code == 200
    draft = WebDraft.objects.get()
    assert draft.values()["age"] == "34"
    page = enumerator.get(reverse("surveys:entry", kwargs={"pk": survey.pk})).content.decode()
    assert 'value="34"' in page and "كم سنة؟" in page
    post(enumerator, survey, name="سارة", age="34", displaced="yes", years="2")
    assert Submission.objects.count() == 1 and not WebDraft.objects.exists()


def test_someone_who_cannot_collect_cannot_fill(client, world, survey):
    client.force_login(world.users["shams_programme_manager"])
    assert client.get(reverse("surveys:entry", kwargs={"pk": survey.pk})).status_code == 403


def test_a_rule_outside_the_subset_is_named_on_the_page_and_does_not_block(enumerator, world):
    rule = ["integer", "rate", "المعدل", "Rate", "", "pulldata('r', 'x', 'y', 'z') > 1"]
    survey = make_form(
        world.project, survey=[*SURVEY, rule + [""] * 6], choices=CHOICES, form_id="w2"
    )
    page = enumerator.get(reverse("surveys:entry", kwargs={"pk": survey.pk})).content.decode()
    assert "pulldata()" in page
    assert post(enumerator, survey, age="30", displaced="no", rate="3").status_code == 302
    assert Submission.objects.get().answers["rate"] == "3"


def test_a_repeat_takes_entries_one_more_at_a_time_and_keeps_personal_data_apart(enumerator, world):
    survey = make_form(world.project, form_id="household")  # the factory form has a repeat
    url = reverse("surveys:entry", kwargs={"pk": survey.pk})
    page = enumerator.get(url).content.decode()
    assert 'name="r0__household__member_age"' in page and "r1__" not in page
    base = {"q__respondent": "سارة", "q__sex": "female", "q__age": "40", "q__trust__police": "2"}
    first = {"r0__household__member_name": "حسن", "r0__household__member_age": "١٢"}
    response = enumerator.post(
        url, {**base, **first, "count__household": "1", "action": "add:household"}
    )
    assert 'name="r1__household__member_age"' in response.content.decode()
    assert 'value="12"' in response.content.decode()
    second = {"r1__household__member_name": "زينب", "r1__household__member_age": "8"}
    response = enumerator.post(
        url, {**base, **first, **second, "count__household": "2", "action": "submit"}
    )
    assert response.status_code == 302, response.context["form"].errors
    submission = Submission.objects.get(form=survey)
    assert submission.answers["household"] == [
        {"household/member_age": "12"},
        {"household/member_age": "8"},
    ]
    assert submission.personal_answers()["household"][1] == {"household/member_name": "زينب"}
    assert "<household><member_name>حسن</member_name>" in submission.xml


def test_or_other_asks_for_the_other_answer_only_when_other_is_chosen(enumerator, world):
    """pyxform adds ``displaced_other`` with the relevant ``selected(../displaced, 'other')``."""
    survey = [HEADER, ["select_one yn or_other", "displaced", "هل نزحت؟", "Displaced?", "yes"]]
    form = make_form(world.project, survey=survey, choices=CHOICES, form_id="other")
    assert form.current_version.unsupported == []
    post(enumerator, form, displaced="other", displaced_other="مرتين")
    post(enumerator, form, displaced="no", displaced_other="لا يهم")
    first, second = Submission.objects.order_by("pk")
    assert first.answers["displaced_other"] == "مرتين"
    assert "displaced_other" not in second.answers  # not relevant: dropped


RANKED = [
    HEADER,
    ["rank needs", "needs", "رتّب الأولويات", "Rank the needs", "yes"],
]
NEEDS = [
    ["list_name", "name", "label::Arabic (ar)", "label::English (en)"],
    ["needs", "jobs", "فرص العمل", "Jobs"],
    ["needs", "schools", "المدارس", "Schools"],
    ["needs", "water", "الماء", "Water"],
]


@pytest.fixture
def ranked(world):
    return make_form(world.project, survey=RANKED, choices=NEEDS, form_id="ranked")


def test_a_rank_question_is_answered_place_by_place_and_sent_as_odk_does(enumerator, ranked):
    assert ranked.current_version.unsupported == []
    page = enumerator.get(reverse("surveys:entry", kwargs={"pk": ranked.pk})).content.decode()
    assert page.count('<select name="q__needs_') == 3 and "المرتبة 1" in page
    data = {"q__needs_0": "water", "q__needs_1": "jobs", "q__needs_2": "schools"}
    enumerator.post(
        reverse("surveys:entry", kwargs={"pk": ranked.pk}), {**data, "action": "submit"}
    )
    submission = Submission.objects.get()
    assert submission.answers["needs"] == "water jobs schools"
    assert "<needs>water jobs schools</needs>" in submission.xml


@pytest.mark.parametrize(
    "places,message",
    [
        (["water", "water", "jobs"], "Each choice can take only one place."),
        (["water", "", ""], "Put every choice in a place."),
        (["", "", ""], "This question needs an answer."),
    ],
)
def test_a_rank_left_half_done_or_with_a_choice_twice_is_refused(
    enumerator, ranked, places, message
):
    enumerator.cookies["jusoor_language"] = "en"
    data = {f"q__needs_{i}": name for i, name in enumerate(places)}
    response = enumerator.post(
        reverse("surveys:entry", kwargs={"pk": ranked.pk}), {**data, "action": "submit"}
    )
    assert message in response.content.decode()
    assert not Submission.objects.exists()


def test_a_rank_half_done_is_kept_in_the_draft(enumerator, ranked):
    url = reverse("surveys:entry", kwargs={"pk": ranked.pk})
    enumerator.post(url, {"q__needs_0": "water", "q__needs_1": "jobs", "action": "draft"})
    assert WebDraft.objects.get().values()["needs"] == "water jobs"
    page = enumerator.get(url).content.decode()
    assert '<option value="water" selected>' in page and '<option value="jobs" selected>' in page


ROSTER = [
    HEADER,
    ["begin_repeat", "member", "أفراد الأسرة", "Household members", ""],
    ["text", "member_name", "الاسم", "Name", ""],
    ["integer", "member_age", "العمر", "Age", ""],
    ["end_repeat", "", "", "", ""],
    ["select_one ${member_name}", "head", "رب الأسرة", "Head of the household", "yes"],
    [
        "select_one ${member_name}",
        "youngest",
        "أصغر الأطفال",
        "Youngest child",
        "",
        "",
        "",
        "",
        "",
        "",
        "${member_age} < 18",
        "",
    ],
]


def test_choices_from_earlier_answers_are_the_names_given_in_the_roster(enumerator, world):
    """``select_one ${member_name}``, as household rosters use it: the names typed in the repeat
    (after a draft is saved), the choice filter applied to each entry (``${member_age} < 18``)."""
    form = make_form(world.project, survey=ROSTER, choices=CHOICES, form_id="roster")
    assert form.current_version.unsupported == []
    url = reverse("surveys:entry", kwargs={"pk": form.pk})
    roster = {
        "count__member": "2",
        "r0__member__member_name": "حسن علي",
        "r0__member__member_age": "45",
        "r1__member__member_name": "زينب حسن",
        "r1__member__member_age": "9",
    }
    page = enumerator.post(url, {**roster, "action": "draft"}).content.decode()

    def offered(name: str) -> list[str]:
        return re.findall(rf'type="radio" name="q__{name}" value="([^"]*)"', page)

    assert offered("head") == ["حسن علي", "زينب حسن"]
    assert offered("youngest") == ["زينب حسن"]  # the only one under 18
    enumerator.post(
        url, {**roster, "q__head": "حسن علي", "q__youngest": "زينب حسن", "action": "submit"}
    )
    answers = Submission.objects.get().answers
    assert (answers["head"], answers["youngest"]) == ("حسن علي", "زينب حسن")


def test_a_name_not_given_in_the_roster_is_refused(enumerator, world):
    form = make_form(world.project, survey=ROSTER, choices=CHOICES, form_id="roster")
    url = reverse("surveys:entry", kwargs={"pk": form.pk})
    roster = {"count__member": "1", "r0__member__member_name": "حسن علي"}
    response = enumerator.post(url, {**roster, "q__head": "عمر", "action": "submit"})
    assert response.context["form"].errors["q__head"]
    assert not Submission.objects.exists()
