from django.urls import reverse

from jusoor.events.models import Takeaway
from jusoor.events.tests.builders import make_meeting
from jusoor.people.tests.builders import in_english, make_person


def test_facilitator_adds_attendees_by_code(client, world):
    meeting = make_meeting(world)
    a, b = make_person(world.shams), make_person(world.shams, phone="07801234567")
    client.force_login(world.users["shams_facilitator"])
    client.post(
        reverse("events:meeting_attendees", args=[meeting.pk]),
        {"codes": f"{a.code.lower()}، {b.code.removeprefix('P-')}"},
    )
    assert set(meeting.attendees.all()) == {a, b}


def test_an_unknown_attendee_code_is_named_and_nobody_is_added(client, world):
    meeting = make_meeting(world)
    a = make_person(world.shams)
    outsider = make_person(world.other)
    client.force_login(world.users["shams_facilitator"])
    with in_english(client):
        response = client.post(
            reverse("events:meeting_attendees", args=[meeting.pk]),
            {"codes": f"{a.code} {outsider.code}"},
            follow=True,
        )
    assert outsider.code in response.content.decode()
    assert meeting.attendees.count() == 0


def test_takeaways_are_recorded_and_found_by_arabic_words_in_another_spelling(client, world):
    meeting = make_meeting(world)
    client.force_login(world.users["shams_facilitator"])
    client.post(
        reverse("events:meeting_takeaway_add", args=[meeting.pk]),
        {"kind": "cause", "text": "البطالة بين الشباب وغياب فرص العمل", "theme": "اقتصاد"},
    )
    Takeaway.objects.create(
        organisation=world.shams, meeting=meeting, kind="solution", text="دعم الرياضة"
    )
    page = client.get(
        reverse("events:takeaway_list", args=["shams"]), {"q": "البطاله", "kind": "cause"}
    ).content.decode()
    assert "غياب فرص العمل" in page and "دعم الرياضة" not in page


def test_attendee_names_on_a_meeting_page_are_audited(client, world):
    from jusoor.core.models import AuditEvent

    meeting = make_meeting(world)
    meeting.attendees.add(make_person(world.shams))
    client.force_login(world.users["shams_facilitator"])
    client.get(reverse("events:meeting", args=[meeting.pk]))
    assert AuditEvent.objects.filter(action="pii.view", data__where="events.meeting").exists()


def test_attendees_are_chosen_from_the_stakeholder_directory_too(client, world):
    from jusoor.core.models import AuditEvent
    from jusoor.events import reach
    from jusoor.people.tests.builders import make_stakeholder

    meeting = make_meeting(world)
    mayor = make_stakeholder(world.shams)
    member = make_stakeholder(world.shams, name="سعاد جاسم", kind="sub_committee")
    client.force_login(world.users["shams_facilitator"])
    page = client.get(reverse("events:meeting", args=[meeting.pk])).content.decode()
    assert f'value="{mayor.pk}"' in page and "سعاد جاسم" in page
    client.post(
        reverse("events:meeting_stakeholders", args=[meeting.pk]),
        {"stakeholders": [mayor.pk, member.pk]},
    )
    assert set(meeting.stakeholders.all()) == {mayor, member}
    assert AuditEvent.objects.get(action="meeting.stakeholders").data["added"] == [
        mayor.pk,
        member.pk,
    ]
    page = client.get(reverse("events:meeting", args=[meeting.pk])).content.decode()
    assert "قائممقام قضاء الرمادي" in page
    # Stakeholders are whom the programme met, not whom it reached.
    assert reach.meeting_participants(meeting) == set()
    client.post(reverse("events:meeting_stakeholders", args=[meeting.pk]), {"remove": member.pk})
    assert list(meeting.stakeholders.all()) == [mayor]


def test_another_organisations_stakeholder_cannot_be_added(client, world):
    from jusoor.people.tests.builders import make_stakeholder

    meeting = make_meeting(world)
    theirs = make_stakeholder(world.other)
    client.force_login(world.users["shams_facilitator"])
    with in_english(client):
        response = client.post(
            reverse("events:meeting_stakeholders", args=[meeting.pk]),
            {"stakeholders": [theirs.pk]},
            follow=True,
        )
    assert "Select a valid choice" in response.content.decode()
    assert not meeting.stakeholders.exists()
