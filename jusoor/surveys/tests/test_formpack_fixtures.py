"""KoboToolbox's own test fixtures (formpack, ``field-forms/formpack-fixtures``): forms with
translations, groups in the old ``begin group`` spelling, nested repeats, repeat counts, or_other,
choices from earlier answers, media and geo types, several versions of one form, and the
submissions KoboToolbox stored for them.

Each version uploads as a version of one form; each submission, sent as a phone sends it to its
version, is stored with the answers KoboToolbox has; the XLSX export of them imports into an
empty copy of the form with the same answers."""

from __future__ import annotations

import json

import pytest
from defusedxml import ElementTree
from django.urls import reverse

from jusoor.core.paths import shared_data
from jusoor.jobs.testing import run_queued_jobs
from jusoor.surveys import openrosa, services
from jusoor.surveys.models import Form, FormVersion, Submission
from jusoor.surveys.tests import formpack_fixtures as fixtures

FOLDER = shared_data("field-forms") / "formpack-fixtures"
pytestmark = pytest.mark.skipif(not FOLDER.exists(), reason="field-forms data is not here")
NAMES = (
    sorted(p.name for p in FOLDER.iterdir() if p.is_dir() and any(p.glob("v*.json")))
    if FOLDER.exists()
    else []
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Exports are written under MEDIA_ROOT: each test its own."""
    settings.MEDIA_ROOT = tmp_path / "media"


# The literacy widget records "null" for each word the child did not reach; those are not choices
# of the list, and ODK Collect (like the OpenRosa endpoint) does not check choices, while an import
# does: the export of such data is refused, naming each row and column.
REFUSED_ON_IMPORT = {"literacy_test": "null"}


def _paths(version: FormVersion) -> set[str]:
    return {q["path"] for q in version.questions}


def _send_all(project, name: str) -> tuple[Form, dict[str, dict]]:  # type: ignore[no-untyped-def]
    """Every version uploaded, every submission sent to its version: (the form, the answers
    each instanceID should have)."""
    expected: dict[str, dict] = {}
    form = None
    for number, content in enumerate(fixtures.versions(FOLDER / name)):
        version = services.upload_form(None, project, fixtures.xlsform(name, content), "f.xlsx")
        form = version.form
        assert version.version == content["version"]
        for index, given in enumerate(content.get("submissions", [])):
            instance_id = fixtures.instance_id(given, index)
            if number:  # the versions' fixtures reuse their instanceIDs
                instance_id = f"{instance_id}-{number}"
            answers = fixtures.as_stored(fixtures.answers(given), _paths(version))
            raw = openrosa.build_xml(
                version.definition,
                form.form_id,
                version.version,
                {**answers, "meta/instanceID": instance_id},
            )
            receipt = services.receive_submission(forms=Form.objects.filter(pk=form.pk), raw=raw)
            assert receipt.status == 201
            assert receipt.submission.version == version
            expected[instance_id] = answers
    assert form is not None
    return form, expected


def _stored(form: Form) -> dict[str, dict]:
    return {
        s.instance_id: {k: v for k, v in s.answers.items() if not k.startswith("meta/")}
        for s in Submission.objects.filter(form=form)
    }


@pytest.mark.parametrize("name", NAMES)
def test_each_version_uploads_and_each_submission_keeps_its_answers(world, name):
    form, expected = _send_all(world.project, name)
    assert form.versions.count() == len(fixtures.versions(FOLDER / name))
    assert _stored(form) == expected


@pytest.mark.parametrize("name", NAMES)
def test_the_xlsx_export_imports_into_an_empty_copy_with_the_same_answers(client, world, name):
    form, expected = _send_all(world.project, name)
    if not expected:
        pytest.skip("this fixture has no submissions")
    client.force_login(world.users["shams_me_officer"])
    response = client.post(
        reverse("surveys:export", kwargs={"pk": form.pk}), {"format": "xlsx", "headers": "xml"}
    )
    assert response.status_code == 302
    (job,) = run_queued_jobs()
    content = b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    versions = fixtures.versions(FOLDER / name)
    copy = services.upload_form(
        None, world.project, fixtures.xlsform(f"{name}_copy", versions[-1]), "copy.xlsx"
    ).form
    batch = services.start_import(None, copy, content, "export.xlsx")
    if name in REFUSED_ON_IMPORT:
        problems = batch.preview["problems"]
        assert problems and all(REFUSED_ON_IMPORT[name] in p["message"] for p in problems)
        assert all(p["row"] and p["column"] for p in problems)
        with pytest.raises(services.ValidationError):
            services.commit_import(None, batch)
        return
    if len(versions) > 1:
        # Rows of earlier versions go into the latest one: an answer it no longer takes is a
        # problem named by row and column, and nothing is written.
        for problem in batch.preview["problems"]:
            assert problem["row"] and problem["column"], problem
        if batch.preview["problem_count"]:
            with pytest.raises(services.ValidationError):
                services.commit_import(None, batch)
            assert not Submission.objects.filter(form=copy).exists()
            return
    assert batch.preview["problem_count"] == 0, batch.preview["problems"][:5]
    assert services.commit_import(None, batch) == len(expected)
    latest = _paths(copy.current_version)
    assert _stored(copy) == {
        instance_id: fixtures.as_stored(answers, latest)
        for instance_id, answers in expected.items()
    }


def test_kobotoolboxs_stored_xml_instances_are_received_by_their_version(world):
    """``favcolor``: two versions given in the fixture's module, and nine instances as
    KoboToolbox stores them (the form named by ``id_string``, not ``id``). Two of them, two
    different people, carry the same instanceID: the second is a conflict (409), not stored."""
    folder = FOLDER / "favcolor"
    for content in fixtures.versions_in_module(folder):
        version = services.upload_form(
            None, world.project, fixtures.xlsform("favcolor", content), "favcolor.xlsx"
        )
    form = version.form
    instances = json.loads((folder / "xml_instances.json").read_text("utf-8"))
    conflicts = []
    for xml in instances:
        try:
            receipt = services.receive_submission(
                forms=Form.objects.filter(pk=form.pk), raw=xml.encode("utf-8")
            )
        except services.SubmissionRefused as refused:
            conflicts.append((refused.status, str(refused)))
            continue
        assert receipt.status == 201
        root = ElementTree.fromstring(xml)
        assert receipt.submission.version.version == root.get("version")
        answers = receipt.submission.answers
        for child in root:
            if len(child) == 0 and child.tag not in {"start", "end"}:
                assert answers[child.tag] == child.text
    assert [status for status, _message in conflicts] == [409]
    assert "uuid:330c8f50-0b7c-4486-8e93-e1330e99117d" in conflicts[0][1]
    assert Submission.objects.filter(form=form).count() == len(instances) - 1 == 8
