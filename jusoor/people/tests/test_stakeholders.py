from django.db import connection
from django.urls import reverse

from jusoor.core.models import AuditEvent
from jusoor.events.tests.builders import make_meeting
from jusoor.geo.models import AdminUnit
from jusoor.people.models import Stakeholder
from jusoor.people.tests.builders import in_english, make_stakeholder

NEW = {
    "kind": "sub_committee",
    "name": "سعاد جاسم الدليمي",
    "position": "عضو اللجنة الفرعية لمكافحة التطرف",
    "affiliation": "مجلس محافظة الأنبار",
    "phone": "+964 781 222 3344",
    "email": "suad@example.org",
}


def test_facilitator_adds_a_stakeholder_and_the_creation_is_audited_without_contacts(client, world):
    client.force_login(world.users["shams_facilitator"])
    response = client.post(reverse("people:stakeholder_create", args=["shams"]), NEW)
    stakeholder = Stakeholder.objects.get()
    assert response["Location"] == reverse("people:stakeholder", args=[stakeholder.pk])
    assert stakeholder.organisation == world.shams and stakeholder.created_by
    event = AuditEvent.objects.get(action="stakeholder.create")
    assert "781" not in str(event.data) and "suad@" not in str(event.data)
    assert event.data["contact_changed"] == ["email", "phone"]


def test_phone_and_email_are_encrypted_in_the_database(world):
    stakeholder = make_stakeholder(world.shams)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone, email FROM people_stakeholder WHERE id = %s", [stakeholder.pk]
        )
        phone, email = cursor.fetchone()
    assert "0780" not in phone and "example.org" not in email


def test_viewer_sees_names_and_offices_but_no_contacts(client, world):
    make_stakeholder(world.shams)
    client.force_login(world.users["shams_viewer"])
    page = client.get(reverse("people:stakeholder_list", args=["shams"])).content.decode()
    assert "خالد عبد الله الفهداوي" in page and "قائممقام قضاء الرمادي" in page
    assert "0780" not in page and "mayor@example.org" not in page
    assert not AuditEvent.objects.filter(action="pii.view").exists()


def test_contacts_shown_to_a_facilitator_are_audited(client, world):
    stakeholder = make_stakeholder(world.shams)
    client.force_login(world.users["shams_facilitator"])
    page = client.get(reverse("people:stakeholder", args=[stakeholder.pk])).content.decode()
    assert "0780 111 2233" in page and "mayor@example.org" in page
    assert AuditEvent.objects.get(action="pii.view").data["stakeholders"] == [stakeholder.pk]


def test_search_is_arabic_aware_across_spellings_of_names_and_offices(client, world):
    make_stakeholder(world.shams)
    make_stakeholder(
        world.shams,
        name="أحمد حميد العلواني",
        position="مدير ناحية الحبانية",
        affiliation="مديرية ناحية الحبانية",
    )
    client.force_login(world.users["shams_viewer"])
    url = reverse("people:stakeholder_list", args=["shams"])
    for typed in ["عبدالله", "الفهداوى", "قائمقام", "قايممقام الرمادى"]:
        page = client.get(url, {"q": typed}).content.decode()
        assert "الفهداوي" in page and "العلواني" not in page, typed
    page = client.get(url, {"q": "احمد الحبانيه"}).content.decode()
    assert "العلواني" in page and "الفهداوي" not in page


def test_a_phone_in_any_iraqi_format_finds_its_owner_for_those_who_see_contacts(client, world):
    make_stakeholder(world.shams)
    client.force_login(world.users["shams_facilitator"])
    url = reverse("people:stakeholder_list", args=["shams"])
    for typed in ["+9647801112233", "٠٧٨٠١١١٢٢٣٣", "00964 780 111 2233"]:
        assert "الفهداوي" in client.get(url, {"q": typed}).content.decode(), typed


def test_filters_by_kind_and_area_and_hides_the_inactive(client, world):
    hit = AdminUnit.objects.filter(level=2).first()
    make_stakeholder(world.shams, area=hit)
    make_stakeholder(world.shams, name="ليلى سامي", kind="partner_staff")
    make_stakeholder(world.shams, name="مسؤول سابق", kind="official", is_active=False)
    client.force_login(world.users["shams_viewer"])
    url = reverse("people:stakeholder_list", args=["shams"])
    page = client.get(url, {"kind": "partner_staff"}).content.decode()
    assert "ليلى سامي" in page and "الفهداوي" not in page
    page = client.get(url, {"area": hit.pk}).content.decode()
    assert "الفهداوي" in page and "ليلى سامي" not in page
    assert "مسؤول سابق" not in client.get(url).content.decode()
    assert "مسؤول سابق" in client.get(url, {"inactive": "on"}).content.decode()


def test_deactivating_keeps_the_record_and_its_meetings(client, world):
    stakeholder = make_stakeholder(world.shams)
    meeting = make_meeting(world)
    meeting.stakeholders.add(stakeholder)
    client.force_login(world.users["shams_facilitator"])
    with in_english(client):
        response = client.post(
            reverse("people:stakeholder_active", args=[stakeholder.pk]),
            {"active": "0"},
            follow=True,
        )
    assert "was deactivated" in response.content.decode()
    stakeholder.refresh_from_db()
    assert not stakeholder.is_active and list(stakeholder.meetings.all()) == [meeting]
    assert AuditEvent.objects.filter(action="stakeholder.deactivate").exists()


def test_a_non_iraqi_phone_is_refused_with_the_value_in_the_message(client, world):
    client.force_login(world.users["shams_facilitator"])
    with in_english(client):
        page = client.post(
            reverse("people:stakeholder_create", args=["shams"]), {**NEW, "phone": "12345"}
        ).content.decode()
    assert "“12345” is not an Iraqi phone number" in page
    assert not Stakeholder.objects.exists()


def test_a_viewer_cannot_edit_and_an_outsider_gets_404(client, world):
    stakeholder = make_stakeholder(world.shams)
    client.force_login(world.users["shams_viewer"])
    assert client.get(reverse("people:stakeholder_edit", args=[stakeholder.pk])).status_code == 403
    client.force_login(world.users["outsider"])
    assert client.get(reverse("people:stakeholder", args=[stakeholder.pk])).status_code == 404


def test_editing_the_office_keeps_the_contacts_and_audits_what_changed(client, world):
    stakeholder = make_stakeholder(world.shams)
    client.force_login(world.users["shams_facilitator"])
    client.post(
        reverse("people:stakeholder_edit", args=[stakeholder.pk]),
        {
            "kind": "mayor",
            "name": stakeholder.name,
            "position": "قائممقام قضاء هيت",
            "phone": stakeholder.phone,
            "email": stakeholder.email,
        },
    )
    stakeholder.refresh_from_db()
    assert stakeholder.position == "قائممقام قضاء هيت" and stakeholder.phone == "0780 111 2233"
    event = AuditEvent.objects.get(action="stakeholder.update")
    assert event.data["changes"]["position"][1] == "قائممقام قضاء هيت"
    assert event.data["contact_changed"] == []
