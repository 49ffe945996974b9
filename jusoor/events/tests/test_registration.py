import re

from django.urls import reverse

from jusoor.core.models import AuditEvent
from jusoor.events import services
from jusoor.events.models import Quota, Registration, RegistrationStatus
from jusoor.events.tests.builders import make_event, make_registration
from jusoor.people.models import Person
from jusoor.people.tests.builders import in_english, make_person

FORM = {
    "name": "مريم خالد عبد الرحمن",
    "phone": "0770 555 1234",
    "sex": "f",
    "birth_year": "٢٠٠٠",
    "target_group": "youth",
    "displacement": "returnee",
    "participation": "on",
}


def test_anyone_registers_on_the_public_page_and_sees_a_qr_code(client, world):
    event = make_event(world)
    response = client.post(reverse("events:register", args=[event.slug]), FORM)
    registration = Registration.objects.get()
    assert response["Location"] == reverse(
        "events:confirmation", args=[event.slug, registration.code]
    )
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and registration.code in page
    person = registration.person
    assert person.organisation == world.shams and person.displacement == "returnee"
    assert person.consents.get().channel
    assert "مريم" not in page  # the confirmation does not show personal data


def test_public_page_is_arabic_first(client, world):
    event = make_event(world)
    page = client.get(reverse("events:register", args=[event.slug])).content.decode()
    assert 'dir="rtl"' in page and 'lang="ar"' in page


def test_registering_twice_with_the_same_phone_keeps_one_person_and_one_registration(client, world):
    event = make_event(world)
    client.post(reverse("events:register", args=[event.slug]), FORM)
    client.post(
        reverse("events:register", args=[event.slug]), {**FORM, "phone": "+964 770 555 1234"}
    )
    assert Person.objects.count() == 1 and Registration.objects.count() == 1


def test_registration_over_the_quota_goes_to_the_waiting_list_with_a_clear_message(client, world):
    event = make_event(world)
    Quota.objects.create(event=event, target_group="youth", places=1)
    make_registration(world, event, phone="07701111111")
    with in_english(client):
        response = client.post(reverse("events:register", args=[event.slug]), FORM, follow=True)
    assert "waiting list" in response.content.decode()
    assert Registration.objects.filter(status=RegistrationStatus.WAITING).count() == 1


def test_guests_of_partners_do_not_take_participants_places(world):
    event = make_event(world, capacity=1)
    make_registration(world, event, phone="07701111111")
    guest = make_person(world.shams, name="John Smith", phone="", target_group="other")
    registration, _new = services.register(
        None, event, guest, is_guest=True, guest_of=world.partner
    )
    assert registration.status == RegistrationStatus.CONFIRMED


def test_cancelling_gives_the_place_to_the_first_on_the_waiting_list(world):
    event = make_event(world, capacity=1)
    first = make_registration(world, event, phone="07701111111")
    waiting, _ = services.register(None, event, make_person(world.shams, phone="07702222222"))
    assert waiting.status == RegistrationStatus.WAITING
    services.cancel_registration(None, first)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_closed_registration_says_so(client, world):
    event = make_event(world, registration_open=False)
    with in_english(client):
        page = client.get(reverse("events:register", args=[event.slug])).content.decode()
    assert "closed" in page
    client.post(reverse("events:register", args=[event.slug]), FORM)
    assert not Registration.objects.exists()


def test_a_bot_filling_the_hidden_field_is_not_registered(client, world):
    event = make_event(world)
    client.post(reverse("events:register", args=[event.slug]), {**FORM, "website": "http://x"})
    assert not Registration.objects.exists()


def test_registration_is_audited_without_personal_data(client, world):
    event = make_event(world)
    client.post(reverse("events:register", args=[event.slug]), FORM)
    event_log = AuditEvent.objects.get(action="event.register")
    assert "مريم" not in str(event_log.data) and re.match(r"P-\w{5}", event_log.data["person"])
