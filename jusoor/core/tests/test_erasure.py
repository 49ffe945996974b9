"""Withdrawing consent erases a person from every table, file text and search index, and audits it.

The proof reads raw rows: every text column of every table (the audit log apart, checked on its
own), every encrypted field opened with the key, and the library's full-text index — and finds
neither the name (in any spelling the normaliser folds) nor the phone. Reach figures do not move.
"""

from __future__ import annotations

import base64
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from jusoor.core.erasure import Subject, registered_erasers
from jusoor.core.fields import EncryptedTextField
from jusoor.core.models import AuditEvent, verify_chain
from jusoor.dialogue.models import Statement
from jusoor.dialogue.tests.builders import add_statement, make_conversation
from jusoor.events.models import (
    Attendance,
    Feedback,
    Registration,
    RegistrationStatus,
    Takeaway,
)
from jusoor.events.reach import project_reach
from jusoor.events.tests.builders import make_event, make_meeting, make_session
from jusoor.library import search
from jusoor.library.tests.builders import docx_upload, make_resource
from jusoor.people import services
from jusoor.people.models import ImportBatch, Person
from jusoor.people.tests.builders import make_person
from jusoor.research.models import Segment
from jusoor.surveys import services as surveys
from jusoor.surveys.models import Form, Submission
from jusoor.surveys.tests.factories import make_form, submission_xml

NAME = "فاطمة علي الجبوري"
SPELLED_OTHERWISE = "فاطمه عَلي الجبوري"  # ta marbuta as ha, a fatha: the same name to a reader
PHONE = "0781 555 0199"
# The search document holds stems: الجبوري is indexed as جبور.
TRACES = ["جبور", "الجبوري".replace("ي", "ى"), "5550199", "555 0199", "7815550199"]


def _world_with_traces(world):  # type: ignore[no-untyped-def]
    person = make_person(
        world.shams, name=NAME, phone=PHONE, sex="f", birth_year=1990, target_group="women"
    )
    services.record_consent(None, person, participation=True)
    others = [make_person(world.shams, name=f"مشارك رقم {i} السامرائي", phone="") for i in range(3)]
    event = make_event(world)
    session = make_session(event)
    for p in [person, *others]:
        registration = Registration.objects.create(event=event, person=p)
        Attendance.objects.create(session=session, person=p, registration=registration)
        Feedback.objects.create(
            event=event,
            registration=registration,
            usefulness=4,
            join_dialogue="yes",
            learned="تعلمت الكثير" if p != person else f"أنا {NAME} وتعلمت الكثير",
            improve="" if p != person else "اتصلوا بي",
        )
    future = make_event(
        world,
        slug="future",
        start_date=event.start_date.replace(year=2099),
        end_date=event.end_date.replace(year=2099),
    )
    Registration.objects.create(event=future, person=person)
    meeting = make_meeting(world)
    meeting.attendees.add(person, *others)
    meeting.minutes = f"تحدثت {SPELLED_OTHERWISE} عن البطالة، ويمكن الاتصال بها على {PHONE}."
    meeting.save()
    takeaway = Takeaway.objects.create(
        organisation=world.shams, meeting=meeting, kind="cause", text=f"قالت {NAME}: الفقر أولاً"
    )
    Segment.objects.create(
        project=world.project,
        kind="takeaway",
        takeaway=takeaway,
        start=0,
        end=len(takeaway.text),
        text=takeaway.text,
    )
    conversation = make_conversation(world.project)
    add_statement(conversation, f"أشكر {NAME} على جهودها في الحي")
    add_statement(conversation, "فرص العمل تبعد الشباب عن العنف")
    form = make_form(world.project)
    surveys.receive_submission(
        forms=Form.objects.filter(pk=form.pk),
        raw=submission_xml(name=NAME, members=(("حسن", "12"),)),
    )
    surveys.receive_submission(
        forms=Form.objects.filter(pk=form.pk),
        raw=submission_xml("uuid:other", name="زينب حسن", members=()),
    )
    make_resource(
        world.shams,
        file=docx_upload("minutes.docx", f"حضرت {NAME} الجلسة الثانية.", "التماسك المجتمعي"),
        title_ar="محضر جلسة الحوار",
    )
    ImportBatch.objects.create(
        organisation=world.shams,
        filename="list.csv",
        content=json.dumps(
            {"headers": ["الاسم", "الهاتف"], "rows": [[NAME, PHONE], ["علي حسن", ""]]},
            ensure_ascii=False,
        ),
    )
    # A survey export someone imported: the file is kept (encrypted, in pieces) with her name.
    surveys.start_import(
        None,
        form,
        f"_uuid,respondent\nu1,{NAME}\nu2,زينب حسن\n".encode(),
        "kobo.csv",
    )
    return person, others


def _opened(table: str, value: str) -> str:
    """A kept import file's pieces are base64 under their encryption: read the file's text."""
    if table == "surveys_koboimportpart":
        return base64.b64decode(value).decode("utf-8", "ignore")
    return value


def _raw_texts() -> list[tuple[str, str]]:
    """(table, text) for every text value in the database, encrypted fields opened."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(include_views=False):
            if table == "core_auditevent" or table.startswith("library_fts_"):
                continue
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from the database)
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "ignore")
                    if isinstance(value, str) and value:
                        found.append((table, value))
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        for field in fields:
            for value in model._base_manager.values_list(field.attname, flat=True):
                if value:
                    table = model._meta.db_table
                    found.append((f"{table}.{field.name} (opened)", _opened(table, value)))
    return found


def _traces() -> list[tuple[str, str]]:
    return [
        (table, value[:80])
        for table, value in _raw_texts()
        if any(trace in value.replace(" ", "") or trace in value for trace in TRACES)
    ]


def test_the_test_sees_traces_before_erasure(world):
    _world_with_traces(world)
    tables = {table.split(".")[0].split(" ")[0] for table, _ in _traces()}
    # Encrypted fields are opened, so their plain text counts as a trace too.
    assert {
        "people_person",
        "events_meeting",
        "events_takeaway",
        "dialogue_statement",
        "surveys_submission",
        "library_resourceversion",
        "library_searchdocument",
        "people_importbatch",
        "surveys_koboimportpart",
        "events_feedback",
        "research_segment",
    } <= tables


def test_withdrawal_leaves_no_trace_in_any_table(world):
    person, _others = _world_with_traces(world)
    services.withdraw_consent(world.users["shams_admin"], person)
    assert _traces() == []


def test_withdrawal_keeps_reach_figures(world):
    person, _others = _world_with_traces(world)
    before = project_reach(world.project)
    services.withdraw_consent(world.users["shams_admin"], person)
    after = project_reach(world.project)
    assert (after.unique, after.reached, after.guests) == (before.unique, before.reached, 0)
    assert after.unique == 4
    assert after.breakdown["sex"] == before.breakdown["sex"]
    assert after.breakdown["target_group"] == before.breakdown["target_group"]
    # The tombstone is still counted, under the sex and group it had.
    tombstone = Person.objects.get(pk=person.pk)
    assert (tombstone.sex, tombstone.target_group, tombstone.name) == ("f", "women", "")


def test_future_registrations_are_cancelled_past_ones_stay(world):
    person, _others = _world_with_traces(world)
    services.withdraw_consent(None, person)
    statuses = dict(Registration.objects.filter(person=person).values_list("event__slug", "status"))
    assert statuses["future"] == RegistrationStatus.CANCELLED
    assert statuses["ramadi-conference"] == RegistrationStatus.CONFIRMED


def test_linked_submission_keeps_its_other_answers(world):
    person, _others = _world_with_traces(world)
    services.withdraw_consent(None, person)
    erased = Submission.objects.get(instance_id="uuid:6f7d1c2e-0000-4000-8000-000000000001")
    assert erased.pii == ""
    assert erased.answers["sex"] == "female"
    assert erased.answers["age"] == "34"
    assert NAME not in erased.xml and "<sex>female</sex>" in erased.xml
    other = Submission.objects.get(instance_id="uuid:other")
    assert other.personal_answers() == {"respondent": "زينب حسن"}


def test_library_search_no_longer_finds_the_person(world):
    person, _others = _world_with_traces(world)
    admin = world.users["shams_admin"]
    assert search.search(admin, "الجبوري").total == 1
    services.withdraw_consent(None, person)
    assert search.search(admin, "الجبوري").total == 0
    assert search.search(admin, "فاطمة الجبوري").total == 0
    # The rest of the document is still found.
    assert search.search(admin, "التماسك المجتمعي").total == 1
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM library_fts WHERE library_fts MATCH 'الجبوري'")
            assert cursor.fetchone()[0] == 0


def test_dialogue_statement_is_redacted_and_still_counts(world):
    person, _others = _world_with_traces(world)
    services.withdraw_consent(None, person)
    texts = list(Statement.objects.values_list("text", flat=True))
    assert "أشكر […] على جهودها في الحي" in texts
    assert len(texts) == 2


def test_erasure_is_audited_in_counts_only_and_the_chain_holds(world):
    person, _others = _world_with_traces(world)
    services.withdraw_consent(world.users["shams_admin"], person)
    event = AuditEvent.objects.filter(action="person.erase").get()
    assert event.actor_label == "shams_admin"
    assert event.organisation_id == world.shams.pk
    assert event.data["people"] == [person.code]
    assert event.data["erased"]["surveys"]["linked_submissions"] == 1
    assert event.data["erased"]["events"]["meetings"] == 1
    assert event.data["erased"]["library"]["resources"] == 1
    assert event.data["erased"]["people"]["import_rows"] == 1
    assert not any(t in json.dumps(event.data, ensure_ascii=False) for t in TRACES)
    assert verify_chain()[1] is None


def test_every_app_with_personal_traces_registers_an_eraser():
    assert {"people", "events", "dialogue", "surveys", "library", "research"} <= set(
        registered_erasers()
    )


def test_erase_person_command_carries_out_a_deletion_request(world, capsys):
    person, _others = _world_with_traces(world)
    with translation.override("en"):
        call_command("erase_person", person.code.lower())
    assert f"{person.code} erased:" in capsys.readouterr().out
    assert Person.objects.get(pk=person.pk).withdrawn_at is not None
    assert AuditEvent.objects.get(action="person.erase").data["reason"] == "deletion request"
    assert _traces() == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("حضرت فاطمة علي الجبوري اللقاء", "حضرت […] اللقاء"),
        ("حضرت فاطمه علي الجبورى اللقاء", "حضرت […] اللقاء"),
        ("حضرت فاطمة عليّ الجبوري.", "حضرت […]."),
        ("رقمها ٠٧٨١ ٥٥٥ ٠١٩٩ للتواصل", "رقمها […] للتواصل"),
        ("رقمها +964 781 555 0199.", "رقمها […]."),
        ("فاطمة علي من الرمادي", "فاطمة علي من الرمادي"),  # not the full name: another person
        ("رقم آخر 0781 555 0198", "رقم آخر 0781 555 0198"),
    ],
)
def test_redaction_matches_spellings_of_the_full_name_and_phone(text, expected):
    subject = Subject(1, (1,), ("P-X",), names=(NAME,), phones=("+9647815550199",))
    assert subject.redact(text)[0] == expected
