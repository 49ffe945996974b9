"""Uploading XLSForms: parsed by pyxform, versions kept, problems named by row, nothing half-saved."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from jusoor.core.models import AuditEvent
from jusoor.surveys import services
from jusoor.surveys.models import Form, FormVersion
from jusoor.surveys.tests.factories import CHOICES, SURVEY, xlsform_bytes


def in_english(client):
    client.cookies["jusoor_language"] = "en"


def upload(client, world, content: bytes, name: str = "form.xlsx", **extra):
    url = reverse("surveys:form_upload", kwargs={"pk": world.project.pk})
    return client.post(url, {"file": SimpleUploadedFile(name, content), **extra})


def test_an_me_officer_uploads_an_xlsform_and_sees_its_questions(client, world):
    client.force_login(world.users["shams_me_officer"])
    response = upload(client, world, xlsform_bytes(), key_informant="on")
    form = Form.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "surveys:form", kwargs={"pk": form.pk}
    )
    version = form.current_version
    assert (form.form_id, version.version, form.title) == (
        "pve_survey",
        "1",
        "استبيان التطرف العنيف",
    )
    assert form.is_key_informant_guide
    assert version.default_language == "Arabic (ar)"
    assert version.languages == ["Arabic (ar)", "English (en)"]
    assert "<h:title>استبيان التطرف العنيف</h:title>" in version.xform
    questions = version.question_map()
    assert questions["respondent"]["pii"] and questions["household/member_name"]["pii"]
    assert not questions["age"]["pii"]
    assert questions["age"]["constraint"] == ". >= 15 and . <= 99"
    assert questions["sex"]["required"] and questions["sex"]["row"] == 3
    assert questions["household/member_age"]["repeat"] == "household"
    assert [c["name"] for c in questions["causes"]["choices"]] == [
        "poverty",
        "unemployment",
        "injustice",
    ]
    assert AuditEvent.objects.filter(action="survey.form.upload").count() == 1

    page = client.get(response["Location"])
    assert "أسباب التطرف" in page.content.decode()


def test_a_new_upload_of_the_same_form_id_is_a_new_version(client, world):
    client.force_login(world.users["shams_me_officer"])
    upload(client, world, xlsform_bytes())
    upload(client, world, xlsform_bytes(version="2"))
    form = Form.objects.get()
    assert list(form.versions.values_list("version", flat=True)) == ["2", "1"]
    assert form.current_version.version == "2"


def test_the_same_version_twice_is_refused(client, world):
    client.force_login(world.users["shams_me_officer"])
    upload(client, world, xlsform_bytes())
    in_english(client)
    response = upload(client, world, xlsform_bytes())
    assert response.status_code == 200
    assert "Raise the version" in response.content.decode()
    assert FormVersion.objects.count() == 1


def test_unsupported_question_types_are_listed_by_row(client, world):
    survey = [
        *SURVEY[:3],
        ["geopoint", "location", "الموقع", "Location", "", "", "", "", ""],
        *SURVEY[3:],
    ]
    client.force_login(world.users["shams_me_officer"])
    response = upload(client, world, xlsform_bytes(survey=survey))
    version = FormVersion.objects.get()
    assert version.unsupported == [
        {"row": 4, "name": "location", "type": "geopoint", "reason": "type"}
    ]
    assert "location" in version.question_map()  # kept, not dropped
    in_english(client)
    page = client.get(response["Location"])
    assert "Row 4: location (geopoint)" in page.content.decode()


def test_choices_from_a_file_are_listed_and_earlier_answers_and_or_other_are_not(client, world):
    """The web form cannot offer the choices of a file (``select_one_from_file``); choices from
    earlier answers (``select_one ${name}``) and or_other's text question, which pyxform adds
    with ``../name`` in its relevant, it can."""
    survey = [
        *SURVEY,
        ["select_one causes or_other", "main_cause", "السبب", "Main cause", "", "", "", "", ""],
        ["select_one ${member_name}", "head", "رب الأسرة", "Head", "", "", "", "", ""],
        ["select_one_from_file towns.csv", "town", "البلدة", "Town", "", "", "", "", ""],
    ]
    client.force_login(world.users["shams_me_officer"])
    upload(client, world, xlsform_bytes(survey=survey))
    version = FormVersion.objects.get()
    assert version.unsupported == [
        {"row": 15, "name": "town", "type": "select one towns.csv", "reason": "type"}
    ]
    assert version.question_map()["main_cause_other"]["row"] == 13


def test_an_expression_outside_the_web_forms_subset_is_listed_with_its_row(client, world):
    rule = "pulldata('rates', 'x', 'y', 'z') > 1"
    survey = [*SURVEY, ["integer", "rate", "المعدل", "Rate", "", rule, "", "", ""]]
    client.force_login(world.users["shams_me_officer"])
    upload(client, world, xlsform_bytes(survey=survey))
    problem = FormVersion.objects.get().unsupported[-1]
    assert (problem["row"], problem["name"], problem["reason"]) == (13, "rate", "relevant")
    assert "pulldata()" in problem["detail"]


def test_a_broken_xlsform_gets_pyxforms_message_naming_the_row_and_nothing_is_saved(client, world):
    survey = [*SURVEY, ["select_one missing_list", "q", "س", "Q", "", "", "", "", ""]]
    client.force_login(world.users["shams_me_officer"])
    response = upload(client, world, xlsform_bytes(survey=survey))
    assert response.status_code == 200
    assert "[row : 13]" in response.content.decode()
    assert (
        not Form.objects.exists()
        and not AuditEvent.objects.filter(action="survey.form.upload").exists()
    )


def test_a_file_that_is_not_an_xlsform_is_refused_clearly(client, world):
    client.force_login(world.users["shams_me_officer"])
    in_english(client)
    response = upload(client, world, b"PK\x03\x04 not really a zip", "form.xlsx")
    other = upload(client, world, b"hello", "notes.txt")
    assert "could not be read as an XLSForm" in response.content.decode()
    assert "must be an Excel XLSForm" in other.content.decode()
    assert not Form.objects.exists()


def test_a_form_without_a_choices_list_names_the_problem(client, world):
    client.force_login(world.users["shams_me_officer"])
    response = upload(client, world, xlsform_bytes(choices=[CHOICES[0], *CHOICES[1:3]]))
    assert response.status_code == 200
    assert "causes" in response.content.decode()
    assert not Form.objects.exists()


def test_an_enumerator_cannot_upload_forms(client, world):
    client.force_login(world.users["shams_enumerator"])
    assert upload(client, world, xlsform_bytes()).status_code == 403
    assert not Form.objects.exists()


def test_a_form_without_settings_takes_its_id_from_the_file_name(world):
    workbook = Workbook()
    workbook.active.title = "survey"
    workbook.active.append(["type", "name", "label"])
    workbook.active.append(["text", "remarks", "Remarks"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    version = services.upload_form(None, world.project, buffer.getvalue(), "mayors meeting.xlsx")
    assert version.form.form_id == "mayors_meeting"
