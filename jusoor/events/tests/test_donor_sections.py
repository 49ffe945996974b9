"""What meetings and events add to the donor report: held in the period, with dates and counts,
commitments, media and feedback, small counts hidden."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from jusoor.events.models import CommitmentStatus, MediaEntry
from jusoor.events.tests.builders import (
    make_commitment,
    make_event,
    make_feedback,
    make_meeting,
    make_registration,
)
from jusoor.reports.donor import build_report


def _sections(world) -> dict[str, list[str]]:
    data = build_report(world.period, "en")
    return {section.title: section.paragraphs for section in data.narrative}


def test_events_held_in_the_period_count_participants_and_guests_apart(world):
    event = make_event(world)
    for index in range(6):
        registration = make_registration(world, event, name=f"مشارك {index}", phone="")
        registration.checked_in_at = timezone.now()
        registration.save()
    guest = make_registration(world, event, name="ضيف", phone="")
    guest.is_guest, guest.checked_in_at = True, timezone.now()
    guest.save()
    make_event(world, slug="later", start_date=dt.date(2024, 3, 1), end_date=dt.date(2024, 3, 1))
    lines = _sections(world)["Events held"]
    assert len(lines) == 1  # the March 2024 event is outside the period
    assert "Prevention conference: 6 participants, fewer than 5 guests" in lines[0]


def test_meetings_commitments_media_and_feedback_are_listed(world):
    make_meeting(world)
    commitment = make_commitment(world)
    commitment.status = CommitmentStatus.IN_PROGRESS
    commitment.save()
    MediaEntry.objects.create(
        organisation=world.shams,
        outlet="قناة الأنبار",
        kind="tv",
        date=dt.date(2023, 8, 21),
        reach=25000,
        event=commitment.event,
    )
    make_feedback(world)
    sections = _sections(world)
    assert "اجتماع مع قائممقام الرمادي" in sections["Meetings held"][0]
    assert "participants: 0" in sections["Meetings held"][0]
    assert sections["Commitments and their progress"] == [
        "فتح مركز شبابي — مجلس المحافظة — In progress"
    ]
    assert "قناة الأنبار" in sections["Media coverage"][0]
    assert "25,000" in sections["Media coverage"][0]
    # One answer is a small cell: the feedback section does not give it away.
    assert "Participants' feedback" not in sections
