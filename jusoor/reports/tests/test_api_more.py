"""The API's activities, reach, survey submissions, analysis and library: each answers a token as
its role and organisation allow, hides small counts of people, and gives personal data only to a
role that may see it, when asked, and audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from jusoor.accounts.roles import Role
from jusoor.core.models import AuditEvent
from jusoor.events.models import Meeting
from jusoor.geo.models import AdminUnit
from jusoor.library.tests.builders import make_resource
from jusoor.people.tests.builders import make_person
from jusoor.reports.tests.builders import make_token_with_key
from jusoor.surveys import services
from jusoor.surveys.models import Form
from jusoor.surveys.tests.factories import submission_xml, table_form, table_submission


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _auth(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _meetings(world):  # type: ignore[no-untyped-def]
    area = AdminUnit.objects.filter(level=2).first()
    small = Meeting.objects.create(
        organisation=world.shams,
        project=world.project,
        title="لقاء مع وجهاء الحبانية",
        date=dt.date(2024, 2, 1),
        area=area,
    )
    small.attendees.add(
        make_person(world.shams, name="زينب علي", phone="07701000001", sex="f"),
        make_person(world.shams, name="مريم حسن", phone="07701000002", sex="f"),
    )
    large = Meeting.objects.create(
        organisation=world.shams,
        project=world.project,
        title="حوار شبابي في الرمادي",
        date=dt.date(2024, 3, 1),
    )
    large.attendees.add(
        *[
            make_person(world.shams, name=f"شاب رقم {n}", phone=f"0770200000{n}", sex="m")
            for n in range(6)
        ]
    )
    return small, large, area


def test_activities_list_meetings_with_their_area_and_hide_small_counts(client, world):
    small, large, area = _meetings(world)
    key = make_token_with_key(world, Role.VIEWER)[1]
    url = reverse("api:activities", kwargs={"project_id": world.project.pk})
    items = client.get(url, **_auth(key)).json()["items"]
    assert [item["title"] for item in items] == [small.title, large.title]
    assert items[0]["area"] == area.pcode and items[0]["start_date"] == "2024-02-01"
    assert items[0]["people"] is None and items[0]["suppressed"] is True
    assert items[1]["people"] == 6 and items[1]["suppressed"] is False


def test_reach_counts_unique_people_and_hides_a_small_group(client, world):
    _meetings(world)
    key = make_token_with_key(world, Role.VIEWER)[1]
    url = reverse("api:reach", kwargs={"project_id": world.project.pk})
    reach = client.get(url, **_auth(key)).json()
    assert reach["unique"] == 8
    # two women would be hidden, and the men with them, or the women could be worked out
    assert all(row["people"] is None and row["suppressed"] for row in reach["sex"])
    assert sum(row["people"] or 0 for row in reach["target_group"]) == 8


@pytest.mark.parametrize(
    "url_name", ["api:activities", "api:reach", "api:submissions", "api:analysis"]
)
def test_another_organisations_token_gets_404(client, world, url_name):
    if url_name in {"api:submissions", "api:analysis"}:
        kwargs = {"form_id": table_form(world).pk}
    else:
        kwargs = {"project_id": world.project.pk}
    key = make_token_with_key(world, Role.ADMIN, world.other)[1]
    response = client.get(reverse(url_name, kwargs=kwargs), {"questions": "sex"}, **_auth(key))
    assert response.status_code == 404


def test_submissions_come_without_personal_data_unless_asked_and_allowed(client, world):
    submission = table_submission(world)
    url = reverse("api:submissions", kwargs={"form_id": submission.form_id})
    viewer = make_token_with_key(world, Role.VIEWER)[1]
    assert client.get(url, **_auth(viewer)).status_code == 403
    officer = make_token_with_key(world, Role.ME_OFFICER)[1]
    item = client.get(url, **_auth(officer)).json()["items"][0]
    assert item["instance_id"] == submission.instance_id and item["version"] == "1"
    assert item["answers"]["sex"] == "female"
    assert item["personal_answers"] is None
    assert "فاطمة علي" not in str(item)
    assert not AuditEvent.objects.filter(action__contains="view_personal_data").exists()


def test_personal_answers_are_given_to_a_privileged_token_and_audited(client, world):
    submission = table_submission(world)
    token, key = make_token_with_key(world, Role.ME_OFFICER)
    url = reverse("api:submissions", kwargs={"form_id": submission.form_id})
    item = client.get(url, {"personal": "true"}, **_auth(key)).json()["items"][0]
    assert item["personal_answers"]["respondent"] == "فاطمة علي"
    event = AuditEvent.objects.get(action="api.survey.submissions.view_personal_data")
    assert event.data["token"] == token.pk


def test_a_partner_token_may_not_read_submissions(client, world):
    submission = table_submission(world)
    key = make_token_with_key(world, Role.ADMIN, world.partner)[1]
    url = reverse("api:submissions", kwargs={"form_id": submission.form_id})
    assert client.get(url, {"personal": "true"}, **_auth(key)).status_code == 403


def _answers(world, sexes: str):  # type: ignore[no-untyped-def]
    form = table_form(world)
    for number, sex in enumerate(sexes):
        services.receive_submission(
            forms=Form.objects.filter(pk=form.pk),
            raw=submission_xml(
                f"uuid:6f7d1c2e-0000-4000-8000-0000000001{number:02d}",
                sex="female" if sex == "f" else "male",
            ),
            enumerator=world.users["shams_enumerator"],
        )
    return form


def test_analysis_hides_a_small_cell(client, world):
    form = _answers(world, "ffffffm")
    key = make_token_with_key(world, Role.VIEWER)[1]
    url = reverse("api:analysis", kwargs={"form_id": form.pk})
    response = client.get(url, {"questions": "sex", "weighted": "false"}, **_auth(key))
    assert response.status_code == 200, response.content.decode()
    result = response.json()
    assert result["respondents"] == 7
    rows = {row["category"]: row for row in result["tables"][0]["rows"]}
    assert rows["male"]["suppressed"] and rows["male"]["estimate"] is None
    assert rows["male"]["n_category"] is None


def test_analysis_of_an_unknown_question_is_refused_with_advice(client, world):
    form = table_form(world)
    key = make_token_with_key(world, Role.VIEWER)[1]
    url = reverse("api:analysis", kwargs={"form_id": form.pk})
    response = client.get(url, {"questions": "no_such_question", "language": "en"}, **_auth(key))
    assert response.status_code == 400
    body = response.json()
    assert "no_such_question" in body["detail"] and body["advice"]


def test_the_library_shows_public_and_own_resources_not_anothers_private_ones(client, world):
    public = make_resource(world.other, title_en="Public guide")
    own = make_resource(world.shams, title_en="Our guide", visibility="organisation")
    hidden = make_resource(world.other, title_en="Their notes", visibility="organisation")
    key = make_token_with_key(world, Role.VIEWER)[1]
    items = client.get(reverse("api:resources"), **_auth(key)).json()["items"]
    ids = {item["id"] for item in items}
    assert {public.pk, own.pk} <= ids and hidden.pk not in ids
    mine = next(item for item in items if item["id"] == own.pk)
    assert mine["url"].endswith(reverse("library:resource", args=[own.pk]))
    outsider = make_token_with_key(world, Role.VIEWER, world.other)[1]
    theirs = {
        i["id"] for i in client.get(reverse("api:resources"), **_auth(outsider)).json()["items"]
    }
    assert own.pk not in theirs and hidden.pk in theirs
