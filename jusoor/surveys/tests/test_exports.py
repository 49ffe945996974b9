"""Exports lose nothing: repeats as their own tables, select_multiple both ways, Arabic intact."""

from __future__ import annotations

import csv
import io
import zipfile

import pyreadstat
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.urls import reverse
from openpyxl import load_workbook

from jusoor.core.models import AuditEvent
from jusoor.jobs.models import Job
from jusoor.jobs.testing import run_queued_jobs
from jusoor.surveys import services
from jusoor.surveys.models import Channel, Form, KoboImport, Submission
from jusoor.surveys.tests.factories import SURVEY, make_form, submission_xml


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Job results are written under MEDIA_ROOT: keep them out of var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def survey(world) -> Form:
    form = make_form(world.project)
    forms: QuerySet[Form] = Form.objects.filter(pk=form.pk)
    enumerator = world.users["shams_enumerator"]
    services.receive_submission(forms=forms, raw=submission_xml("uuid:1"), enumerator=enumerator)
    services.receive_submission(
        forms=forms,
        raw=submission_xml(
            "uuid:2", sex="male", age="51", causes="unemployment", members=(("علي", "20"),)
        ),
        enumerator=enumerator,
    )
    return form


def export_response(client, survey, **params):
    """Ask for an export, let the worker run it, and download the file from the job's page."""
    response = client.post(reverse("surveys:export", kwargs={"pk": survey.pk}), params)
    assert response.status_code == 302, response.content[:500]
    (job,) = run_queued_jobs()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == "done", job.error
    page = client.get(job.get_absolute_url()).content.decode()
    download_url = reverse("jobs:download", args=[job.pk])
    assert download_url in page
    return client.get(download_url)


def download(client, survey, **params) -> bytes:
    response = export_response(client, survey, **params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def read_zip_csv(content: bytes) -> dict[str, list[list[str]]]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    tables = {}
    for name in archive.namelist():
        text = archive.read(name).decode("utf-8")
        assert text.startswith("\ufeff")
        tables[name] = list(csv.reader(io.StringIO(text[1:])))
    return tables


def test_csv_export_has_a_bom_one_column_per_choice_and_repeats_in_their_own_file(
    client, world, survey
):
    client.force_login(world.users["shams_me_officer"])
    tables = read_zip_csv(download(client, survey, format="csv", headers="xml", hxl="on"))
    main = tables["pve_survey-data.csv"]
    header, hxl, first, second = main
    assert header[:3] == ["_index", "_uuid", "_submission_time"]
    assert "respondent" not in header  # personal data left out
    assert "causes" in header and "causes/poverty" in header and "causes/injustice" in header
    row = dict(zip(header, first, strict=True))
    assert row["causes"] == "poverty injustice"
    assert (row["causes/poverty"], row["causes/unemployment"], row["causes/injustice"]) == (
        "1",
        "0",
        "1",
    )
    assert row["trust/police"] == "2"
    assert hxl[header.index("sex")] == "#sex" and hxl[header.index("_uuid")] == "#meta+id"
    household = tables["pve_survey-household.csv"]
    assert household[0][:3] == ["_index", "_parent_index", "_submission__uuid"]
    assert "household/member_name" not in household[0]
    parents = [r[1] for r in household[2:]]
    assert parents == ["1", "1", "2"]
    event = AuditEvent.objects.get(action="survey.export")
    assert event.data["format"] == "csv" and event.data["personal_data"] is False


def test_csv_of_a_form_without_repeats_is_one_file(client, world):
    flat = make_form(world.project, survey=SURVEY[:8], form_id="flat")
    services.receive_submission(
        forms=Form.objects.filter(pk=flat.pk),
        raw=submission_xml("uuid:f", form_id="flat", members=()),
    )
    client.force_login(world.users["shams_admin"])
    response = export_response(client, flat, format="csv", headers="ar")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="flat.csv"' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text[1:])))
    header = table[0]
    assert "الجنس" in header and "أسباب التطرف/الفقر" in header
    assert dict(zip(header, table[1], strict=True))["الجنس"] == "أنثى"


def test_personal_data_comes_only_when_asked_and_the_audit_says_so(client, world, survey):
    client.force_login(world.users["shams_programme_manager"])
    tables = read_zip_csv(download(client, survey, format="csv", headers="xml", personal_data="on"))
    header, first = tables["pve_survey-data.csv"][:2]
    assert dict(zip(header, first, strict=True))["respondent"] == "فاطمة علي"
    assert "حسن" in tables["pve_survey-household.csv"][1]
    assert AuditEvent.objects.get(action="survey.export").data["personal_data"] is True


def test_asking_for_personal_data_without_the_right_is_refused(client, world, survey, monkeypatch):
    from jusoor.accounts import roles

    monkeypatch.setitem(
        roles.CAPABILITIES,
        roles.Role.ME_OFFICER,
        roles.CAPABILITIES[roles.Role.ME_OFFICER] - {roles.Can.VIEW_PERSONAL_DATA},
    )
    client.force_login(world.users["shams_me_officer"])
    response = client.post(
        reverse("surveys:export", kwargs={"pk": survey.pk}),
        {"format": "csv", "headers": "xml", "personal_data": "on"},
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="survey.export").exists()
    assert not Job.objects.exists()


def test_xlsx_export_has_a_sheet_per_repeat_linked_by_index(client, world, survey):
    client.force_login(world.users["shams_me_officer"])
    workbook = load_workbook(io.BytesIO(download(client, survey, format="xlsx", headers="ar")))
    assert workbook.sheetnames == ["data", "household"]
    data = list(workbook["data"].values)
    assert "الجنس" in data[0]
    assert data[1][data[0].index("الجنس")] == "أنثى"
    assert data[2][data[0].index("العمر")] == 51  # a number, not text
    household = list(workbook["household"].values)
    assert household[0][:2] == ("_index", "_parent_index")
    assert [r[1] for r in household[1:]] == [1, 1, 2]


def test_spss_export_keeps_arabic_variable_and_value_labels(client, world, survey, tmp_path):
    client.force_login(world.users["shams_me_officer"])
    content = download(client, survey, format="sav", headers="ar")
    archive = zipfile.ZipFile(io.BytesIO(content))
    path = tmp_path / "data.sav"
    path.write_bytes(archive.read("pve_survey-data.sav"))
    frame, meta = pyreadstat.read_sav(str(path))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["sex"] == "الجنس"
    assert labels["causes_poverty"] == "أسباب التطرف: الفقر"
    assert meta.variable_value_labels["sex"] == {"female": "أنثى", "male": "ذكر"}
    assert meta.variable_value_labels["causes_poverty"] == {0: "لا", 1: "نعم"}
    assert list(frame["sex"]) == ["female", "male"]
    assert list(frame["age"]) == [34, 51]
    assert list(frame["causes_injustice"]) == [1, 0]


LONG_QUESTION = "ما هي الأسباب التي تدفع الشباب في منطقتك إلى الانضمام إلى الجماعات المتطرفة؟ " * 4
LONG_CHOICE = "أنثى، بحسب ما صرّحت به المستجيبة في بداية المقابلة " * 3


def test_spss_cuts_long_arabic_labels_at_its_limits_without_breaking_a_letter(
    client, world, tmp_path
):
    """SPSS holds 256 bytes of a variable label and 120 of a value label: a long Arabic label
    (two bytes a letter) comes back as its own beginning, never as half a letter."""
    survey = [SURVEY[0], ["select_one sex", "sex", LONG_QUESTION, "Sex", "", "", "", "", ""]]
    choices = [
        ["list_name", "name", "label::Arabic (ar)", "label::English (en)"],
        ["sex", "female", LONG_CHOICE, "Female"],
        ["sex", "male", "ذكر", "Male"],
    ]
    form = make_form(world.project, survey=survey, choices=choices, form_id="long")
    raw = b'<data id="long" version="1"><sex>female</sex><meta><instanceID>uuid:l1</instanceID></meta></data>'
    services.receive_submission(forms=Form.objects.filter(pk=form.pk), raw=raw)
    client.force_login(world.users["shams_me_officer"])
    path = tmp_path / "long.sav"
    path.write_bytes(download(client, form, format="sav", headers="ar"))
    frame, meta = pyreadstat.read_sav(str(path))
    label = dict(zip(meta.column_names, meta.column_labels, strict=True))["sex"]
    value = meta.variable_value_labels["sex"]["female"]
    assert 200 < len(label.encode()) <= 256 and LONG_QUESTION.startswith(label)
    assert 100 < len(value.encode()) <= 120 and LONG_CHOICE.startswith(value)
    assert "\ufffd" not in label + value
    assert list(frame["sex"]) == ["female"]


def test_an_export_page_is_shown_without_a_format(client, world, survey):
    client.force_login(world.users["shams_me_officer"])
    response = client.get(reverse("surveys:export", kwargs={"pk": survey.pk}))
    assert response.status_code == 200
    assert b'name="format"' in response.content


# --- how each submission arrived ---------------------------------------------------------------

SELF_AR, SELF_EN = "تعبئة ذاتية (رابط عام)", "Self-completed (public link)"
PHONE = "ODK Collect / KoboCollect"  # the same in both languages


@pytest.fixture
def two_channels(world) -> Form:
    """One answer sent from an enumerator's phone, one the respondent filled alone."""
    form = make_form(world.project)
    forms: QuerySet[Form] = Form.objects.filter(pk=form.pk)
    services.receive_submission(
        forms=forms, raw=submission_xml("uuid:1"), enumerator=world.users["shams_enumerator"]
    )
    services.receive_submission(
        forms=forms, raw=submission_xml("uuid:2", sex="male"), channel=Channel.SELF
    )
    return form


def channels_in(rows: list, header: list) -> list:
    return [row[list(header).index("_channel")] for row in rows]


@pytest.mark.parametrize(
    "headers,expected",
    [("ar", [PHONE, SELF_AR]), ("en", [PHONE, SELF_EN]), ("xml", ["openrosa", "self"])],
)
def test_xlsx_says_how_each_submission_arrived(client, world, two_channels, headers, expected):
    client.force_login(world.users["shams_me_officer"])
    content = download(client, two_channels, format="xlsx", headers=headers)
    header, *rows = list(load_workbook(io.BytesIO(content))["data"].values)
    assert header.index("_channel") == header.index("_enumerator") + 1
    assert channels_in(rows, header) == expected


def test_csv_says_how_each_submission_arrived_with_its_hxl_tag(client, world, two_channels):
    client.force_login(world.users["shams_me_officer"])
    content = download(client, two_channels, format="csv", headers="xml", hxl="on")
    header, hxl, *rows = read_zip_csv(content)["pve_survey-data.csv"]
    assert hxl[header.index("_channel")] == "#meta+channel"
    assert channels_in(rows, header) == ["openrosa", "self"]
    content = download(client, two_channels, format="csv", headers="ar")
    header, *rows = read_zip_csv(content)["pve_survey-data.csv"]
    assert channels_in(rows, header) == [PHONE, SELF_AR]


@pytest.mark.parametrize("headers,self_label", [("ar", SELF_AR), ("en", SELF_EN)])
def test_spss_has_the_channel_with_value_labels(
    client, world, two_channels, tmp_path, headers, self_label
):
    client.force_login(world.users["shams_me_officer"])
    content = download(client, two_channels, format="sav", headers=headers)
    path = tmp_path / "data.sav"
    path.write_bytes(zipfile.ZipFile(io.BytesIO(content)).read("pve_survey-data.sav"))
    frame, meta = pyreadstat.read_sav(str(path))
    assert list(frame["channel"]) == ["openrosa", "self"]
    value_labels = meta.variable_value_labels["channel"]
    assert value_labels["self"] == self_label and value_labels["openrosa"] == PHONE
    assert set(value_labels) == set(Channel.values)
    labelled, _meta = pyreadstat.read_sav(str(path), apply_value_formats=True)
    assert list(labelled["channel"]) == [PHONE, self_label]


def reimport(client, form: Form, content: bytes, name: str) -> KoboImport:
    """Upload a file on the form's import page and let the worker check it."""
    url = reverse("surveys:import_upload", kwargs={"pk": form.pk})
    client.post(url, {"file": SimpleUploadedFile(name, content)})
    run_queued_jobs()
    return KoboImport.objects.order_by("-pk").first()


@pytest.mark.parametrize("headers", ["ar", "xml"])
def test_our_xlsx_export_imports_back_as_nothing_new_and_no_problem(
    client, world, two_channels, headers
):
    client.force_login(world.users["shams_me_officer"])
    content = download(client, two_channels, format="xlsx", headers=headers)
    batch = reimport(client, two_channels, content, "export.xlsx")
    preview = batch.preview
    assert preview["problem_count"] == 0, preview["problems"]
    assert (preview["rows"], preview["existing"], preview["new"]) == (2, 2, 0)
    kinds = {c["column"]: c["kind"] for c in preview["columns"] if c["sheet"] == "data"}
    assert kinds["_channel"] == "meta"
    assert not [c for c in preview["columns"] if c["kind"] == "unmatched"]
    assert services.commit_import(None, batch) == 0
    assert Submission.objects.filter(form=two_channels).count() == 2


@pytest.mark.parametrize("headers", ["ar", "en", "xml"])
def test_a_copy_imported_from_our_export_keeps_each_channel_and_the_synthetic_label(
    client, world, two_channels, headers
):
    """Moved to another form (or another instance) through our own export, a submission still
    says how it first arrived, and synthetic demo data stays labelled synthetic."""
    Submission.objects.filter(form=two_channels, instance_id="uuid:2").update(synthetic=True)
    client.force_login(world.users["shams_me_officer"])
    content = download(client, two_channels, format="xlsx", headers=headers)
    copy = make_form(world.project, form_id="pve_copy")
    batch = reimport(client, copy, content, "export.xlsx")
    assert services.commit_import(None, batch) == 2
    copied = Submission.objects.filter(form=copy).order_by("instance_id")
    assert [(s.channel, s.synthetic, s.import_batch_id) for s in copied] == [
        (Channel.OPENROSA, False, batch.pk),
        (Channel.SELF, True, batch.pk),
    ]


def test_a_kobo_export_without_our_columns_is_marked_imported_and_not_synthetic(
    client, world, two_channels
):
    client.force_login(world.users["shams_me_officer"])
    content = b"_uuid,sex,age\nk1,female,31\n"
    batch = reimport(client, two_channels, content, "kobo.csv")
    assert services.commit_import(None, batch) == 1
    added = Submission.objects.get(instance_id="uuid:k1")
    assert (added.channel, added.synthetic) == (Channel.IMPORT, False)


@pytest.mark.parametrize("hxl", ["", "on"])
def test_our_csv_export_imports_back_as_nothing_new_and_no_problem(client, world, hxl):
    flat = make_form(world.project, survey=SURVEY[:8], form_id="flat")
    forms = Form.objects.filter(pk=flat.pk)
    services.receive_submission(forms=forms, raw=submission_xml("uuid:f1", form_id="flat"))
    services.receive_submission(
        forms=forms, raw=submission_xml("uuid:f2", form_id="flat"), channel=Channel.SELF
    )
    client.force_login(world.users["shams_me_officer"])
    content = download(client, flat, format="csv", headers="xml", hxl=hxl)
    assert (b"#meta+channel" in content) == bool(hxl)
    batch = reimport(client, flat, content, "flat.csv")
    preview = batch.preview
    assert preview["problem_count"] == 0, preview["problems"]
    assert (preview["rows"], preview["existing"], preview["new"]) == (2, 2, 0)
    assert {c["column"]: c["kind"] for c in preview["columns"]}["_channel"] == "meta"
    assert not [c for c in preview["columns"] if c["kind"] == "unmatched"]
    assert services.commit_import(None, batch) == 0


@pytest.mark.parametrize("hxl", ["", "on"])
def test_our_csv_zip_of_a_form_with_repeats_imports_into_a_copy_of_the_form(
    client, world, two_channels, hxl
):
    """A form with repeat groups exports to CSV as a zip of one CSV per table; that zip imports
    back (into an empty copy of the form) with every answer, repeats included."""
    client.force_login(world.users["shams_me_officer"])
    content = download(client, two_channels, format="csv", headers="xml", hxl=hxl)
    assert len(read_zip_csv(content)) > 1  # the form's CSV and its repeats'
    copy = make_form(world.project, form_id="pve_copy")
    batch = reimport(client, copy, content, "export.zip")
    preview = batch.preview
    assert preview["problem_count"] == 0, preview["problems"]
    assert (preview["rows"], preview["new"]) == (2, 2)
    assert services.commit_import(None, batch) == 2

    def answers(form):  # meta/instanceID is the row's own id, stored apart on import
        found = Submission.objects.filter(form=form).values_list("instance_id", "answers")
        return {i: {k: v for k, v in a.items() if not k.startswith("meta/")} for i, a in found}

    copied = answers(copy)
    assert copied == answers(two_channels)
    assert any(isinstance(v, list) and v for v in copied["uuid:1"].values())  # a repeat came back
    again = reimport(client, copy, content, "export.zip")
    assert (again.preview["new"], services.commit_import(None, again)) == (0, 0)
