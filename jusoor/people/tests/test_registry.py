from django.db import connection
from django.urls import reverse

from jusoor.core.models import AuditEvent
from jusoor.people import services
from jusoor.people.models import Consent, Person
from jusoor.people.tests.builders import in_english, make_person


def test_facilitator_registers_a_person_with_consent_and_gets_a_pseudonymous_code(client, world):
    client.force_login(world.users["shams_facilitator"])
    response = client.post(
        reverse("people:create", args=["shams"]),
        {
            "name": "فاطمة علي حسن",
            "phone": "٠٧٨٠ ١٢٣ ٤٥٦٧",
            "sex": "f",
            "birth_year": "١٩٩٨",
            "displacement": "idp",
            "target_group": "womens_group",
            "participation": "on",
            "photos": "on",
        },
    )
    person = Person.objects.get()
    assert response.status_code == 302
    assert person.code.startswith("P-") and len(person.code) == 7
    assert person.age_band and person.is_youth()
    consent = Consent.objects.get(person=person)
    assert consent.photos and not consent.follow_up
    assert consent.recorded_by == world.users["shams_facilitator"]


def test_registration_without_consent_is_refused_with_a_message(client, world):
    client.force_login(world.users["shams_facilitator"])
    with in_english(client):
        response = client.post(
            reverse("people:create", args=["shams"]),
            {"name": "فاطمة علي", "sex": "f", "displacement": "resident"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert Person.objects.count() == 0


def test_a_phone_that_is_not_iraqi_is_refused_with_the_value_in_the_message(client, world):
    client.force_login(world.users["shams_facilitator"])
    response = client.post(
        reverse("people:create", args=["shams"]),
        {"name": "x", "phone": "12345", "displacement": "resident", "participation": "on"},
    )
    assert "12345" in response.content.decode()
    assert Person.objects.count() == 0


def test_name_and_phone_are_encrypted_in_the_database(world):
    person = make_person(world.shams)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone FROM people_person WHERE id = %s", [person.pk])
        name, phone = cursor.fetchone()
    assert "الدليمي" not in name and "0770" not in phone
    assert Person.objects.get(pk=person.pk).name == "عبد الله محمد حسين الدليمي"


def test_phone_typed_in_any_iraqi_format_finds_the_same_person(client, world):
    person = make_person(world.shams, phone="0770 123 4567")
    client.force_login(world.users["shams_me_officer"])
    for typed in ["+9647701234567", "00964 770 123 4567", "٠٧٧٠١٢٣٤٥٦٧"]:
        response = client.get(reverse("people:list", args=["shams"]), {"q": typed})
        assert person.code in response.content.decode(), typed


def test_viewer_sees_codes_but_no_names_and_nothing_is_audited(client, world):
    person = make_person(world.shams)
    client.force_login(world.users["shams_viewer"])
    page = client.get(reverse("people:list", args=["shams"])).content.decode()
    detail = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert person.code in page and "الدليمي" not in page and "الدليمي" not in detail
    assert not AuditEvent.objects.filter(action="pii.view").exists()


def test_every_view_of_personal_data_is_audited(client, world):
    person = make_person(world.shams)
    client.force_login(world.users["shams_programme_manager"])
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "الدليمي" in page
    event = AuditEvent.objects.get(action="pii.view")
    assert event.data["people"] == [person.code]
    assert event.actor == world.users["shams_programme_manager"]


def test_another_organisations_person_is_a_404(client, world):
    person = make_person(world.other)
    client.force_login(world.users["shams_admin"])
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404


def test_withdrawal_erases_personal_data_keeps_the_counts_and_is_audited(client, world):
    person = make_person(world.shams, address="حي الضباط، الرمادي")
    client.force_login(world.users["shams_facilitator"])
    response = client.post(reverse("people:withdraw", args=[person.pk]))
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.phone, person.address, person.phone_index) == ("", "", "", "")
    assert person.withdrawn_at and person.sex == "m" and person.age_band
    assert AuditEvent.objects.filter(action="person.withdraw", object_id=str(person.pk)).exists()
    assert Person.objects.filter(pk=person.pk).exists()


def test_withdrawal_also_erases_records_merged_into_the_person(world):
    survivor = make_person(world.shams)
    merged = make_person(world.shams, name="عبدالله محمد حسين")
    services.merge_people(None, survivor, merged)
    services.withdraw_consent(None, survivor)
    merged.refresh_from_db()
    assert merged.name == "" and merged.phone == ""
