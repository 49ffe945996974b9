import threading

import pytest
from django.db import connection
from django.urls import reverse

from jusoor.events import services
from jusoor.events.models import Attendance, Registration, RegistrationStatus
from jusoor.events.tests.builders import make_event, make_registration, make_session
from jusoor.people.tests.builders import in_english


def _check_in(client, event, code, session=None):
    data = {"code": code}
    if session:
        data["session"] = session.pk
    with in_english(client):
        response = client.post(reverse("events:check_in", args=[event.pk]), data, follow=True)
    return response.content.decode()


def test_typed_code_in_lower_case_with_arabic_digits_checks_in(client, world):
    registration = make_registration(world)
    client.force_login(world.users["shams_facilitator"])
    typed = registration.code.lower().translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    page = _check_in(client, registration.event, f" {typed} ")
    registration.refresh_from_db()
    assert registration.checked_in_at and "checked in" in page


def test_scanned_qr_opens_the_form_with_the_code_filled_in(client, world):
    registration = make_registration(world)
    client.force_login(world.users["shams_facilitator"])
    url = reverse("events:check_in", args=[registration.event_id]) + f"?code={registration.code}"
    page = client.get(url).content.decode()
    assert f'value="{registration.code}"' in page
    registration.refresh_from_db()
    assert registration.checked_in_at is None  # opening the link changes nothing


def test_pasting_the_whole_qr_link_works_too(client, world):
    registration = make_registration(world)
    client.force_login(world.users["shams_facilitator"])
    link = f"https://jusoor.example/workspace/events/1/check-in/?code={registration.code}"
    _check_in(client, registration.event, link)
    registration.refresh_from_db()
    assert registration.checked_in_at


def test_a_code_already_used_gets_a_clear_message_and_counts_once(client, world):
    registration = make_registration(world)
    client.force_login(world.users["shams_facilitator"])
    _check_in(client, registration.event, registration.code)
    page = _check_in(client, registration.event, registration.code)
    assert f"The code {registration.code} was already used" in page
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 1


def test_a_code_of_another_event_is_named_as_such(client, world):
    registration = make_registration(world)
    other = make_event(world, slug="workshop", title_ar="ورشة", title_en="Workshop")
    client.force_login(world.users["shams_facilitator"])
    page = _check_in(client, other, registration.code)
    assert "is for another event" in page
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_a_waiting_list_code_is_refused(client, world):
    registration = make_registration(world)
    Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.WAITING)
    client.force_login(world.users["shams_facilitator"])
    assert "waiting list" in _check_in(client, registration.event, registration.code)


def test_an_unknown_code_is_named_in_the_message(client, world):
    client.force_login(world.users["shams_facilitator"])
    assert "No registration has the code ZZZZ2222" in _check_in(
        client, make_event(world), "zzzz2222"
    )


def test_attendance_per_session_is_recorded_once(client, world):
    registration = make_registration(world)
    session = make_session(registration.event)
    client.force_login(world.users["shams_facilitator"])
    _check_in(client, registration.event, registration.code, session)
    page = _check_in(client, registration.event, registration.code, session)
    assert "already recorded at the session" in page
    assert Attendance.objects.filter(session=session).count() == 1


def test_walk_in_is_registered_and_checked_in_at_the_door(client, world):
    event = make_event(world)
    client.force_login(world.users["shams_facilitator"])
    client.post(
        reverse("events:walk_in", args=[event.pk]),
        {
            "name": "سعد جاسم محمد",
            "sex": "m",
            "target_group": "tribal_leader",
            "displacement": "resident",
            "participation": "on",
        },
    )
    registration = Registration.objects.get()
    assert registration.walk_in and registration.checked_in_at


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serialises writers; threads need PostgreSQL"
)
def test_concurrent_check_ins_of_one_code_count_once(world):
    registration = make_registration(world)
    results: list[str] = []

    def door() -> None:
        try:
            services.check_in(None, registration.event, registration.code)
            results.append("ok")
        except services.CheckInError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=door) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok"] + ["refused"] * 7


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serialises writers; threads need PostgreSQL"
)
def test_concurrent_registrations_never_oversell_a_quota(world):
    from jusoor.events.models import Quota
    from jusoor.people.tests.builders import make_person

    event = make_event(world)
    Quota.objects.create(event=event, target_group="youth", places=3)
    people = [make_person(world.shams, phone=f"077000000{i:02d}") for i in range(10)]

    def register(person) -> None:  # type: ignore[no-untyped-def]
        try:
            services.register(None, event, person)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    confirmed = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
    assert confirmed.count() == 3
    assert Registration.objects.filter(event=event).count() == 10
