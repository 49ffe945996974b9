"""The demo is the seed's programme, and the public page tells its story from the data."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from jusoor.accounts.models import User
from jusoor.programmes.demo import DEMO_PASSWORD, LOGINS
from jusoor.programmes.models import Indicator, Project, ResultNode

SLUG = "anbar-prevention-conference-2023"


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Project.objects.get(slug=SLUG)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_demo_is_idempotent(demo):
    counts = (
        Project.objects.count(),
        ResultNode.objects.count(),
        Indicator.objects.count(),
        demo.target_areas.count(),
        demo.participants.count(),
        User.objects.count(),
    )
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    again = (
        Project.objects.count(),
        ResultNode.objects.count(),
        Indicator.objects.count(),
        demo.target_areas.count(),
        demo.participants.count(),
        User.objects.count(),
    )
    assert counts == again == (1, 8, 8, 10, 4, len(LOGINS))


def test_public_page_in_arabic_shows_the_seed_facts(client, demo):
    response = client.get(
        reverse("programmes:public_project", args=[SLUG]), HTTP_ACCEPT_LANGUAGE="ar"
    )
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    text = text_of(response)
    assert "مؤتمر الوقاية والصد لمحاربة التطرف العنيف في محافظة الانبار" in text
    for organisation in [
        "منظمة شمس الأنسانية للمرأة والطفل",
        "منظمة الرؤية العالمية",
        "برنامج الأمم المتحدة الإنمائي",
        "الحكومة الألمانية",
    ]:
        assert organisation in text
    for figure in ["500", "200", " 10 ", " 3 "]:
        assert figure in text
    assert "توفير مصدر معرفي وعملي للوقاية من التطرف العنيف" in text
    assert "ثلاث حلقات نقاش" in text
    assert "ساهمت المبادرة في تعزيز قدرة المجتمعات المحلية" in text
    assert "2023" in text


def test_public_page_in_english_is_left_to_right_with_the_same_facts(client, demo):
    client.cookies["jusoor_language"] = "en"
    response = client.get(reverse("programmes:public_project", args=[SLUG]))
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    text = text_of(response)
    assert "Prevention and Response Conference to counter violent extremism in Anbar" in text
    assert "Funded by" in text and "United Nations Development Programme" in text
    assert "Supported by" in text and "Government of Germany" in text
    assert "In partnership with" in text and "World Vision" in text
    assert "Result 2" in text and "200 participants" in text


def test_small_counts_of_people_are_hidden_on_the_public_page(client, demo):
    from jusoor.programmes.models import IndicatorValue

    IndicatorValue.objects.filter(indicator__code="2.1.1a", dimension="").update(value=3)
    text = text_of(client.get(reverse("programmes:public_project", args=[SLUG])))
    assert "<5" in text.replace("&lt;", "<")
    assert " 3 عدد المشاركين في المؤتمر" not in text
    assert "3" in text  # the panels count (not people) still shows


def test_every_demo_login_signs_in_and_reaches_the_workspace(client, demo):
    for username, _role, _org in LOGINS:
        client.logout()
        response = client.post(
            reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        assert client.get(reverse("programmes:workspace")).status_code == 200


def test_funder_viewer_sees_the_project_but_cannot_edit(client, demo):
    client.force_login(User.objects.get(username="undp-viewer"))
    assert client.get(reverse("programmes:project", args=[demo.pk])).status_code == 200
    assert client.get(reverse("programmes:project_edit", args=[demo.pk])).status_code == 403


def test_language_choice_is_remembered_on_the_account(client, demo):
    user = User.objects.get(username="shams-viewer")
    client.force_login(user)
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/workspace/"})
    user.refresh_from_db()
    assert user.language == "en"
    client.logout()
    client.cookies.clear()
    client.post(reverse("accounts:login"), {"username": "shams-viewer", "password": DEMO_PASSWORD})
    assert client.cookies["jusoor_language"].value == "en"


def test_language_switch_refuses_to_redirect_off_site(client, demo):
    response = client.post(
        reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_demo_indicators_are_counted_from_the_demo_records(demo):
    respondents = Indicator.objects.get(node__project=demo, code="1.1.2a")
    assert respondents.computation == "survey_respondents"
    total = respondents.values.get(dimension="")
    assert total.computed and total.value == 500
    women = Indicator.objects.get(node__project=demo, code="2.1.1b")
    participants = Indicator.objects.get(node__project=demo, code="2.1.1a")
    assert 0 < women.values.get(dimension="").value < participants.values.get(dimension="").value


def test_public_page_quotes_computed_figures_commitments_and_media(client, demo):
    client.cookies["jusoor_language"] = "en"
    text = text_of(client.get(reverse("programmes:public_project", args=[SLUG])))
    assert "counted from the project's records" in text
    assert "Commitments" in text and "Media coverage" in text
    assert "Al-Sumaria" in text or "السومرية" in text


def test_public_page_hides_a_small_group_and_its_complement(client, demo):
    from jusoor.programmes.models import IndicatorValue

    women = IndicatorValue.objects.get(
        indicator__code="2.1.1a", dimension="sex", category="f", indicator__node__project=demo
    )
    IndicatorValue.objects.filter(pk=women.pk).update(value=2)
    client.cookies["jusoor_language"] = "en"
    text = text_of(client.get(reverse("programmes:public_project", args=[SLUG])))
    assert "Female: <5" in text.replace("&lt;", "<")
    assert "Male: <5" in text.replace("&lt;", "<")
