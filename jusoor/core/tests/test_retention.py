"""``apply_retention``: each dataset's period, per organisation, applied or only counted, audited."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management import call_command
from django.utils import timezone, translation

from jusoor.core.erasure import registered_datasets, retention_days
from jusoor.core.models import AuditEvent
from jusoor.dialogue.models import Participant
from jusoor.dialogue.services import new_participant
from jusoor.dialogue.tests.builders import make_conversation
from jusoor.people.models import ImportBatch, Person
from jusoor.people.tests.builders import make_person
from jusoor.surveys import import_files
from jusoor.surveys import services as surveys
from jusoor.surveys.models import Form, KoboImport, KoboImportPart, Submission, WebDraft
from jusoor.surveys.tests.factories import make_form, submission_xml

OLD = timezone.now() - dt.timedelta(days=400)


def _old_data(world):  # type: ignore[no-untyped-def]
    batch = ImportBatch.objects.create(
        organisation=world.shams,
        filename="list.csv",
        content=json.dumps({"headers": ["الاسم"], "rows": [["علي حسن"]]}, ensure_ascii=False),
    )
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=OLD)
    ImportBatch.objects.create(organisation=world.shams, filename="new.csv", content="{}")
    form = make_form(world.project)
    kobo = KoboImport.objects.create(form=form, filename="kobo.csv", preview={"rows": 1})
    import_files.store(kobo, "الاسم\nعلي حسن\n".encode())
    KoboImport.objects.filter(pk=kobo.pk).update(created_at=OLD)
    draft = WebDraft.objects.create(form=form, user=world.users["shams_enumerator"], answers="{}")
    WebDraft.objects.filter(pk=draft.pk).update(updated_at=OLD)
    receipt = surveys.receive_submission(
        forms=Form.objects.filter(pk=form.pk), raw=submission_xml(name="فاطمة علي")
    )
    Submission.objects.filter(pk=receipt.submission.pk).update(received_at=OLD)
    conversation = make_conversation(world.project, is_open=False)
    participant = new_participant(conversation)
    Participant.objects.filter(pk=participant.pk).update(created_at=OLD)
    return participant


def test_every_dataset_is_documented_with_a_default():
    datasets = registered_datasets()
    assert {
        "people.import_files",
        "people.inactive_participants",
        "surveys.import_files",
        "surveys.web_drafts",
        "surveys.personal_answers",
        "dialogue.participant_links",
    } <= set(datasets)
    from pathlib import Path

    documented = (Path(__file__).parents[3] / "docs" / "security.md").read_text()
    for name in datasets:
        assert f"`{name}`" in documented, name


def test_dry_run_counts_and_changes_nothing(world, capsys):
    participant = _old_data(world)
    with translation.override("en"):
        call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "shams\tpeople.import_files" in out
    assert ImportBatch.objects.count() == 2
    assert WebDraft.objects.count() == 1
    assert Participant.objects.get(pk=participant.pk).token == participant.token
    event = AuditEvent.objects.get(action="retention.preview", organisation_id=world.shams.pk)
    assert event.data["datasets"] == {
        "people.import_files": 1,
        "surveys.import_files": 1,
        "surveys.web_drafts": 1,
        "dialogue.participant_links": 1,
    }


def test_apply_deletes_and_anonymises_what_is_past_its_period(world, capsys):
    participant = _old_data(world)
    with translation.override("en"):
        call_command("apply_retention")
    assert list(ImportBatch.objects.values_list("filename", flat=True)) == ["new.csv"]
    kept = KoboImport.objects.get()
    assert (kept.size, kept.preview, KoboImportPart.objects.count()) == (0, {}, 0)
    assert WebDraft.objects.count() == 0
    token = Participant.objects.get(pk=participant.pk).token
    assert token != participant.token and token.startswith("~")
    # Personal answers are kept without limit unless an organisation sets a period.
    assert Submission.objects.get().pii != ""
    event = AuditEvent.objects.get(action="retention.apply", organisation_id=world.shams.pk)
    assert event.data["datasets"]["surveys.web_drafts"] == 1
    assert "4 rows anonymised or deleted" in capsys.readouterr().out
    # A second run finds nothing left to do.
    call_command("apply_retention")
    assert AuditEvent.objects.filter(action="retention.apply").last().data["datasets"] == {}


def test_an_organisation_sets_its_own_periods(world, settings):
    _old_data(world)
    person = make_person(world.shams, name="سعد خالد العبيدي")
    Person.objects.filter(pk=person.pk).update(created_at=OLD)
    settings.JUSOOR_RETENTION_BY_ORGANISATION = {
        "shams": {"surveys.personal_answers": 365, "people.inactive_participants": 365}
    }
    datasets = registered_datasets()
    assert retention_days(datasets["surveys.personal_answers"], world.shams) == 365
    assert retention_days(datasets["surveys.personal_answers"], world.partner) is None
    call_command("apply_retention")
    submission = Submission.objects.get()
    assert submission.pii == "" and "فاطمة" not in submission.xml
    assert submission.answers["sex"] == "female"
    erased = Person.objects.get(pk=person.pk)
    assert erased.name == "" and erased.withdrawn_at is not None
    assert AuditEvent.objects.get(action="person.erase").data["reason"] == "retention"


def test_a_setting_turns_a_default_period_off(world, settings):
    _old_data(world)
    settings.JUSOOR_RETENTION_DAYS = {"surveys.web_drafts": None}
    call_command("apply_retention")
    assert WebDraft.objects.count() == 1
