"""The IATI activity file: valid against the official 2.03 schema, true to the IATI rules, and a
list of what to fill in when the project lacks what the file needs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from lxml import etree

from jusoor.core.models import AuditEvent
from jusoor.core.paths import shared_data
from jusoor.programmes.models import Indicator, IndicatorTarget, IndicatorValue
from jusoor.reports import iati
from jusoor.reports.tests.builders import iati_ready

SCHEMA = shared_data("iati-2.03", "iati-activities-schema.xsd")


@pytest.fixture(scope="module")
def schema():
    if not SCHEMA.exists():
        pytest.skip("the IATI 2.03 schema is not in ../shared/data")
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def _download(client, world) -> etree._Element:
    client.force_login(world.users["shams_viewer"])
    response = client.get(reverse("reports:iati", args=[world.project.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return etree.fromstring(response.content)


def test_the_file_is_valid_against_the_official_schema(client, world, schema):
    root = _download(client, iati_ready(world))
    schema.assertValid(root)
    assert iati.ruleset_problems(root) == []


def test_identifier_is_the_reporting_organisation_and_project_code(client, world):
    root = _download(client, iati_ready(world))
    assert root.findtext(".//iati-identifier") == "IQ-NGO-0001-PVE-01"
    assert root.find(".//reporting-org").get("ref") == "IQ-NGO-0001"


def test_title_and_description_are_in_arabic_and_english(client, world):
    root = _download(client, iati_ready(world))
    title = {n.get(iati.XML_LANG): n.text for n in root.find(".//title")}
    assert title == {"ar": "مشروع تجريبي", "en": "A project"}
    general = root.find(".//description[@type='1']")
    assert [n.get(iati.XML_LANG) for n in general] == ["ar", "en"]


def test_participating_organisations_carry_iati_roles_and_supporting_is_left_out(client, world):
    root = _download(client, iati_ready(world))
    roles = {
        org.find("narrative[@{http://www.w3.org/XML/1998/namespace}lang='en']").text: org.get(
            "role"
        )
        for org in root.iter("participating-org")
    }
    assert roles == {"Organisation world-vision": "3", "Organisation shams": "4"}
    assert "Organisation another-ngo" not in roles  # supporting has no IATI role


def test_a_closed_project_reports_actual_start_and_end(client, world):
    root = _download(client, iati_ready(world))
    assert {d.get("type"): d.get("iso-date") for d in root.iter("activity-date")} == {
        "2": "2023-08-01",
        "4": "2023-08-30",
    }
    assert root.find(".//activity-status").get("code") == "4"


def test_a_project_in_preparation_reports_planned_dates(world):
    iati_ready(world)
    world.project.status = 1
    world.project.save()
    root = iati.activity_xml(world.project, today=dt.date(2023, 1, 1))
    assert sorted(d.get("type") for d in root.iter("activity-date")) == ["1", "3"]


def test_an_actual_date_in_the_future_is_reported_as_planned(world):
    iati_ready(world)
    world.project.status = 2
    world.project.save()
    root = iati.activity_xml(world.project, today=dt.date(2023, 7, 1))
    assert sorted(d.get("type") for d in root.iter("activity-date")) == ["1", "3"]


def test_target_areas_are_locations_with_their_p_codes(client, world):
    root = _download(client, iati_ready(world))
    assert root.find(".//recipient-country").get("code") == "IQ"
    location = root.find(".//location")
    assert location.get("ref") == "IQG01Q03N03"
    assert location.find("feature-designation").get("code") == "ADM3"
    assert location.find("location-class").get("code") == "1"


def test_sectors_are_dac_15220_and_sdg_target_16a_each_at_100_percent(client, world):
    root = _download(client, iati_ready(world))
    sectors = {
        (s.get("vocabulary"), s.get("code"), s.get("percentage")) for s in root.iter("sector")
    }
    assert sectors == {("1", "15220", "100"), ("8", "16.a", "100")}


def test_results_carry_baseline_target_actual_and_hide_small_cells(client, world):
    root = _download(client, iati_ready(world))
    result = root.find(".//result")
    assert result.get("type") == "1"  # an activity is an output
    indicator = result.find("indicator")
    assert indicator.get("measure") == "1"
    assert indicator.find("baseline").get("value") == "0"
    period = indicator.find("period")
    assert period.find("target").get("value") == "200"
    actuals = {
        tuple((d.get("name"), d.get("value")) for d in a.iter("dimension")): a.get("value")
        for a in period.iter("actual")
    }
    assert actuals == {(): "180", (("sex", "f"),): "90"}  # 3 men: fewer than 5, left out


def test_a_qualitative_indicator_is_reported_in_words_without_a_value(client, world, schema):
    iati_ready(world)
    qualitative = Indicator.objects.create(
        node=world.result,
        name_ar="جودة الحوار",
        name_en="Quality of dialogue",
        measure="qualitative",
    )
    IndicatorTarget.objects.create(indicator=qualitative, period=world.period, value=Decimal(1))
    IndicatorValue.objects.create(
        indicator=qualitative, period=world.period, value=Decimal(1), note="حوار بنّاء"
    )
    root = _download(client, world)
    schema.assertValid(root)
    element = root.xpath(".//indicator[@measure='5']")[0]
    actual = element.find("period/actual")
    assert actual.get("value") is None
    assert actual.findtext("comment/narrative") == "حوار بنّاء"


def test_the_ruleset_check_finds_percentages_that_do_not_add_up(world):
    iati_ready(world)
    root = iati.activity_xml(world.project)
    root.find(".//sector").set("percentage", "60")
    assert "sector percentages of vocabulary 1 sum to 60" in iati.ruleset_problems(root)


def test_the_ruleset_check_finds_a_missing_start_date_and_a_non_numeric_value(world):
    iati_ready(world)
    root = iati.activity_xml(world.project)
    for date in root.findall(".//activity-date"):
        date.getparent().remove(date)
    root.find(".//target").set("value", "many")
    problems = iati.ruleset_problems(root)
    assert "an activity-date of type 1 or 2 (start) must be present" in problems
    assert "indicator value 'many' is not a number" in problems


def test_a_project_missing_data_gets_a_list_of_what_to_fill_in_not_a_file(client, world):
    world.project.participants.all().delete()
    client.force_login(world.users["shams_viewer"])
    with translation.override("en"):
        response = client.get(
            reverse("reports:iati", args=[world.project.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    for field in (
        "IATI organisation identifier",
        "Project code",
        "Summary",
        "Participating organisations",
    ):
        assert field in page
    assert reverse("accounts:organisation_edit", args=["shams"]) in page
    assert reverse("programmes:project_edit", args=[world.project.pk]) in page
    assert reverse("programmes:participant_add", args=[world.project.pk]) in page
    assert not AuditEvent.objects.filter(action="export.iati").exists()


def test_the_list_of_what_to_fill_in_is_in_arabic_by_default(client, world):
    client.force_login(world.users["shams_viewer"])
    response = client.get(reverse("reports:iati", args=[world.project.pk]))
    assert 'dir="rtl"' in response.content.decode()


def test_each_download_is_audited_as_an_export(client, world):
    _download(client, iati_ready(world))
    event = AuditEvent.objects.get(action="export.iati")
    assert event.actor == world.users["shams_viewer"]
    assert event.object_id == str(world.project.pk)


def test_an_outsider_gets_404(client, world):
    client.force_login(world.users["outsider"])
    assert (
        client.get(reverse("reports:iati", args=[iati_ready(world).project.pk])).status_code == 404
    )


def test_a_qualitative_value_without_words_is_listed_to_fill_in(world):
    iati_ready(world)
    qualitative = Indicator.objects.create(
        node=world.result, name_ar="جودة", name_en="Quality", measure="qualitative"
    )
    IndicatorValue.objects.create(indicator=qualitative, period=world.period, value=Decimal(1))
    with translation.override("en"):
        missing = iati.missing_data(world.project)
    assert [m.url for m in missing] == [reverse("programmes:indicator", args=[qualitative.pk])]
    assert "Quality" in missing[0].field
