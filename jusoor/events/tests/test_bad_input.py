"""Bad input at the door and on the forms: each gets a message that says what was wrong."""

from django.urls import reverse

from jusoor.events.models import Meeting, Quota, Registration, RegistrationStatus
from jusoor.events.tests.builders import make_event, make_registration
from jusoor.events.tests.test_registration import FORM
from jusoor.people.models import Merge, Person
from jusoor.people.tests.builders import in_english, make_person


def _check_in(client, event, code):
    with in_english(client):
        response = client.post(reverse("events:check_in", args=[event.pk]), {"code": code})
    return response.content.decode()


def test_the_qr_link_of_another_event_names_that_event_and_changes_nothing(client, world):
    registration = make_registration(world)
    other = make_event(world, slug="workshop", title_ar="ورشة", title_en="Youth workshop")
    scanned = "https://jusoor.example" + (
        reverse("events:check_in", args=[registration.event_id]) + f"?code={registration.code}"
    )
    client.force_login(world.users["shams_facilitator"])
    page = _check_in(client, other, scanned)
    assert f"The code {registration.code} is for another event (Prevention conference)" in page
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_a_qr_code_used_twice_names_the_time_of_the_first_check_in(client, world):
    registration = make_registration(world)
    client.force_login(world.users["shams_facilitator"])
    assert "checked in" in _check_in(client, registration.event, registration.code)
    page = _check_in(client, registration.event, registration.code)
    registration.refresh_from_db()
    assert "was already used: checked in at" in page
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 1


def test_the_door_answers_in_one_response_and_clears_the_code_for_the_next_person(client, world):
    registration = make_registration(world)
    client.force_login(world.users["shams_facilitator"])
    with in_english(client):
        response = client.post(
            reverse("events:check_in", args=[registration.event_id]), {"code": registration.code}
        )
    page = response.content.decode()
    assert response.status_code == 200 and "Welcome" in page
    assert f'value="{registration.code}"' not in page
    assert "1 person checked in so far" in page


def test_a_walk_in_over_the_quota_goes_to_the_waiting_list_and_is_not_checked_in(client, world):
    event = make_event(world)
    Quota.objects.create(event=event, target_group="youth", places=1)
    make_registration(world, event, phone="07701111111")
    client.force_login(world.users["shams_facilitator"])
    with in_english(client):
        response = client.post(
            reverse("events:walk_in", args=[event.pk]),
            {**FORM, "phone": "07702222222"},
            follow=True,
        )
    assert "The places for this group are taken" in response.content.decode()
    waiting = Registration.objects.get(status=RegistrationStatus.WAITING)
    assert waiting.walk_in and waiting.checked_in_at is None


def test_registration_over_the_capacity_says_so_on_the_confirmation(client, world):
    event = make_event(world, capacity=1)
    make_registration(world, event, phone="07701111111")
    with in_english(client):
        response = client.post(
            reverse("events:register", args=[event.slug]),
            {**FORM, "target_group": "other"},
            follow=True,
        )
    assert "you are on the waiting list" in response.content.decode()
    assert "<svg" not in response.content.decode()  # no QR code without a place


def test_a_phone_in_any_iraqi_format_registers_the_same_person_once(client, world):
    event = make_event(world)
    url = reverse("events:register", args=[event.slug])
    for typed in ["0770 555 1234", "+964 770 555 1234", "٠٧٧٠٥٥٥١٢٣٤", "00964-770-555-1234"]:
        client.post(url, {**FORM, "phone": typed})
    assert Person.objects.count() == 1 and Registration.objects.count() == 1


def test_a_phone_that_is_not_iraqi_is_named_in_the_message_on_the_public_form(client, world):
    event = make_event(world)
    with in_english(client):
        page = client.post(
            reverse("events:register", args=[event.slug]), {**FORM, "phone": "+44 20 7946 0000"}
        ).content.decode()
    assert "“+44 20 7946 0000” is not an Iraqi phone number" in page
    assert not Registration.objects.exists()


def test_merging_two_people_who_attended_one_meeting_is_refused_with_a_clear_message(client, world):
    import datetime as dt

    from jusoor.people.models import DuplicateSuggestion

    left = make_person(world.shams)
    right = make_person(world.shams, name="عبدالله محمد حسين", phone="07809998877")
    meeting = Meeting.objects.create(
        organisation=world.shams, title="اجتماع مع مدير ناحية الحبانية", date=dt.date(2023, 8, 6)
    )
    meeting.attendees.add(left, right)
    suggestion = DuplicateSuggestion.objects.create(
        organisation=world.shams, left=left, right=right, score=20
    )
    client.force_login(world.users["shams_me_officer"])
    with in_english(client):
        response = client.post(
            reverse("people:decide", args=[suggestion.pk]), {"decision": "merge"}, follow=True
        )
    assert (
        "Both attended the meeting “اجتماع مع مدير ناحية الحبانية” on 2023-08-06"
        in response.content.decode()
    )
    assert not Merge.objects.exists() and set(meeting.attendees.all()) == {left, right}
