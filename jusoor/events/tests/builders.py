"""Small builders for event tests (also used by the URL × role table)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jusoor.conftest import World
from jusoor.events.models import Commitment, Event, Meeting, Registration, Session
from jusoor.people.tests.builders import make_person


def make_event(world: World, **overrides: Any) -> Event:
    fields: dict[str, Any] = {
        "organisation": world.shams,
        "project": world.project,
        "title_ar": "مؤتمر الوقاية والصد",
        "title_en": "Prevention conference",
        "place": "الرمادي",
        "start_date": dt.date(2023, 8, 20),
        "end_date": dt.date(2023, 8, 21),
        "registration_open": True,
        "publish_commitments": True,
    }
    fields.update(overrides)
    slug = fields.pop("slug", "ramadi-conference")
    event, _ = Event.objects.get_or_create(slug=slug, defaults=fields)
    return event


def make_session(event: Event, topic: str = "الأسباب", hour: int = 10) -> Session:
    start = timezone.make_aware(dt.datetime.combine(event.start_date, dt.time(hour)))
    return Session.objects.create(
        event=event, topic=topic, starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )


def make_registration(world: World, event: Event | None = None, **person: Any) -> Registration:
    event = event or make_event(world)
    return Registration.objects.create(event=event, person=make_person(world.shams, **person))


def make_meeting(world: World) -> Meeting:
    meeting, _ = Meeting.objects.get_or_create(
        organisation=world.shams,
        title="اجتماع مع قائممقام الرمادي",
        defaults={"date": dt.date(2023, 8, 5), "project": world.project},
    )
    return meeting


def make_commitment(world: World) -> Commitment:
    return Commitment.objects.create(
        organisation=world.shams,
        event=make_event(world),
        what="فتح مركز شبابي",
        owner="مجلس المحافظة",
    )


def make_feedback(world: World, **overrides: Any):  # type: ignore[no-untyped-def]
    from jusoor.events.models import Feedback

    registration = make_registration(world, phone="0771 999 8877")
    fields: dict[str, Any] = {
        "usefulness": 4,
        "join_dialogue": "yes",
        "learned": "تعلمت كيف نتحاور",
        "text_review": "pending",
    }
    fields.update(overrides)
    return Feedback.objects.create(event=registration.event, registration=registration, **fields)
