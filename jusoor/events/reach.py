"""Reach figures computed from attendance: per activity, and unique people across a project.

"Reached" adds up each activity's participants (one person at three activities counts three
times), "unique" counts each person once. Guests from partner organisations are counted apart
and are in neither. Figures that leave the workspace go through ``suppress``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from jusoor.engines.stats import protect_counts
from jusoor.events.models import Attendance, Event, Meeting, Registration, RegistrationStatus
from jusoor.geo.models import AgeBand, Sex
from jusoor.people.models import Person
from jusoor.programmes.models import TargetGroup

DIMENSIONS = ("sex", "age_band", "target_group", "area")


def event_participants(event: Event) -> tuple[set[int], set[int]]:
    """(participants, guests): people checked in or present at any session of the event."""
    present = set(
        Attendance.objects.filter(session__event=event).values_list("person_id", flat=True)
    )
    rows = (
        Registration.objects.filter(event=event)
        .exclude(status=RegistrationStatus.CANCELLED)
        .filter(Q(checked_in_at__isnull=False) | Q(person_id__in=present))
    )
    guests = set(rows.filter(is_guest=True).values_list("person_id", flat=True))
    participants = set(rows.filter(is_guest=False).values_list("person_id", flat=True))
    # Present at a session without a registration (a walk-in recorded by hand) counts too.
    unregistered = (
        present
        - participants
        - guests
        - set(Registration.objects.filter(event=event).values_list("person_id", flat=True))
    )
    return participants | unregistered, guests


def meeting_participants(meeting: Meeting) -> set[int]:
    return set(meeting.attendees.values_list("id", flat=True))


@dataclass
class ActivityReach:
    label: str
    kind: str
    date: Any
    people: int
    guests: int = 0
    activity: Any = None


@dataclass
class Reach:
    activities: list[ActivityReach]
    reached: int  # the sum over activities (double counts people who came again)
    unique: int
    guests: int
    youth: int
    breakdown: dict[str, list[tuple[str, int | None]]] = field(default_factory=dict)


def _labels(dimension: str) -> dict[str, str]:
    if dimension == "sex":
        return {k: str(v) for k, v in Sex.choices}
    if dimension == "age_band":
        return {k: str(v) for k, v in AgeBand.choices}
    if dimension == "target_group":
        return {k: str(v) for k, v in TargetGroup.choices}
    return {}


def breakdown(person_ids: set[int]) -> dict[str, list[tuple[str, int | None]]]:
    people = Person.objects.filter(pk__in=person_ids).select_related("area")
    counters = {d: Counter() for d in DIMENSIONS}
    for person in people:
        counters["sex"][person.sex or ""] += 1
        counters["age_band"][person.age_band or ""] += 1
        counters["target_group"][person.target_group or ""] += 1
        counters["area"][str(person.area) if person.area_id else ""] += 1
    result: dict[str, list[tuple[str, int | None]]] = {}
    for dimension, counter in counters.items():
        labels = _labels(dimension)
        order = list(labels) if labels else sorted(k for k in counter if k)
        rows = [(labels.get(k, k), counter[k]) for k in order if counter[k]]
        if counter[""]:
            rows.append((_("not recorded"), counter[""]))
        result[dimension] = rows
    return result


def _youth(person_ids: set[int], year: int) -> int:
    return sum(1 for p in Person.objects.filter(pk__in=person_ids) if p.is_youth(year))


def project_reach(project) -> Reach:  # type: ignore[no-untyped-def]
    activities: list[ActivityReach] = []
    unique: set[int] = set()
    guests: set[int] = set()
    for event in Event.objects.filter(project=project).select_related("activity"):
        participants, event_guests = event_participants(event)
        activities.append(
            ActivityReach(
                str(event),
                "event",
                event.start_date,
                len(participants),
                len(event_guests),
                event.activity,
            )
        )
        unique |= participants
        guests |= event_guests
    for meeting in Meeting.objects.filter(project=project).select_related("activity"):
        attendees = meeting_participants(meeting)
        activities.append(
            ActivityReach(
                meeting.title, "meeting", meeting.date, len(attendees), 0, meeting.activity
            )
        )
        unique |= attendees
    activities.sort(key=lambda a: (a.date, a.label))
    guests -= unique  # a guest who also took part as a participant is a participant
    return Reach(
        activities=activities,
        reached=sum(a.people for a in activities),
        unique=len(unique),
        guests=len(guests),
        youth=_youth(unique, project.start_date.year),
        breakdown=breakdown(unique),
    )


def suppress_value(value: int | None, threshold: int | None = None) -> int | None:
    threshold = settings.SMALL_CELL_THRESHOLD if threshold is None else threshold
    return None if value is not None and 0 < value < threshold else value


def suppress(reach: Reach, threshold: int | None = None) -> Reach:
    """A copy safe to publish: cells under the threshold hidden, and one more where needed.

    When a single cell of a breakdown is hidden, the next smallest is hidden too, so the
    hidden one cannot be worked out from the total.
    """
    threshold = settings.SMALL_CELL_THRESHOLD if threshold is None else threshold
    safe: dict[str, list[tuple[str, int | None]]] = {}
    for dimension, rows in reach.breakdown.items():
        values = protect_counts([v for _, v in rows], threshold)
        safe[dimension] = [(label, value) for (label, _v), value in zip(rows, values, strict=True)]
    return Reach(
        activities=[
            ActivityReach(
                a.label,
                a.kind,
                a.date,
                suppress_value(a.people, threshold),
                suppress_value(a.guests, threshold),
                a.activity,
            )
            for a in reach.activities
        ],
        reached=suppress_value(reach.reached, threshold),  # type: ignore[arg-type]
        unique=suppress_value(reach.unique, threshold),  # type: ignore[arg-type]
        guests=suppress_value(reach.guests, threshold),  # type: ignore[arg-type]
        youth=suppress_value(reach.youth, threshold),  # type: ignore[arg-type]
        breakdown=safe,
    )


def event_reach(event: Event, *, public: bool = False) -> Reach:
    participants, guests = event_participants(event)
    reach = Reach(
        activities=[
            ActivityReach(str(event), "event", event.start_date, len(participants), len(guests))
        ],
        reached=len(participants),
        unique=len(participants),
        guests=len(guests - participants),
        youth=_youth(participants, event.start_date.year),
        breakdown=breakdown(participants),
    )
    return suppress(reach) if public else reach
