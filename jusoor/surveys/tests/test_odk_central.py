"""Importing ODK Central's CSV export (a .zip): preview first, then all or nothing, never twice.

The zips are built here in the shape Central's export writes (its briefcase CSV module): the
form's CSV with ``SubmissionDate`` first and Central's metadata last, field paths joined with
``-``, one CSV per repeat with ``PARENT_KEY`` and ``KEY``, a ``media/`` folder and an audit CSV.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jusoor.jobs.testing import run_queued_jobs
from jusoor.surveys import odk_central, services
from jusoor.surveys.models import Attachment, Form, KoboImport, Submission
from jusoor.surveys.tests.factories import CHOICES, SURVEY, make_form, submission_xml

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
PHOTO = b"\xff\xd8\xff\xe0 a photo"


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
    current: str = "",
    deprecated: str = "",
) -> dict[str, Any]:
    """One row. ``current``: the instanceID of the version an edit made in Central (KEY stays
    the first version's); ``deprecated``: the version it replaced, for a form declaring it."""
    return {
        "key": key,
        "date": date,
        "answers": [name, sex, age, causes, police],
        "review": review,
        "members": members,
        "current": current or key,
        "deprecated": deprecated,
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
    deprecated_column: bool = False,
    photos: dict[str, str] | None = None,
    member_photos: dict[str, str] | None = None,
    media: dict[str, bytes] | None = None,
    stored: bool = False,
) -> bytes:
    """A zip as ODK Central's "Download all submissions" writes it, for the test form.
    ``photos`` (KEY -> file name) gives the form a ``photo`` column, ``member_photos`` (a repeat
    entry's KEY -> file name) the repeat a ``member_photo`` one (see ``PHOTO_SURVEY``);
    ``media`` replaces the media folder's files; ``stored``: the members are not compressed."""
    causes = ["causes", *(f"causes/{c}" for c in CAUSES if split)]
    header = [
        "SubmissionDate",
        "respondent",
        "sex",
        "age",
        *causes,
        *(["photo"] if photos is not None else []),
        "trust-police" if group_paths else "police",
        "meta-instanceID" if group_paths else "instanceID",
        *(["meta-deprecatedID" if group_paths else "deprecatedID"] if deprecated_column else []),
        *CENTRAL_META,
    ]
    rows = []
    for s in submissions:
        name, sex, age, chosen, police = s["answers"]
        ticks = [str(int(c in chosen.split())) for c in CAUSES] if split else []
        edits = "0" if s["current"] == s["key"] else "1"
        photo = [photos.get(s["key"], "")] if photos is not None else []
        rows.append(
            [s["date"], name, sex, age, chosen, *ticks, *photo, police, s["current"]]
            + ([s["deprecated"]] if deprecated_column else [])
            + [s["key"], "7", "enumerator1", "0", "0", status, s["review"], "", edits, "1"]
        )
    if repeat_rows is None:
        repeat_rows = [
            [member, age, s["key"], f"{s['key']}/household[{n}]"]
            for s in submissions
            for n, (member, age) in enumerate(s["members"], start=1)
        ]
        if member_photos is not None:
            for row in repeat_rows:
                row.insert(2, member_photos.get(row[-1], ""))
    member_photo = ["member_photo"] if member_photos is not None else []
    members = {
        f"{form_id}.csv": _csv(header, rows, encoding, bom, delimiter),
        f"{form_id}-household.csv": _csv(
            ["member_name", "member_age", *member_photo, "PARENT_KEY", "KEY"],
            repeat_rows,
            encoding,
            bom,
            delimiter,
        ),
        **({"media/1709626500000.jpg": PHOTO} if media is None else media),
        f"{form_id} - audit.csv": b"instance ID,event,node,start,end\n",
        **(extra_members or {}),
    }
    return _zip(members, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)


def _csv(
    header: list[str], rows: list[list[str]], encoding: str, bom: bool, delimiter: str
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode(encoding)


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
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


FIRST_EDITED = "uuid:2b8e6f0c-0d1a-4c55-9a51-0000000000e1"
FIRST_EDITED_AGAIN = "uuid:2b8e6f0c-0d1a-4c55-9a51-0000000000e2"


def edited(current: str, *, age: str = "35", review: str = "edited", deprecated: str = ""):
    """FIRST as Central exports it once edited: KEY (and the repeat rows' keys) stay FIRST,
    ``meta-instanceID`` is the current version's."""
    return submission(
        FIRST,
        "فاطمة علي",
        "female",
        age,
        "poverty injustice",
        "2",
        review=review,
        members=(("حسن", "12"), ("زينب", "8")),
        current=current,
        deprecated=deprecated,
    )


def receive(survey: Form, instance_id: str, **kwargs: Any) -> services.Receipt:
    return services.receive_submission(
        forms=Form.objects.filter(pk=survey.pk), raw=submission_xml(instance_id, **kwargs)
    )


def test_an_edit_made_in_central_replaces_the_submission_the_phone_sent(officer, survey, world):
    original = receive(survey, FIRST, age="34").submission
    services.set_status(world.users["shams_me_officer"], original, "on_hold", "check the age")
    upload(officer, survey, central_zip([edited(FIRST_EDITED), SUBMISSIONS[1]]))
    batch = KoboImport.objects.get()
    preview = batch.preview
    assert (preview["new"], preview["edits"], preview["existing"]) == (1, 1, 0)
    page = officer.get(reverse("surveys:import_preview", kwargs={"pk": batch.pk})).content
    page = page.decode()
    assert "1 edit of a stored submission" in page and "Import 2 submissions" in page

    assert services.commit_import(None, batch) == 2
    current = Submission.objects.get(instance_id=FIRST_EDITED)
    assert current.answers["age"] == "35" and current.is_current
    assert current.replaces == Submission.objects.get(instance_id=FIRST)
    assert not current.replaces.is_current
    assert current.status == "on_hold"  # Central's "edited" is no review: the stored one stays
    assert len(current.answers["household"]) == 2  # the repeat rows still keyed by FIRST
    assert Submission.objects.filter(is_current=True).count() == 2
    detail = officer.get(reverse("surveys:submission", kwargs={"pk": current.pk})).content
    assert FIRST in detail.decode()  # the earlier version, in the history

    again = start(survey, central_zip([edited(FIRST_EDITED), SUBMISSIONS[1]]))
    assert (again.preview["new"], again.preview["edits"], again.preview["existing"]) == (0, 0, 2)
    assert services.commit_import(None, again) == 0
    # The phone sending the same edit later is told it is here already.
    receipt = receive(survey, FIRST_EDITED, age="35", deprecated_id=FIRST)
    assert receipt.status == 202 and receipt.submission == current
    assert Submission.objects.count() == 3


def test_a_review_made_in_central_after_the_edit_is_kept(survey):
    original = receive(survey, FIRST).submission
    services.set_status(None, original, "on_hold")
    services.commit_import(
        None, start(survey, central_zip([edited(FIRST_EDITED, review="approved")]))
    )
    assert Submission.objects.get(instance_id=FIRST_EDITED).status == "approved"


def test_an_edit_of_a_submission_imported_from_an_earlier_export(survey):
    """Exports made one after the other: the first brings the submission, the second its
    edit, the third its next edit, which replaces the second (found through the first's
    KEY), so the history runs FIRST → FIRST_EDITED → FIRST_EDITED_AGAIN."""
    services.commit_import(None, start(survey, central_zip()))
    second = start(survey, central_zip([edited(FIRST_EDITED), SUBMISSIONS[1]]))
    assert (second.preview["edits"], second.preview["existing"]) == (1, 1)
    assert services.commit_import(None, second) == 1
    third = start(survey, central_zip([edited(FIRST_EDITED_AGAIN, age="36"), SUBMISSIONS[1]]))
    assert services.commit_import(None, third) == 1
    latest = Submission.objects.exclude(instance_id=SECOND).get(is_current=True)
    assert latest.instance_id == FIRST_EDITED_AGAIN and latest.answers["age"] == "36"
    assert latest.replaces.instance_id == FIRST_EDITED
    assert latest.replaces.replaces.instance_id == FIRST
    assert latest.status == "approved"  # the first export's review, carried through the edits
    assert Submission.objects.filter(is_current=True).count() == 2


@pytest.mark.parametrize("group_paths", [True, False], ids=["group-names", "without"])
def test_the_version_named_by_deprecated_id_is_the_one_replaced(survey, group_paths):
    """A form declaring meta/deprecatedID has it exported: the version it names is found even
    when the first one (KEY) never came here."""
    receive(survey, FIRST_EDITED)
    row = edited(FIRST_EDITED_AGAIN, deprecated=FIRST_EDITED)
    batch = start(survey, central_zip([row], group_paths=group_paths, deprecated_column=True))
    assert batch.preview["problem_count"] == 0, batch.preview["problems"]
    assert not [c for c in batch.preview["columns"] if c["kind"] == "unmatched"]
    assert batch.preview["edits"] == 1
    services.commit_import(None, batch)
    latest = Submission.objects.get(is_current=True)
    assert latest.instance_id == FIRST_EDITED_AGAIN
    assert latest.replaces.instance_id == FIRST_EDITED


def test_an_edit_whose_earlier_versions_are_not_here_is_stored_under_its_current_id(survey):
    batch = start(survey, central_zip([edited(FIRST_EDITED), SUBMISSIONS[1]]))
    assert (batch.preview["new"], batch.preview["edits"]) == (2, 0)
    assert services.commit_import(None, batch) == 2
    stored = Submission.objects.get(instance_id=FIRST_EDITED)
    assert stored.replaces is None and stored.answers["age"] == "35"
    assert not Submission.objects.filter(instance_id=FIRST).exists()
    assert len(stored.answers["household"]) == 2


def test_a_later_export_finds_an_edit_whose_first_version_was_never_here(survey):
    """The first export already has the submission edited (KEY is FIRST, never stored here);
    a later export has it edited again and names it by KEY alone (the form declares no
    deprecatedID): it is an edit of the stored one, not a second submission."""
    first = start(survey, central_zip([edited(FIRST_EDITED), SUBMISSIONS[1]]))
    assert services.commit_import(None, first) == 2
    assert Submission.objects.get(instance_id=FIRST_EDITED).first_instance_id == FIRST
    later = central_zip([edited(FIRST_EDITED_AGAIN, age="36"), SUBMISSIONS[1]])
    batch = start(survey, later)
    assert (batch.preview["new"], batch.preview["edits"], batch.preview["existing"]) == (0, 1, 1)
    assert services.commit_import(None, batch) == 1
    latest = Submission.objects.get(is_current=True, instance_id=FIRST_EDITED_AGAIN)
    assert latest.replaces.instance_id == FIRST_EDITED and latest.answers["age"] == "36"
    assert latest.first_instance_id == FIRST  # for the export after that
    assert Submission.objects.filter(is_current=True).count() == 2
    assert services.commit_import(None, start(survey, later)) == 0


def test_a_first_version_that_is_here_is_not_recorded_again(survey):
    receive(survey, FIRST)
    batch = start(survey, central_zip([edited(FIRST_EDITED), SUBMISSIONS[1]]))
    services.commit_import(None, batch)
    assert Submission.objects.get(instance_id=FIRST_EDITED).first_instance_id == ""


def test_an_import_that_fails_leaves_the_submission_it_would_edit_as_it_was(survey, monkeypatch):
    receive(survey, FIRST)
    batch = start(survey, central_zip([edited(FIRST_EDITED), SUBMISSIONS[1]]))
    assert batch.preview["edits"] == 1  # so the edit is written before the failure
    recorded = services.audit.record

    def fail_at_the_end(actor, action, *args, **kwargs):
        if action == "survey.import":
            raise RuntimeError("the disk is full")
        return recorded(actor, action, *args, **kwargs)

    monkeypatch.setattr(services.audit, "record", fail_at_the_end)
    with pytest.raises(RuntimeError):
        services.commit_import(None, batch)
    assert list(Submission.objects.values_list("instance_id", "is_current")) == [(FIRST, True)]


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


# --- the media folder --------------------------------------------------------------------------

PHOTO_SURVEY = [
    *SURVEY[:5],
    ["image", "photo", "صورة المنزل", "Photo of the home", "", "", "", "", ""],
    *SURVEY[5:-1],
    ["image", "member_photo", "صورة", "Photo", "", "", "", "", ""],
    SURVEY[-1],
]
MEMBER_PHOTO = b"\xff\xd8\xff\xe0 a photo of a household member"
FIRST_MEMBER = f"{FIRST}/household[1]"


@pytest.fixture
def photo_survey(world) -> Form:
    """The test form with a photo question on the form and one in the household repeat."""
    return make_form(world.project, survey=PHOTO_SURVEY)


def photo_zip(submissions: list[dict[str, Any]] = SUBMISSIONS, **kwargs: Any) -> bytes:
    """FIRST names a photo of the home and one of its first household member, both in the
    media folder; SECOND names a photo the export left out."""
    options: dict[str, Any] = {
        "photos": {FIRST: "1709626500000.jpg", SECOND: "1709626700000.jpg"},
        "member_photos": {FIRST_MEMBER: "1709626600000.jpg"},
        "media": {"media/1709626500000.jpg": PHOTO, "media/1709626600000.jpg": MEMBER_PHOTO},
    }
    return central_zip(submissions, **{**options, **kwargs})


def stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def contents(attachment: Attachment) -> bytes:
    with attachment.file.open("rb") as stored:
        return stored.read()


def test_the_files_a_row_names_become_its_attachments(officer, photo_survey):
    upload(officer, photo_survey, photo_zip())
    batch = KoboImport.objects.get()
    preview = batch.preview
    assert preview["problem_count"] == 0, preview["problems"]
    assert (preview["media_files"], preview["media_rows"], preview["media_missing"]) == (2, 1, 1)
    page = officer.get(reverse("surveys:import_preview", kwargs={"pk": batch.pk})).content
    page = page.decode()
    assert "2 files in the zip's media folder; 1 row names them" in page
    assert "1 file named in the rows is not in the zip" in page
    assert "Import 2 submissions" in page  # a missing file does not stop the import

    assert services.commit_import(None, batch) == 2
    first = Submission.objects.get(instance_id=FIRST)
    assert first.answers["photo"] == "1709626500000.jpg"
    found = {a.name: a for a in first.attachments.all()}
    assert sorted(found) == ["1709626500000.jpg", "1709626600000.jpg"]
    home, member = found["1709626500000.jpg"], found["1709626600000.jpg"]
    assert contents(home) == PHOTO and contents(member) == MEMBER_PHOTO
    assert (home.content_type, home.size) == ("image/jpeg", len(PHOTO))
    assert member.size == len(MEMBER_PHOTO)
    second = Submission.objects.get(instance_id=SECOND)
    assert second.answers["photo"] == "1709626700000.jpg"  # the answer stays; no file to keep
    assert not second.attachments.exists()


def test_importing_the_same_zip_again_adds_no_attachment(photo_survey, settings):
    content = photo_zip()
    services.commit_import(None, start(photo_survey, content))
    files = stored_files(settings)
    assert len(files) == 2
    assert services.commit_import(None, start(photo_survey, content)) == 0
    assert Attachment.objects.count() == 2
    assert stored_files(settings) == files


def test_an_edit_gets_its_files_on_the_new_version(photo_survey):
    receive(photo_survey, FIRST)
    batch = start(
        photo_survey, photo_zip([edited(FIRST_EDITED)], photos={FIRST: "1709626500000.jpg"})
    )
    assert batch.preview["edits"] == 1
    services.commit_import(None, batch)
    current = Submission.objects.get(instance_id=FIRST_EDITED)
    assert current.replaces.instance_id == FIRST
    assert [contents(a) for a in current.attachments.order_by("name")] == [PHOTO, MEMBER_PHOTO]
    assert not current.replaces.attachments.exists()


def test_a_media_file_larger_than_a_submission_may_be_is_refused(officer, photo_survey, settings):
    settings.JUSOOR_SUBMISSION_MAX_BYTES = 1024
    content = photo_zip(extra_members={"media/1709626800000.mp4": b"\x00" * 2048})
    response = upload(officer, photo_survey, content)
    assert response.status_code == 200
    message = "media/1709626800000.mp4 in pve_survey.zip is 2.0\xa0KB, more than the 1.0\xa0KB"
    assert message in response.content.decode()
    assert not KoboImport.objects.exists() and not Submission.objects.exists()
    assert stored_files(settings) == []


def test_a_limit_lowered_since_the_preview_stops_the_import_before_it_writes(
    photo_survey, settings
):
    batch = start(photo_survey, photo_zip())
    settings.JUSOOR_SUBMISSION_MAX_BYTES = len(PHOTO)  # the member's photo is larger
    with pytest.raises(ValidationError, match="media/1709626600000.jpg in pve_survey.zip"):
        services.commit_import(None, batch)
    assert not Submission.objects.exists() and stored_files(settings) == []


def test_a_rolled_back_import_leaves_no_file(photo_survey, settings, monkeypatch):
    batch = start(photo_survey, photo_zip())
    recorded = services.audit.record
    saved: list[str] = []

    def fail_at_the_end(actor, action, *args, **kwargs):
        if action == "survey.import":
            saved.extend(stored_files(settings))  # what was on disk just before the failure
            raise RuntimeError("the disk is full")
        return recorded(actor, action, *args, **kwargs)

    monkeypatch.setattr(services.audit, "record", fail_at_the_end)
    with pytest.raises(RuntimeError):
        services.commit_import(None, batch)
    assert len(saved) == 2  # the files were written, then removed
    assert stored_files(settings) == []
    assert not Submission.objects.exists() and not Attachment.objects.exists()


def test_a_damaged_media_file_stops_the_import_naming_it_and_leaves_no_file(photo_survey, settings):
    content = photo_zip(stored=True)
    damaged = content.replace(MEMBER_PHOTO, MEMBER_PHOTO.upper())  # its CRC no longer matches
    assert damaged != content
    batch = start(photo_survey, damaged)
    assert batch.preview["problem_count"] == 0  # only the import unpacks the media
    with pytest.raises(ValidationError, match="media/1709626600000.jpg in pve_survey.zip"):
        services.commit_import(None, batch)
    assert stored_files(settings) == []
    assert not Submission.objects.exists() and not Attachment.objects.exists()


def test_a_media_member_named_to_escape_is_kept_by_its_base_name_only(
    photo_survey, settings, tmp_path
):
    content = photo_zip(
        photos={FIRST: "x.jpg", SECOND: "../../y.jpg"},
        member_photos={},
        media={"media/../../x.jpg": PHOTO, "media/../../y.jpg": PHOTO},
    )
    batch = start(photo_survey, content)
    assert (batch.preview["media_files"], batch.preview["media_missing"]) == (2, 1)
    services.commit_import(None, batch)
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.submission.instance_id) == ("x.jpg", FIRST)
    assert contents(attachment) == PHOTO
    root = settings.MEDIA_ROOT.resolve()
    assert root in Path(attachment.file.path).resolve().parents
    written = [p.resolve() for p in tmp_path.rglob("*.jpg")]
    assert written == [Path(attachment.file.path).resolve()]  # nothing beside it in MEDIA_ROOT
    assert not (tmp_path.parent / "x.jpg").exists() and not (tmp_path.parent / "y.jpg").exists()
    assert not Submission.objects.get(instance_id=SECOND).attachments.exists()
