"""Importing KoboToolbox exports: preview first, then all or nothing, never twice."""

from __future__ import annotations

import csv
import inspect
import io
import pickle

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from jusoor.core.models import AuditEvent
from jusoor.jobs.testing import run_queued_jobs
from jusoor.surveys import import_files, kobo_import, services
from jusoor.surveys.models import Form, KoboImport, Submission
from jusoor.surveys.tests.factories import make_form, submission_xml

HEADERS = [
    "start",
    "respondent",
    "sex",
    "age",
    "causes",
    "causes/poverty",
    "causes/unemployment",
    "causes/injustice",
    "trust/police",
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_index",
]


def kobo_xlsx(rows, repeat_rows=None, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "PVE survey"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if repeat_rows is not None:
        repeat = workbook.create_sheet("household")
        repeat.append(
            [
                "member_name",
                "member_age",
                "_index",
                "_parent_index",
                "_parent_table_name",
                "_submission__uuid",
            ]
        )
        for row in repeat_rows:
            repeat.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ROWS = [
    [
        "2023-08-02T09:00:00",
        "أحمد",
        "male",
        34,
        "poverty injustice",
        1,
        0,
        1,
        2,
        101,
        "0b7c2c5e-1111-4b0a-9c55-000000000001",
        "2023-08-02T10:00:00",
        "validation_status_approved",
        1,
    ],
    [
        "2023-08-02T09:30:00",
        "مريم",
        "female",
        27,
        "unemployment",
        0,
        1,
        0,
        3,
        102,
        "0b7c2c5e-1111-4b0a-9c55-000000000002",
        "2023-08-02T10:30:00",
        "",
        2,
    ],
]
REPEATS = [
    ["حسن", 12, 1, 1, "PVE survey", "x"],
    ["زينب", 8, 2, 1, "PVE survey", "x"],
    ["علي", 20, 3, 2, "PVE survey", "x"],
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Job results are written under MEDIA_ROOT: keep them out of var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def survey(world) -> Form:
    return make_form(world.project)


@pytest.fixture
def officer(client, world):
    client.force_login(world.users["shams_me_officer"])
    client.cookies["jusoor_language"] = "en"
    return client


def upload(client, survey, content: bytes, name: str = "export.xlsx", check: bool = True):
    """Upload as the page does; with ``check``, the worker then checks the file."""
    url = reverse("surveys:import_upload", kwargs={"pk": survey.pk})
    response = client.post(url, {"file": SimpleUploadedFile(name, content)})
    if check:
        run_queued_jobs()
    return response


def test_an_xlsx_export_with_a_repeat_sheet_is_previewed_then_written(officer, survey):
    response = upload(officer, survey, kobo_xlsx(ROWS, REPEATS))
    batch = KoboImport.objects.get()
    assert response["Location"] == reverse("surveys:import_preview", kwargs={"pk": batch.pk})
    assert not Submission.objects.exists()  # a preview writes nothing
    preview = batch.preview
    assert (preview["rows"], preview["new"], preview["problem_count"]) == (2, 2, 0)
    matched = {c["column"]: c["matched"] for c in preview["columns"]}
    assert (
        matched["trust/police"] == "trust/police"
        and matched["member_age"] == "household/member_age"
    )
    page = officer.get(response["Location"]).content.decode()
    assert "Import 2 submissions" in page

    response = officer.post(reverse("surveys:import_commit", kwargs={"pk": batch.pk}))
    assert response["Location"] == reverse("surveys:import_preview", kwargs={"pk": batch.pk})
    page = officer.get(response["Location"]).content.decode()
    assert "Waiting to start" in page and "job-progress" in page
    assert not Submission.objects.exists()  # the worker writes them
    (job,) = run_queued_jobs()
    assert job.status == "done" and job.result_data["added"] == 2
    page = officer.get(response["Location"]).content.decode()
    assert "Imported: 2 submissions." in page
    first = Submission.objects.get(instance_id="uuid:0b7c2c5e-1111-4b0a-9c55-000000000001")
    assert first.status == "approved" and first.channel == "import"
    assert first.answers["causes"] == "poverty injustice" and first.answers["age"] == "34"
    assert first.answers["household"] == [
        {"household/member_age": "12"},
        {"household/member_age": "8"},
    ]
    assert first.personal_answers()["respondent"] == "أحمد"
    assert first.personal_answers()["household"][1] == {"household/member_name": "زينب"}
    assert first.received_at.isoformat().startswith("2023-08-02T10:00:00")
    assert "<member_name>" in first.xml
    assert AuditEvent.objects.filter(action="survey.import", data__added=2).exists()


def test_importing_the_same_file_again_adds_nothing(officer, survey):
    content = kobo_xlsx(ROWS, REPEATS)
    upload(officer, survey, content)
    services.commit_import(None, KoboImport.objects.get())
    upload(officer, survey, content)
    again = KoboImport.objects.order_by("-pk").first()
    assert again.preview["existing"] == 2 and again.preview["new"] == 0
    assert services.commit_import(None, again) == 0
    assert Submission.objects.count() == 2


def test_a_row_already_received_from_odk_collect_is_not_duplicated(officer, world, survey):
    raw = submission_xml("uuid:0b7c2c5e-1111-4b0a-9c55-000000000001")
    services.receive_submission(forms=Form.objects.filter(pk=survey.pk), raw=raw)
    upload(officer, survey, kobo_xlsx(ROWS))
    assert services.commit_import(None, KoboImport.objects.get()) == 1
    assert Submission.objects.count() == 2


def test_labels_and_group_labels_in_headers_are_matched(officer, survey):
    headers = ["الجنس", "العمر", "أسباب التطرف", "الثقة/الثقة بالشرطة", "_uuid"]
    rows = [["أنثى", "٣٤", "الفقر; الظلم", "أثق قليلاً", "abc"]]
    upload(officer, survey, kobo_xlsx(rows, headers=headers))
    batch = KoboImport.objects.get()
    assert batch.preview["problem_count"] == 0, batch.preview["problems"]
    services.commit_import(None, batch)
    answers = Submission.objects.get().answers
    assert answers == {
        "sex": "female",
        "age": "34",
        "causes": "poverty injustice",
        "trust/police": "2",
    }


def test_select_multiple_given_only_as_0_1_columns_is_rebuilt(officer, survey):
    headers = ["sex", "causes/poverty", "causes/unemployment", "causes/injustice", "_uuid"]
    upload(officer, survey, kobo_xlsx([["male", "1", "1", "0", "u1"]], headers=headers))
    services.commit_import(None, KoboImport.objects.get())
    assert Submission.objects.get().answers["causes"] == "poverty unemployment"


@pytest.mark.parametrize(
    "encoding,bom",
    [("utf-8", False), ("utf-8", True), ("cp1256", False)],
    ids=["utf8", "utf8-bom", "windows-1256"],
)
def test_csv_exports_in_each_encoding_are_read(officer, survey, encoding, bom):
    text = "_uuid;sex;age;causes;trust/police\nu1;female;30;poverty;1\nu2;ذكر;41;الظلم;3\n"
    content = (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)
    upload(officer, survey, content, "export.csv")
    batch = KoboImport.objects.get()
    assert batch.preview["problem_count"] == 0, batch.preview["problems"]
    services.commit_import(None, batch)
    assert Submission.objects.get(instance_id="uuid:u2").answers["sex"] == "male"


def test_r_mangled_headers_are_understood(officer, survey):
    text = "X.U.FEFF.sex,age,X_uuid,X_index\nmale,40,u9,1\n"
    upload(officer, survey, text.encode(), "export.csv")
    batch = KoboImport.objects.get()
    kinds = {c["column"]: c["kind"] for c in batch.preview["columns"]}
    assert kinds == {"sex": "question", "age": "question", "X_uuid": "meta", "X_index": "meta"}
    services.commit_import(None, batch)
    assert Submission.objects.get().instance_id == "uuid:u9"


def test_nul_characters_are_dropped_so_that_postgresql_can_keep_the_preview(officer, survey):
    text = "_uuid,s\x00ex,age\nu1,fe\x00male,30\n"
    upload(officer, survey, text.encode(), "export.csv")
    batch = KoboImport.objects.get()
    assert batch.preview["problem_count"] == 0, batch.preview["problems"]
    services.commit_import(None, batch)
    assert Submission.objects.get().answers == {"sex": "female", "age": "30"}


BAD_FILES = {
    "unknown-choice": (
        ["sex", "_uuid"],
        [["unknown", "u1"]],
        "PVE survey",
        2,
        "sex",
        "not a choice",
    ),
    "not-a-number": (
        ["age", "_uuid"],
        [["ثلاثون", "u1"]],
        "PVE survey",
        2,
        "age",
        "not a whole number",
    ),
    "duplicate-uuid": (
        ["sex", "_uuid"],
        [["male", "u1"], ["female", "u1"]],
        "PVE survey",
        3,
        "_uuid",
        "same _uuid",
    ),
    "no-matching-column": (["colour", "_uuid"], [["red", "u1"]], "PVE survey", 1, "", "No column"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_problems_are_named_by_sheet_row_and_column_and_nothing_is_written(officer, survey, case):
    headers, rows, sheet, row, column, message = BAD_FILES[case]
    upload(officer, survey, kobo_xlsx(rows, headers=headers))
    batch = KoboImport.objects.get()
    problem = batch.preview["problems"][0]
    assert (problem["sheet"], problem["row"], problem["column"]) == (sheet, row, column)
    assert message in problem["message"]
    page = officer.get(reverse("surveys:import_preview", kwargs={"pk": batch.pk})).content.decode()
    assert "Nothing is written" in page
    response = officer.post(reverse("surveys:import_commit", kwargs={"pk": batch.pk}), follow=True)
    assert "problems" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_repeat_row_pointing_at_no_parent_is_a_problem(officer, survey):
    upload(officer, survey, kobo_xlsx(ROWS, [["حسن", 12, 1, 7, "PVE survey", "x"]]))
    problem = KoboImport.objects.get().preview["problems"][0]
    assert (problem["sheet"], problem["row"], problem["column"]) == (
        "household",
        2,
        "_parent_index",
    )


@pytest.mark.parametrize(
    "content,name,message",
    [
        (b"PK\x03\x04broken", "export.xlsx", "could not be read as an Excel workbook"),
        (b"", "export.csv", "empty"),
        (b"a,b", "export.json", "must be .xlsx, .csv or a .zip of CSV files"),
    ],
    ids=["broken-xlsx", "empty-csv", "wrong-type"],
)
def test_unreadable_files_are_refused_with_a_message(officer, survey, content, name, message):
    response = upload(officer, survey, content, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not KoboImport.objects.exists() and not Submission.objects.exists()


# --- the check runs in the background -----------------------------------------------------------


def test_the_preview_is_made_by_a_background_job_before_anything_can_be_written(officer, survey):
    response = upload(officer, survey, kobo_xlsx(ROWS, REPEATS), check=False)
    batch = KoboImport.objects.get()
    assert batch.status == "checking" and batch.preview == {}
    page = officer.get(response["Location"]).content.decode()
    assert "Checking the file" in page and "job-progress" in page
    assert "Import 2 submissions" not in page
    refused = officer.post(reverse("surveys:import_commit", kwargs={"pk": batch.pk}), follow=True)
    assert "still being checked" in refused.content.decode()

    (check,) = run_queued_jobs()
    assert check.kind == "surveys.import_check" and check.status == "done"
    assert check.result_data == {"form": survey.pk, "rows": 2, "problems": 0}
    batch.refresh_from_db()
    assert batch.status == "preview" and (batch.preview["rows"], batch.preview["new"]) == (2, 2)
    assert AuditEvent.objects.filter(action="survey.import.preview", data__rows=2).exists()
    assert "Import 2 submissions" in officer.get(response["Location"]).content.decode()
    assert not Submission.objects.exists()


def test_a_file_that_cannot_be_read_by_the_check_says_so_on_the_page(officer, survey):
    upload(officer, survey, kobo_xlsx(ROWS), check=False)
    batch = KoboImport.objects.get()
    import_files.store(batch, b"PK\x03\x04")
    (check,) = run_queued_jobs()
    assert check.status == "failed" and "could not be read as an Excel workbook" in check.error
    page = officer.get(reverse("surveys:import_preview", kwargs={"pk": batch.pk})).content.decode()
    assert "could not be read as an Excel workbook" in page and 'id="check-failed"' in page
    assert "Import 2 submissions" not in page
    batch.refresh_from_db()
    assert batch.status == "checking" and not Submission.objects.exists()


def test_damage_further_in_a_file_is_a_problem_of_its_row(officer, survey):
    huge = "x" * (csv.field_size_limit() + 1)
    text = f'_uuid,sex,age\nu1,female,30\nu2,male,"{huge}"\nu3,male,40\n'
    upload(officer, survey, text.encode(), "export.csv")
    batch = KoboImport.objects.get()
    problem = batch.preview["problems"][0]
    assert (problem["sheet"], problem["row"]) == ("export", 3)
    assert "The CSV file is damaged" in problem["message"]
    with pytest.raises(ValidationError):
        services.commit_import(None, batch)
    assert not Submission.objects.exists()


# --- streaming: rows are read again on each pass, never all kept --------------------------------


def _listed(sheets: list[kobo_import.Sheet]) -> list[kobo_import.Sheet]:
    """The same sheets with their rows read into lists, as the reader used to give them."""
    return [kobo_import.Sheet(s.name, s.headers, [list(r) for r in s.rows]) for s in sheets]


def test_streamed_sheets_give_the_same_submissions_as_sheets_held_in_lists(survey):
    version = survey.current_version
    sheets = kobo_import.read_file(kobo_xlsx(ROWS, REPEATS), "export.xlsx")
    assert all(not isinstance(sheet.rows, list) for sheet in sheets)
    assert list(sheets[1].rows) == list(sheets[1].rows)  # read again, the same
    # the progress bar's total, found without parsing the rows
    assert [kobo_import.estimated_rows(sheet) for sheet in sheets] == [2, 3]

    streamed, held = kobo_import.Analysis(), kobo_import.Analysis()
    from_stream = list(kobo_import.iter_records(version, sheets, streamed))
    from_lists = list(kobo_import.iter_records(version, _listed(sheets), held))
    assert from_stream == from_lists and len(from_stream) == 2
    assert from_stream[0].answers["household"] == [
        {"household/member_name": "حسن", "household/member_age": "12"},
        {"household/member_name": "زينب", "household/member_age": "8"},
    ]
    assert (streamed.columns, streamed.sheets, streamed.problems) == (
        held.columns,
        held.sheets,
        held.problems,
    )


def _csv_export(rows: int) -> bytes:
    lines = ["_uuid,sex,age,causes"]
    lines += [f"u{n},{'female' if n % 2 else 'male'},{20 + n % 60},poverty" for n in range(rows)]
    return "\n".join(lines).encode()


def test_the_analysis_of_a_large_file_keeps_nothing_per_row(survey):
    version = survey.current_version
    small = kobo_import.analyse(version, kobo_import.read_file(_csv_export(20), "a.csv"))
    large = kobo_import.analyse(version, kobo_import.read_file(_csv_export(3000), "a.csv"))
    assert (small.rows, large.rows, large.problem_count) == (20, 3000, 0)
    assert not hasattr(large, "records")
    # Only the counts differ: what the analysis keeps does not grow with the rows.
    assert abs(len(pickle.dumps(large)) - len(pickle.dumps(small))) < 16
    records = kobo_import.iter_records(
        version, kobo_import.read_file(_csv_export(3000), "a.csv"), kobo_import.Analysis()
    )
    assert inspect.isgenerator(records)  # one submission at a time, to the writer


def test_the_write_goes_chunk_by_chunk_in_one_transaction(officer, survey, monkeypatch):
    monkeypatch.setattr(services, "IMPORT_WRITE_CHUNK", 2)
    upload(officer, survey, _csv_export(5), "export.csv")
    batch = KoboImport.objects.get()
    assert batch.preview["rows"] == 5
    seen = []
    assert services.commit_import(None, batch, progress=lambda d, t: seen.append((d, t))) == 5
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert Submission.objects.count() == 5


def test_a_problem_found_while_writing_rolls_back_the_chunks_already_written(
    officer, survey, monkeypatch
):
    """The preview said the file was clean; the form changed since. Nothing may stay."""
    monkeypatch.setattr(services, "IMPORT_WRITE_CHUNK", 2)
    upload(officer, survey, _csv_export(5), "export.csv")
    batch = KoboImport.objects.get()
    spoilt = _csv_export(5).replace(b"u4,male,24", b"u4,male,old")
    import_files.store(batch, spoilt)
    with pytest.raises(ValidationError, match="1 problems"):
        services.commit_import(None, batch)
    assert not Submission.objects.exists()
    batch.refresh_from_db()
    assert batch.status == "preview"


OTHER_SURVEY = [
    ["type", "name", "label::English (en)", "repeat_count", "choice_filter"],
    ["select_multiple causes or_other", "causes", "Causes", "", ""],
    ["integer", "members", "Members", "", ""],
    ["begin_repeat", "member", "Member", "${members}", ""],
    ["text", "member_name", "Name", "", ""],
    ["end_repeat", "", "", "", ""],
    ["select_one ${member_name}", "head", "Head of the household", "", ""],
]
OTHER_CHOICES = [
    ["list_name", "name", "label::English (en)"],
    ["causes", "poverty", "Poverty"],
    ["causes", "injustice", "Injustice"],
]


def test_an_or_other_text_column_is_its_own_question_not_the_choice_other(world):
    """``causes_other`` (or_other's text question) is not the 0/1 column of the choice "other"
    of ``causes``, though Kobo names choice columns with "_" too."""
    survey = make_form(world.project, survey=OTHER_SURVEY, choices=OTHER_CHOICES)
    text = (
        "_uuid,causes,causes/poverty,causes/other,causes_other,members\n"
        "o1,poverty other,1,1,Revenge,2\n"
    )
    batch = services.start_import(None, survey, text.encode(), "other.csv")
    assert batch.preview["problem_count"] == 0, batch.preview["problems"]
    services.commit_import(None, batch)
    answers = Submission.objects.get(instance_id="uuid:o1").answers
    assert (answers["causes"], answers["causes_other"]) == ("poverty other", "Revenge")


def test_a_choice_from_earlier_answers_is_kept_as_given(world):
    """``select_one ${member_name}``: its choices are the names given in the repeat, not a list
    of the form, so any answer is taken, as from a phone."""
    survey = make_form(world.project, survey=OTHER_SURVEY, choices=OTHER_CHOICES)
    text = "_uuid,members,head\nh1,2,Zainab Hassan\n"
    batch = services.start_import(None, survey, text.encode(), "head.csv")
    assert batch.preview["problem_count"] == 0, batch.preview["problems"]
    services.commit_import(None, batch)
    assert Submission.objects.get(instance_id="uuid:h1").answers["head"] == "Zainab Hassan"
