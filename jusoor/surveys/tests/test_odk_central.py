"""Importing ODK Central's CSV export (a .zip): preview first, then all or nothing, never twice.

The zips are built here in the shape Central's export writes (its briefcase CSV module): the
form's CSV with ``SubmissionDate`` first and Central's metadata last, field paths joined with
``-``, one CSV per repeat with ``PARENT_KEY`` and ``KEY``, a ``media/`` folder and an audit CSV.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jusoor.jobs.testing import run_queued_jobs
from jusoor.surveys import odk_central, services
from jusoor.surveys.models import Form, KoboImport, Submission
from jusoor.surveys.tests.factories import CHOICES, make_form, submission_xml

FIRST = "uuid:2b8e6f0c-0d1a-4c55-9a51-000000000001"
SECOND = "uuid:2b8e6f0c-0d1a-4c55-9a51-000000000002"
CENTRAL_META = [
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
]
CAUSES = ["poverty", "unemployment", "injustice"]


def submission(
    key: str,
    name: str,
    sex: str,
    age: str,
    causes: str,
    police: str,
    review: str = "",
    members: tuple[tuple[str, str], ...] = (),
    date: str = "2024-03-05T08:15:00.000Z",
) -> dict[str, Any]:
    return {
        "key": key,
        "date": date,
        "answers": [name, sex, age, causes, police],
        "review": review,
        "members": members,
    }


SUBMISSIONS = [
    submission(
        FIRST,
        "فاطمة علي",
        "female",
        "34",
        "poverty injustice",
        "2",
        review="approved",
        members=(("حسن", "12"), ("زينب", "8")),
    ),
    submission(SECOND, "عمر خالد", "male", "41", "unemployment", "3", review="hasIssues"),
]


def central_zip(
    submissions: list[dict[str, Any]] = SUBMISSIONS,
    *,
    form_id: str = "pve_survey",
    group_paths: bool = True,
    split: bool = False,
    encoding: str = "utf-8",
    bom: bool = False,
    delimiter: str = ",",
    status: str = "",
    repeat_rows: list[list[str]] | None = None,
    extra_members: dict[str, bytes] | None = None,
) -> bytes:
    """A zip as ODK Central's "Download all submissions" writes it, for the test form."""
    causes = ["causes", *(f"causes/{c}" for c in CAUSES if split)]
    header = [
        "SubmissionDate",
        "respondent",
        "sex",
        "age",
        *causes,
        "trust-police" if group_paths else "police",
        "meta-instanceID" if group_paths else "instanceID",
        *CENTRAL_META,
    ]
    rows = []
    for s in submissions:
        name, sex, age, chosen, police = s["answers"]
        ticks = [str(int(c in chosen.split())) for c in CAUSES] if split else []
        rows.append(
            [s["date"], name, sex, age, chosen, *ticks, police, s["key"]]
            + [s["key"], "7", "enumerator1", "0", "0", status, s["review"], "", "0", "1"]
        )
    if repeat_rows is None:
        repeat_rows = [
            [member, age, s["key"], f"{s['key']}/household[{n}]"]
            for s in submissions
            for n, (member, age) in enumerate(s["members"], start=1)
        ]
    members = {
        f"{form_id}.csv": _csv(header, rows, encoding, bom, delimiter),
        f"{form_id}-household.csv": _csv(
            ["member_name", "member_age", "PARENT_KEY", "KEY"],
            repeat_rows,
            encoding,
            bom,
            delimiter,
        ),
        "media/1709626500000.jpg": b"\xff\xd8\xff\xe0 a photo",
        f"{form_id} - audit.csv": b"instance ID,event,node,start,end\n",
        **(extra_members or {}),
    }
    return _zip(members)


def _csv(
    header: list[str], rows: list[list[str]], encoding: str, bom: bool, delimiter: str
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode(encoding)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def survey(world) -> Form:
    return make_form(world.project)


@pytest.fixture
def officer(client, world):
    client.force_login(world.users["shams_me_officer"])
    client.cookies["jusoor_language"] = "en"
    return client


def upload(client, survey, content: bytes, name: str = "pve_survey.zip"):
    """Upload through the page; the worker then checks every row and fills the preview."""
    url = reverse("surveys:import_upload", kwargs={"pk": survey.pk})
    response = client.post(url, {"file": SimpleUploadedFile(name, content)})
    run_queued_jobs()
    return response


def start(survey: Form, content: bytes, name: str = "pve_survey.zip") -> KoboImport:
    return services.start_import(None, survey, content, name)


def test_a_central_zip_is_previewed_then_written_with_its_repeat_rows(officer, survey):
    response = upload(officer, survey, central_zip())
    batch = KoboImport.objects.get()
    assert response["Location"] == reverse("surveys:import_preview", kwargs={"pk": batch.pk})
    assert not Submission.objects.exists()  # a preview writes nothing
    preview = batch.preview
    assert (preview["rows"], preview["new"], preview["problem_count"]) == (2, 2, 0)
    assert [s["name"] for s in preview["sheets"]] == ["pve_survey.csv", "household"]
    matched = {(c["sheet"], c["column"]): (c["kind"], c["matched"]) for c in preview["columns"]}
    assert matched[("pve_survey.csv", "trust/police")] == ("question", "trust/police")
    assert matched[("household", "household/member_age")] == ("question", "household/member_age")
    assert matched[("pve_survey.csv", "_uuid")] == ("meta", "")
    assert not [c for c in preview["columns"] if c["kind"] == "unmatched"]
    page = officer.get(response["Location"]).content.decode()
    assert "Import 2 submissions" in page

    assert services.commit_import(None, batch) == 2
    first = Submission.objects.get(instance_id=FIRST)
    assert first.channel == "import" and first.status == "approved"
    assert first.answers["causes"] == "poverty injustice" and first.answers["trust/police"] == "2"
    assert first.answers["household"] == [
        {"household/member_age": "12"},
        {"household/member_age": "8"},
    ]
    assert first.personal_answers()["respondent"] == "فاطمة علي"
    assert first.personal_answers()["household"][1] == {"household/member_name": "زينب"}
    assert first.received_at.isoformat().startswith("2024-03-05T08:15:00")
    assert "<member_name>" in first.xml
    second = Submission.objects.get(instance_id=SECOND)
    assert second.status == "on_hold" and "household" not in second.answers


@pytest.mark.parametrize(
    "group_paths,split",
    [(True, True), (False, False), (False, True)],
    ids=["split-select-multiples", "without-group-names", "both"],
)
def test_each_header_option_of_the_export_gives_the_same_answers(survey, group_paths, split):
    batch = start(survey, central_zip(group_paths=group_paths, split=split))
    assert batch.preview["problem_count"] == 0, batch.preview["problems"]
    services.commit_import(None, batch)
    first = Submission.objects.get(instance_id=FIRST)
    assert first.answers["causes"] == "poverty injustice"
    assert first.answers["trust/police"] == "2"
    assert len(first.answers["household"]) == 2


def test_problems_are_named_by_file_row_and_column_and_nothing_is_written(officer, survey):
    broken = [
        submission(FIRST, "فاطمة", "female", "ثلاثون", "poverty", "2"),
        submission(SECOND, "عمر", "male", "41", "fear", "3"),
    ]
    repeat_rows = [
        ["حسن", "twelve", FIRST, f"{FIRST}/household[1]"],
        ["زينب", "8", "uuid:not-in-this-export", "uuid:not-in-this-export/household[1]"],
    ]
    upload(officer, survey, central_zip(broken, repeat_rows=repeat_rows))
    batch = KoboImport.objects.get()
    found = {(p["sheet"], p["row"], p["column"]): p["message"] for p in batch.preview["problems"]}
    assert "not a whole number" in found[("pve_survey.csv", 2, "age")]
    assert "not a choice" in found[("pve_survey.csv", 3, "causes")]
    assert "not a whole number" in found[("household", 2, "household/member_age")]
    assert ("household", 3, "_parent_index") in found
    page = officer.get(reverse("surveys:import_preview", kwargs={"pk": batch.pk})).content.decode()
    assert "Nothing is written" in page and "pve_survey.csv" in page
    with pytest.raises(ValidationError, match="problems"):
        services.commit_import(None, batch)
    assert not Submission.objects.exists()


def test_importing_the_same_zip_again_adds_nothing(survey):
    content = central_zip()
    assert services.commit_import(None, start(survey, content)) == 2
    again = start(survey, content)
    assert (again.preview["new"], again.preview["existing"]) == (0, 2)
    assert services.commit_import(None, again) == 0
    assert Submission.objects.count() == 2
    assert len(Submission.objects.get(instance_id=FIRST).answers["household"]) == 2


def test_a_submission_already_received_from_odk_collect_is_not_duplicated(survey):
    services.receive_submission(
        forms=Form.objects.filter(pk=survey.pk), raw=submission_xml(FIRST, name="فاطمة علي")
    )
    batch = start(survey, central_zip())
    assert (batch.preview["new"], batch.preview["existing"]) == (1, 1)
    assert services.commit_import(None, batch) == 1
    assert Submission.objects.count() == 2
    assert Submission.objects.get(instance_id=FIRST).channel == "openrosa"


def test_a_phone_sending_again_what_central_gave_adds_nothing(survey):
    """The export was made from this very submission: the phone is told it is already here
    (202), not that it conflicts, and nothing is stored twice."""
    services.commit_import(None, start(survey, central_zip()))
    receipt = services.receive_submission(
        forms=Form.objects.filter(pk=survey.pk), raw=submission_xml(FIRST, name="فاطمة علي")
    )
    assert receipt.status == 202
    assert Submission.objects.filter(instance_id=FIRST).get().channel == "import"


@pytest.mark.parametrize(
    "encoding,bom,delimiter",
    [("utf-8", False, ","), ("utf-8", True, ","), ("cp1256", False, ";")],
    ids=["utf8", "utf8-bom", "windows-1256-from-excel"],
)
def test_csvs_saved_again_in_each_encoding_are_read(survey, encoding, bom, delimiter):
    content = central_zip(encoding=encoding, bom=bom, delimiter=delimiter)
    batch = start(survey, content)
    assert batch.preview["problem_count"] == 0, batch.preview["problems"]
    services.commit_import(None, batch)
    first = Submission.objects.get(instance_id=FIRST)
    assert first.personal_answers()["respondent"] == "فاطمة علي"
    assert first.personal_answers()["household"][0] == {"household/member_name": "حسن"}
    assert first.status == "approved"


GROUPED_SURVEY = [
    ["type", "name", "label::Arabic (ar)", "label::English (en)"],
    ["select_one sex", "sex", "الجنس", "Sex"],
    ["begin_group", "visit", "الزيارة", "Visit"],
    ["geopoint", "location", "الموقع", "Location"],
    ["integer", "hh-size", "عدد أفراد الأسرة", "Household size"],
    ["select_multiple needs", "needs", "الاحتياجات", "Needs"],
    ["begin_repeat", "household", "أفراد الأسرة", "Household members"],
    ["integer", "member_age", "العمر", "Age"],
    ["end_repeat", "", "", ""],
    ["end_group", "", "", ""],
]
GROUPED_CHOICES = [
    *CHOICES,
    ["needs", "clean-water", "مياه نظيفة", "Clean water"],
    ["needs", "work", "عمل", "Work"],
]


def test_a_repeat_inside_a_group_a_geopoint_and_choice_names_with_dashes(world):
    survey = make_form(world.project, survey=GROUPED_SURVEY, choices=GROUPED_CHOICES)
    main = _csv(
        [
            "SubmissionDate",
            "sex",
            "visit-location-Latitude",
            "visit-location-Longitude",
            "visit-location-Altitude",
            "visit-location-Accuracy",
            "visit-hh-size",
            "visit-needs",
            "visit-needs/clean-water",
            "visit-needs/work",
            "meta-instanceID",
            *CENTRAL_META,
        ],
        [
            ["2024-03-05T08:15:00.000Z", "female", "33.4258", "43.2994", "51.2", "4.5", "5"]
            + ["clean-water", "1", "0", FIRST, FIRST, "", "", "0", "0", "", "", "", "0", "1"]
        ],
        "utf-8",
        False,
        ",",
    )
    household = _csv(
        ["member_age", "PARENT_KEY", "KEY"],
        [["12", FIRST, f"{FIRST}/visit/household[1]"]],
        "utf-8",
        False,
        ",",
    )
    content = _zip({"pve_survey.csv": main, "pve_survey-household.csv": household})
    batch = start(survey, content)
    assert batch.preview["problem_count"] == 0, batch.preview["problems"]
    assert [s["name"] for s in batch.preview["sheets"]] == ["pve_survey.csv", "visit/household"]
    services.commit_import(None, batch)
    answers = Submission.objects.get().answers
    assert answers["visit/location"] == "33.4258 43.2994 51.2 4.5"
    assert answers["visit/needs"] == "clean-water"
    assert answers["visit/hh-size"] == "5"  # a name holding "-", like Central's separator
    assert answers["visit/household"] == [{"visit/household/member_age": "12"}]


def _utf16_zip() -> bytes:
    return _zip({"pve_survey.csv": "SubmissionDate,KEY\n".encode("utf-16")})


def _foreign_repeat_zip() -> bytes:
    rows = [["حسن", "12", "uuid:other", "uuid:other/household[1]"]]
    return central_zip(repeat_rows=rows)


BAD_ZIPS = {
    "not-a-zip": (lambda: b"SubmissionDate,KEY\n", "is not a zip file"),
    "no-csv": (lambda: _zip({"media/photo.jpg": b"\xff\xd8"}), "holds no CSV file"),
    "repeat-from-another-export": (
        _foreign_repeat_zip,
        "No row of pve_survey-household.csv belongs to a submission in pve_survey.csv",
    ),
    "utf-16": (_utf16_zip, "pve_survey.csv is not text in UTF-8 or Windows-1256"),
    "not-decrypted": (
        lambda: central_zip(status="not decrypted"),
        "pve_survey.csv, row 2: ODK Central exported this submission without its answers",
    ),
    "two-forms": (
        lambda: central_zip(extra_members={"other_form.csv": b"SubmissionDate,KEY\n"}),
        "more than one form: pve_survey.csv, other_form.csv",
    ),
    "not-a-central-csv": (
        lambda: central_zip(extra_members={"notes.csv": b"a,b\n1,2\n"}),
        "notes.csv is not part of an ODK Central export",
    ),
    "only-repeats": (
        lambda: _zip({"pve_survey-household.csv": b"member_age,PARENT_KEY,KEY\n"}),
        "holds no form CSV",
    ),
}


@pytest.mark.parametrize("case", BAD_ZIPS, ids=list(BAD_ZIPS))
def test_bad_zips_are_refused_with_a_message_naming_the_file(officer, survey, case):
    build, message = BAD_ZIPS[case]
    response = upload(officer, survey, build())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not KoboImport.objects.exists() and not Submission.objects.exists()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(officer, survey, monkeypatch):
    monkeypatch.setattr(odk_central, "MAX_CSV_BYTES", 1024 * 1024)
    bomb = _zip({"pve_survey.csv": b"SubmissionDate,KEY\n" + b"0" * (8 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024
    response = upload(officer, survey, bomb)
    assert "unpack to more than 1 MB" in response.content.decode()
    assert not KoboImport.objects.exists()


def test_a_zip_of_too_many_files_is_refused(officer, survey, monkeypatch):
    monkeypatch.setattr(odk_central, "MAX_MEMBERS", 5)
    photos = {f"media/{n}.jpg": b"\xff\xd8" for n in range(10)}
    response = upload(officer, survey, central_zip(extra_members=photos))
    assert "holds 14 files, more than 5" in response.content.decode()
    assert not KoboImport.objects.exists()


def test_a_member_that_unpacks_to_more_than_it_declares_is_refused(officer, survey):
    honest = _zip({"pve_survey.csv": b"SubmissionDate,KEY\n" + b"0" * 4096})
    # The local and central headers both say 19 bytes; the data unpacks to 4 KB.
    declared = (19).to_bytes(4, "little")
    real = (19 + 4096).to_bytes(4, "little")
    lying = honest.replace(real, declared)
    response = upload(officer, survey, lying)
    assert "pve_survey.csv in pve_survey.zip could not be unpacked" in response.content.decode()
    assert not KoboImport.objects.exists()
