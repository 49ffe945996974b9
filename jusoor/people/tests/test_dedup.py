import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from jusoor.events.models import Attendance, Event, Session
from jusoor.people import services
from jusoor.people.models import DuplicateSuggestion, Merge, SuggestionStatus
from jusoor.people.tests.builders import in_english, make_person


def _session(world, topic="Panel"):
    event = Event.objects.create(
        organisation=world.shams,
        slug=f"conf-{topic.lower()}",
        title_ar="مؤتمر",
        start_date=dt.date(2023, 8, 20),
        end_date=dt.date(2023, 8, 21),
    )
    start = timezone.make_aware(dt.datetime(2023, 8, 20, 10))
    return Session.objects.create(
        event=event, topic=topic, starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )


def test_spelling_variants_of_one_person_are_suggested_with_a_reason(world):
    a = make_person(world.shams, name="عبد الله محمد حسين الدليمي", phone="07701234567")
    b = make_person(world.shams, name="عبدالله محمد حسين الدليمى", phone="+964 770 123 4567")
    make_person(world.shams, name="عمر خالد جاسم", phone="07811112222", birth_year=1970)
    created = services.find_duplicate_suggestions(None, world.shams)
    suggestion = DuplicateSuggestion.objects.get()
    assert created == 1
    assert {suggestion.left, suggestion.right} == {a, b}
    assert "same_phone" in suggestion.reasons


def test_brothers_are_not_suggested_as_one_person(world):
    make_person(world.shams, name="احمد محمد حسين الدليمي", phone="", birth_year=1990)
    make_person(world.shams, name="علي محمد حسين الدليمي", phone="", birth_year=1992)
    services.find_duplicate_suggestions(None, world.shams)
    assert not DuplicateSuggestion.objects.exists()


def test_a_rejected_pair_is_not_asked_again(world):
    make_person(world.shams)
    make_person(world.shams, name="عبدالله محمد حسين الدليمي")
    services.find_duplicate_suggestions(None, world.shams)
    services.reject_suggestion(None, DuplicateSuggestion.objects.get())
    assert services.find_duplicate_suggestions(None, world.shams) == 0
    assert DuplicateSuggestion.objects.get().status == SuggestionStatus.REJECTED


def test_merge_moves_attendance_to_the_survivor_and_undo_moves_it_back(client, world):
    survivor = make_person(world.shams)
    merged = make_person(world.shams, name="عبدالله محمد حسين")
    session = _session(world)
    attendance = Attendance.objects.create(session=session, person=merged)
    suggestion = DuplicateSuggestion.objects.create(
        organisation=world.shams, left=survivor, right=merged, score=20
    )
    client.force_login(world.users["shams_me_officer"])
    client.post(reverse("people:decide", args=[suggestion.pk]), {"decision": "merge"})
    attendance.refresh_from_db()
    merged.refresh_from_db()
    assert attendance.person == survivor and merged.merged_into == survivor
    merge = Merge.objects.get()
    assert merge.merged_by == world.users["shams_me_officer"]
    assert merge.moved["attendance"] == [attendance.pk]
    client.post(reverse("people:merge_undo", args=[merge.pk]))
    attendance.refresh_from_db()
    merged.refresh_from_db()
    assert attendance.person == merged and merged.merged_into is None
    assert Merge.objects.get().undone_at is not None


def test_merge_of_two_people_at_the_same_session_is_refused_with_a_clear_message(client, world):
    left = make_person(world.shams)
    right = make_person(world.shams, name="عبدالله محمد حسين")
    session = _session(world, "Causes")
    Attendance.objects.create(session=session, person=left)
    Attendance.objects.create(session=session, person=right)
    suggestion = DuplicateSuggestion.objects.create(
        organisation=world.shams, left=left, right=right, score=20
    )
    client.force_login(world.users["shams_me_officer"])
    with in_english(client):
        response = client.post(
            reverse("people:decide", args=[suggestion.pk]), {"decision": "merge"}, follow=True
        )
    assert "Both attended the session “Causes”" in response.content.decode()
    assert Attendance.objects.filter(person=left).count() == 1
    assert Attendance.objects.filter(person=right).count() == 1
    assert not Merge.objects.exists()


def test_records_of_two_organisations_cannot_be_merged(world):
    with pytest.raises(ValidationError):
        services.merge_people(None, make_person(world.shams), make_person(world.other))


def test_dedup_csv_command_writes_one_cluster_per_person(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        "record_id,name,phone,birth_year,sex,area\n"
        "1,عبد الله محمد حسين الدليمي,07701234567,1995,m,\n"
        "2,عبدالله محمد حسين الدليمى,+9647701234567,1995,m,\n"
        "3,عمر خالد جاسم,,1970,m,\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("dedup_csv", str(path), stdout=out, stderr=io.StringIO())
    lines = out.getvalue().strip().splitlines()
    assert lines[0] == "record_id,cluster_id"
    clusters = dict(line.split(",") for line in lines[1:])
    assert clusters["1"] == clusters["2"] != clusters["3"]


def test_dedup_csv_command_names_the_row_and_column_of_bad_input(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "bad.csv"
    path.write_text("record_id,name\n1,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="row 2.*name"):
        call_command("dedup_csv", str(path), stdout=io.StringIO())
