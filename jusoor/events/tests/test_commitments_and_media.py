import datetime as dt

from django.urls import reverse

from jusoor.events.models import Commitment, MediaEntry, Takeaway
from jusoor.events.tests.builders import make_commitment, make_event, make_session


def test_a_panel_solution_becomes_a_commitment_with_its_text(client, world):
    event = make_event(world)
    takeaway = Takeaway.objects.create(
        organisation=world.shams,
        session=make_session(event),
        kind="solution",
        text="إنشاء مراكز شبابية في الأقضية",
    )
    client.force_login(world.users["shams_programme_manager"])
    url = reverse("events:commitment_create", args=[event.pk]) + f"?takeaway={takeaway.pk}"
    assert "إنشاء مراكز شبابية" in client.get(url).content.decode()
    client.post(
        url,
        {
            "what": takeaway.text,
            "owner": "مجلس محافظة الأنبار",
            "due_date": "2024-03-01",
            "status": "planned",
            "is_public": "on",
            "takeaway": takeaway.pk,
        },
    )
    assert Commitment.objects.get().takeaway == takeaway


def test_progress_with_evidence_changes_the_status_and_shows_publicly(client, world):
    commitment = make_commitment(world)
    client.force_login(world.users["shams_facilitator"])
    client.post(
        reverse("events:commitment", args=[commitment.pk]),
        {
            "date": "2023-10-01",
            "note": "خصصت قطعة أرض",
            "link": "example.org/news",
            "status": "in_progress",
        },
    )
    commitment.refresh_from_db()
    assert commitment.status == "in_progress"
    assert commitment.updates.get().link == "https://example.org/news"
    client.logout()
    page = client.get(reverse("events:public_event", args=[commitment.event.slug])).content.decode()
    assert "خصصت قطعة أرض" in page


def test_a_viewer_cannot_record_progress(client, world):
    commitment = make_commitment(world)
    client.force_login(world.users["shams_viewer"])
    response = client.post(
        reverse("events:commitment", args=[commitment.pk]),
        {"date": "2023-10-01", "note": "x", "status": "done"},
    )
    assert response.status_code == 403


def test_media_entry_is_logged_with_its_reach(client, world):
    event = make_event(world)
    client.force_login(world.users["shams_facilitator"])
    client.post(
        reverse("events:media_create", args=["shams"]),
        {
            "outlet": "قناة الأنبار الفضائية",
            "kind": "tv",
            "date": "2023-08-21",
            "language": "ar",
            "reach": "٥٠٠٠٠",
            "event": event.pk,
        },
    )
    entry = MediaEntry.objects.get()
    assert entry.reach == 50000 and entry.event == event and entry.date == dt.date(2023, 8, 21)
    page = client.get(reverse("events:media_list", args=["shams"])).content.decode()
    assert "قناة الأنبار الفضائية" in page
