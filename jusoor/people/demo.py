"""The demo's stakeholder directory: the ten target areas' mayors and the counter-extremism
sub-committee, synthetic and labelled as such, linked to the demo's coordination meetings.

``load_stakeholders_demo(project)`` gives the same result on every call: each record is found by
its office, nothing is duplicated, and records someone deactivated stay deactivated.
"""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction

from jusoor.engines.arabic import synthetic
from jusoor.events.models import Meeting
from jusoor.geo.models import AdminUnit
from jusoor.people.models import Stakeholder, StakeholderKind
from jusoor.programmes.models import Project

SEED = 4417
SYNTHETIC_OFFICE_NOTE = "بيانات تجريبية"

SUB_COMMITTEE = [
    "رئيس اللجنة الفرعية لمكافحة التطرف",
    "ممثل قيادة شرطة الأنبار",
    "ممثل مديرية تربية الأنبار",
    "ممثل ديوان الوقف السني",
    "ممثلة قسم تمكين المرأة في المحافظة",
    "ممثل مديرية الشباب والرياضة",
    "ممثل مجلس شيوخ العشائر",
    "مقرر اللجنة",
]


def _head_of(area: AdminUnit) -> str:
    """The title of an area's head: مدير ناحية for a sub-district, قائممقام for a district."""
    if area.level >= 3:
        return f"مدير ناحية {area.name_ar}"
    if area.level == 2:
        return f"قائممقام قضاء {area.name_ar}"
    return f"محافظ {area.name_ar}"


def _name(person: synthetic.Person) -> str:
    return " ".join(
        [person.given, *person.ancestors[:2], *([person.tribe] if person.tribe else [])]
    )


def _phone(person: synthetic.Person, rng: random.Random) -> str:
    return "0" + (person.phone or f"78{rng.randrange(10**7, 10**8)}")


def _upsert(organisation, kind: str, position: str, defaults: dict[str, Any]) -> Stakeholder:  # type: ignore[no-untyped-def]
    # Found by office, not by name: whoever holds the office in the demo is one record.
    stakeholder = Stakeholder.objects.filter(
        organisation=organisation, kind=kind, position=position, is_synthetic=True
    ).first()
    if stakeholder is None:
        stakeholder = Stakeholder(
            organisation=organisation, kind=kind, position=position, is_synthetic=True
        )
    for field, value in defaults.items():
        setattr(stakeholder, field, value)
    stakeholder.save()
    return stakeholder


@transaction.atomic
def load_stakeholders_demo(project: Project) -> dict[str, int]:
    organisation = project.owner
    rng = random.Random(SEED)
    pool = synthetic.make_people(600, rng)
    people = [p for p in pool if p.sex == "m" and p.birth_year < 1980]
    women = [p for p in pool if p.sex == "f" and p.birth_year < 1995]
    areas = [t.unit for t in project.target_areas.select_related("unit").order_by("unit__pcode")]
    if not areas:
        return {"mayors": 0, "sub_committee": 0, "meetings": 0}
    governorate = areas[0] if areas else None
    while governorate is not None and governorate.parent_id:
        governorate = governorate.parent

    mayors = []
    for index, area in enumerate(areas):
        truth = people[index]
        mayors.append(
            _upsert(
                organisation,
                StakeholderKind.MAYOR,
                _head_of(area),
                {
                    "name": _name(truth),
                    "affiliation": f"إدارة {area.name_ar} ({SYNTHETIC_OFFICE_NOTE})",
                    "area": area,
                    "phone": _phone(truth, rng),
                },
            )
        )
    members = []
    for index, position in enumerate(SUB_COMMITTEE):
        truth = women[index] if "ممثلة" in position else people[len(areas) + index]
        members.append(
            _upsert(
                organisation,
                StakeholderKind.SUB_COMMITTEE,
                position,
                {
                    "name": _name(truth),
                    "affiliation": f"اللجنة الفرعية لمكافحة التطرف ({SYNTHETIC_OFFICE_NOTE})",
                    "area": governorate,
                    "phone": _phone(truth, rng),
                    "email": f"subcommittee{index + 1}@example.org",
                },
            )
        )

    linked = 0
    for index, area in enumerate(areas):
        meeting = Meeting.objects.filter(organisation=organisation, project=project, area=area)
        meeting = meeting.order_by("date", "id").first()
        if meeting is None:
            continue
        # The mayor, and two members of the sub-committee in turn.
        guests = [mayors[index], members[index % len(members)], members[(index + 3) % len(members)]]
        meeting.stakeholders.add(*guests)
        linked += 1
    return {"mayors": len(mayors), "sub_committee": len(members), "meetings": linked}
