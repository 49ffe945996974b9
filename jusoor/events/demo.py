"""Demo meetings and the Ramadi conference, with synthetic people (labelled as such).

``load_people_events_demo(project)`` brings the database to the same state on every call: every
row is found by a stable key (codes come from a seeded generator), nothing is duplicated, and
records someone merged or withdrew in the meantime are left alone. Some people who met the
mayors also registered for the conference under another spelling of their name, so the
deduplication queue has real work to do.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from jusoor.accounts.models import Organisation
from jusoor.core import audit
from jusoor.engines.arabic import synthetic
from jusoor.events.models import (
    Attendance,
    Commitment,
    CommitmentUpdate,
    Event,
    MediaEntry,
    Meeting,
    Quota,
    Registration,
    RegistrationStatus,
    Session,
    Takeaway,
)
from jusoor.geo.models import AdminUnit
from jusoor.people.demo import load_stakeholders_demo
from jusoor.people.models import CODE_ALPHABET, Consent, Person, age_band_for
from jusoor.programmes.models import Project, ResultNode

SEED = 2308
YEAR = 2023
CONFERENCE_SLUG = "ramadi-prevention-conference-2023"
SYNTHETIC_NOTE = "بيانات تجريبية مولدة (synthetic demo data)"

QUOTAS = {
    "youth": 60,
    "womens_group": 50,
    "local_leader": 25,
    "tribal_leader": 25,
    "government_official": 20,
    "sub_committee": 10,
    "civil_society": 10,
}

# (kind, theme, text) said at the mayors' meetings; each meeting records four of them.
MEETING_TAKEAWAYS = [
    (
        "cause",
        "اقتصاد",
        "البطالة بين الشباب وقلة فرص العمل تجعلهم عرضة للتجنيد من الجماعات المتطرفة",
    ),
    ("cause", "تعليم", "تسرب الأطفال من المدارس بعد سنوات النزوح"),
    ("cause", "خطاب ديني", "انتشار الخطاب المتشدد على وسائل التواصل الاجتماعي دون رد مجتمعي"),
    ("challenge", "تماسك اجتماعي", "صعوبة إعادة دمج العائلات العائدة من المخيمات"),
    ("challenge", "خدمات", "ضعف الخدمات الأساسية في المناطق المحررة"),
    ("challenge", "ثقة", "ضعف الثقة بين المواطنين والمؤسسات المحلية"),
    ("solution", "اقتصاد", "مشاريع صغيرة ومنح تدريب مهني للشباب العاطلين"),
    ("solution", "تماسك اجتماعي", "لجان مصالحة محلية تضم شيوخ العشائر ورجال الدين"),
    ("recommendation", "تعليم", "برامج دعم نفسي في المدارس للأطفال المتأثرين بالنزاع"),
    ("recommendation", "اعلام", "حملات توعية مشتركة مع الإعلام المحلي ضد خطاب الكراهية"),
]

PANELS = [
    ("الجلسة الأولى: أسباب التطرف العنيف في الأنبار", "cause", 1, 11),
    ("الجلسة الثانية: التحديات أمام الوقاية من التطرف", "challenge", 1, 14),
    ("الجلسة الثالثة: الحلول والتعاون طويل الأمد", "solution", 2, 10),
]

PANEL_TAKEAWAYS = {
    "cause": [
        ("اقتصاد", "الفقر والبطالة في الأقضية البعيدة عن مركز المحافظة"),
        ("خطاب ديني", "غياب الخطاب الديني المعتدل في بعض المساجد الصغيرة"),
        ("تماسك اجتماعي", "آثار النزوح الطويل وتفكك الروابط الاجتماعية"),
    ],
    "challenge": [
        ("ثقة", "ضعف التنسيق بين الجهات الحكومية ومنظمات المجتمع المدني"),
        ("تمويل", "قصر مدة المشاريع الممولة وانقطاعها"),
        ("نساء", "محدودية مشاركة النساء في اللجان المحلية"),
    ],
    "solution": [
        ("شباب", "إنشاء مراكز شبابية في الأقضية تقدم التدريب المهني والأنشطة الرياضية"),
        ("تماسك اجتماعي", "تفعيل لجان السلم المجتمعي في كل ناحية"),
        ("اعلام", "منصة إعلامية مشتركة لمواجهة خطاب الكراهية"),
        ("نساء", "تخصيص مقاعد للنساء في اللجنة الفرعية لمكافحة التطرف"),
    ],
}

COMMITMENTS = [
    # (solution index, owner, due, status, progress notes)
    (
        0,
        "مجلس محافظة الأنبار",
        dt.date(2024, 3, 31),
        "in_progress",
        [(dt.date(2023, 10, 15), "خصصت قطعة أرض لأول مركز شبابي في الرمادي")],
    ),
    (
        1,
        "اللجنة الفرعية لمكافحة التطرف",
        dt.date(2023, 12, 31),
        "done",
        [
            (dt.date(2023, 9, 20), "تشكيل لجان في خمس نواحٍ"),
            (dt.date(2023, 12, 10), "اكتمل تشكيل اللجان في النواحي العشر"),
        ],
    ),
    (
        2,
        "منظمة شمس الإنسانية للمرأة والطفل",
        dt.date(2024, 1, 31),
        "in_progress",
        [(dt.date(2023, 11, 1), "اتفاق مبدئي مع ثلاث قنوات محلية")],
    ),
    (3, "مكتب محافظ الأنبار", dt.date(2024, 6, 30), "planned", []),
]

MEDIA = [
    ("قناة الأنبار الفضائية", "tv", "ar", 120_000, dt.date(2023, 8, 22)),
    ("قناة السومرية", "tv", "ar", 350_000, dt.date(2023, 8, 22)),
    ("إذاعة دجلة", "radio", "ar", 40_000, dt.date(2023, 8, 23)),
    ("جريدة الصباح", "press", "ar", 25_000, dt.date(2023, 8, 24)),
    ("شفق نيوز", "online", "ar", 80_000, dt.date(2023, 8, 23)),
    ("Shafaq News English", "online", "en", 15_000, dt.date(2023, 8, 24)),
    ("صفحة منظمة شمس على فيسبوك", "social", "ar", 60_000, dt.date(2023, 8, 22)),
]


class _Codes:
    """Stable codes: the same sequence on every run."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def next(self, prefix: str, length: int) -> str:
        return prefix + "".join(self.rng.choice(CODE_ALPHABET) for _ in range(length))


def _canonical_name(p: synthetic.Person) -> str:
    return " ".join([p.given, *p.ancestors[:2], *([p.tribe] if p.tribe else [])])


def _person(
    organisation: Organisation,
    code: str,
    truth: synthetic.Person,
    *,
    name: str,
    phone: str,
    target_group: str,
    area: AdminUnit,
    affiliation: str = "",
) -> Person | None:
    person = Person.objects.filter(code=code).first()
    if person is not None:
        # Left alone if it is not ours, or was merged or withdrawn since the last run.
        return person if person.is_synthetic and person.is_active else None
    person = Person(
        organisation=organisation,
        code=code,
        name=name,
        phone=phone,
        sex=truth.sex,
        birth_year=truth.birth_year,
        age_band=age_band_for(YEAR - truth.birth_year),
        target_group=target_group,
        affiliation=affiliation,
        area=area,
        displacement=random.Random(code).choice(["resident"] * 6 + ["idp", "returnee"]),
        is_synthetic=True,
    )
    person.save()
    Consent.objects.create(
        person=person, participation=True, photos=True, follow_up=True, channel=SYNTHETIC_NOTE
    )
    return person


def _pool(rng: random.Random) -> dict[str, list[synthetic.Person]]:
    """Synthetic people sorted into the seed's target groups by sex and age."""
    people = synthetic.make_people(1600, rng)
    rng.shuffle(people)
    youth = [p for p in people if 15 <= YEAR - p.birth_year <= 29]
    women = [p for p in people if p.sex == "f" and YEAR - p.birth_year >= 18]
    men = [p for p in people if p.sex == "m" and YEAR - p.birth_year >= 35]
    used: set[int] = set()

    def take(source: list[synthetic.Person], n: int) -> list[synthetic.Person]:
        chosen = [p for p in source if p.pid not in used][:n]
        used.update(p.pid for p in chosen)
        return chosen

    return {
        "mayor": take(men, 10),
        "meeting_guest": take(men, 25),
        "youth": take(youth, QUOTAS["youth"]),
        "womens_group": take(women, QUOTAS["womens_group"]),
        "local_leader": take(men, QUOTAS["local_leader"]),
        "tribal_leader": take(men, QUOTAS["tribal_leader"]),
        "government_official": take(men, QUOTAS["government_official"]),
        "sub_committee": take(men, QUOTAS["sub_committee"]),
        "civil_society": take(women + men, QUOTAS["civil_society"]),
        "guest": take(men + women, 10),
    }


def _activity(project: Project, index: int) -> ResultNode | None:
    return project.nodes.filter(kind="activity").order_by("code")[index : index + 1].first()


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@transaction.atomic
def load_people_events_demo(project: Project) -> dict[str, Any]:
    organisation = project.owner
    rng = random.Random(SEED)
    codes = _Codes(SEED)
    pool = _pool(rng)
    areas = [t.unit for t in project.target_areas.select_related("unit").order_by("unit__pcode")]
    if not areas:
        return {}
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=["undp", "world-vision"])}

    # --- meetings with the mayors of the ten target areas --------------------------------
    meeting_people: list[tuple[Person, synthetic.Person]] = []
    for index, area in enumerate(areas):
        day = dt.date(YEAR, 8, 2 + index)
        meeting, _ = Meeting.objects.update_or_create(
            organisation=organisation,
            title=f"اجتماع تنسيقي مع إدارة {area.name_ar}",
            defaults={
                "project": project,
                "activity": _activity(project, 0),
                "date": day,
                "place": f"مبنى إدارة {area.name_ar}",
                "area": area,
                "agenda": "تنسيق تنفيذ المبادرة؛ تحديد أسباب التطرف والتحديات والحلول الممكنة",
                "minutes": "ملخص تجريبي: ناقش الحاضرون أوضاع المنطقة واتفقوا على المشاركة في المؤتمر. "
                + SYNTHETIC_NOTE,
            },
        )
        mayor = pool["mayor"][index]
        attendees = [
            _person(
                organisation,
                codes.next("P-", 5),
                mayor,
                name=_canonical_name(mayor),
                phone="0" + mayor.phone if mayor.phone else "",
                target_group="government_official",
                area=area,
                affiliation=f"إدارة {area.name_ar}",
            )
        ]
        for guest in pool["meeting_guest"][index * 2 : index * 2 + 2]:
            person = _person(
                organisation,
                codes.next("P-", 5),
                guest,
                name=_canonical_name(guest),
                phone="0" + guest.phone if guest.phone else "",
                target_group=rng.choice(["local_leader", "tribal_leader"]),
                area=area,
            )
            attendees.append(person)
            if person is not None:
                meeting_people.append((person, guest))
        if attendees[0] is not None:
            meeting_people.append((attendees[0], mayor))
        meeting.attendees.add(*[p for p in attendees if p is not None])
        for offset in range(4):
            kind, theme, text = MEETING_TAKEAWAYS[(index + offset * 3) % len(MEETING_TAKEAWAYS)]
            Takeaway.objects.get_or_create(
                organisation=organisation,
                meeting=meeting,
                kind=kind,
                text=text,
                defaults={"theme": theme, "area": area},
            )

    # --- the Ramadi conference -------------------------------------------------------------
    ramadi = areas[0]
    event, _ = Event.objects.update_or_create(
        slug=CONFERENCE_SLUG,
        defaults={
            "organisation": organisation,
            "project": project,
            "activity": _activity(project, 2),
            "kind": "conference",
            "title_ar": "مؤتمر الوقاية والصد لمحاربة التطرف العنيف في محافظة الأنبار",
            "title_en": "Prevention and Response Conference to counter violent extremism in Anbar",
            "description_ar": "مؤتمر بمشاركة 200 شخص من الفئات المستهدفة. " + SYNTHETIC_NOTE,
            "description_en": "200 participants from the target groups. Registrants are synthetic demo data.",
            "place": "قاعة المؤتمرات، الرمادي",
            "area": ramadi,
            "start_date": dt.date(YEAR, 8, 22),
            "end_date": dt.date(YEAR, 8, 23),
            "capacity": sum(QUOTAS.values()),
            "registration_open": False,
            "publish_commitments": True,
        },
    )
    for group, places in QUOTAS.items():
        Quota.objects.update_or_create(event=event, target_group=group, defaults={"places": places})
    opening, _ = Session.objects.update_or_create(
        event=event,
        topic="الجلسة الافتتاحية وعرض نتائج الاستطلاع",
        defaults={
            "kind": "plenary",
            "starts_at": _aware(event.start_date, 9),
            "ends_at": _aware(event.start_date, 10),
            "moderator": "منظمة شمس",
        },
    )
    panels = []
    for topic, kind, day, hour in PANELS:
        date = event.start_date + dt.timedelta(days=day - 1)
        panel, _ = Session.objects.update_or_create(
            event=event,
            topic=topic,
            defaults={
                "kind": "panel",
                "starts_at": _aware(date, hour),
                "ends_at": _aware(date, hour + 2),
                "moderator": "ممثل منظمة شمس",
                "speakers": "ممثل مجلس المحافظة\nشيخ عشيرة\nباحث أكاديمي\nممثلة عن المنظمات النسوية",
            },
        )
        panels.append((panel, kind))
        for theme, text in PANEL_TAKEAWAYS[kind]:
            Takeaway.objects.get_or_create(
                organisation=organisation,
                session=panel,
                kind=kind,
                text=text,
                defaults={"theme": theme, "area": ramadi},
            )

    registrants: list[tuple[Person, bool]] = []
    # 25 people from the meetings come back under another spelling (a second record each).
    variant_rng = random.Random(SEED + 1)
    for person, truth in meeting_people[:25]:
        record = synthetic.render(variant_rng, truth, "variant")
        variant = _person(
            organisation,
            codes.next("P-", 5),
            truth,
            name=record["name"],
            phone=record["phone"],
            target_group=person.target_group,
            area=person.area,
            affiliation=person.affiliation,
        )
        if variant:
            registrants.append((variant, False))
    for group, places in QUOTAS.items():
        already = sum(1 for p, _g in registrants if p.target_group == group)
        for truth in pool[group][: max(0, places - already)]:
            person = _person(
                organisation,
                codes.next("P-", 5),
                truth,
                name=_canonical_name(truth),
                phone="0" + truth.phone if truth.phone else "",
                target_group=group,
                area=areas[truth.pid % len(areas)],
                affiliation="اللجنة الفرعية لمكافحة التطرف" if group == "sub_committee" else "",
            )
            if person:
                registrants.append((person, False))
    guest_teams = [orgs.get("undp"), orgs.get("world-vision"), None]
    for index, truth in enumerate(pool["guest"]):
        team = guest_teams[index % 3]
        person = _person(
            organisation,
            codes.next("P-", 5),
            truth,
            name=_canonical_name(truth),
            phone="",
            target_group="other" if team else "sub_committee",
            area=ramadi,
            affiliation=team.name_ar if team else "اللجنة الفرعية لمكافحة التطرف",
        )
        if person:
            registrants.append((person, True))

    checked_in = 0
    for index, (person, is_guest) in enumerate(registrants):
        code = codes.next("", 8)
        if Registration.objects.filter(code=code).exclude(event=event, person=person).exists():
            code = ""  # taken by a registration made in the meantime: a fresh one is drawn
        registration = Registration.objects.filter(event=event, person=person).first()
        if registration is None:
            team = None if not is_guest else guest_teams[(index) % 3]
            registration = Registration.objects.create(
                event=event,
                person=person,
                code=code,
                is_guest=is_guest,
                guest_of=team,
                status=RegistrationStatus.CONFIRMED,
                walk_in=random.Random(f"walk-in {person.code}").random() < 0.03,
            )
        # The seed counts 200 participants at the conference: every registrant came.
        if registration.checked_in_at is None:
            registration.checked_in_at = _aware(event.start_date, 8)
            registration.save(update_fields=["checked_in_at"])
        if registration.checked_in_at:
            checked_in += 1
            for session in [opening, *[p for p, _k in panels]]:
                if random.Random(f"{session.topic} {person.code}").random() < 0.85:
                    Attendance.objects.get_or_create(
                        session=session, person=person, defaults={"registration": registration}
                    )

    solutions = list(Takeaway.objects.filter(session=panels[2][0], kind="solution").order_by("id"))
    for index, owner, due, status, notes in COMMITMENTS:
        commitment, _ = Commitment.objects.update_or_create(
            organisation=organisation,
            event=event,
            what=solutions[index].text,
            defaults={
                "takeaway": solutions[index],
                "owner": owner,
                "due_date": due,
                "status": status,
                "is_public": True,
            },
        )
        for date, note in notes:
            CommitmentUpdate.objects.get_or_create(commitment=commitment, date=date, note=note)

    for outlet, kind, language, reach, date in MEDIA:
        MediaEntry.objects.update_or_create(
            organisation=organisation,
            outlet=outlet,
            date=date,
            defaults={
                "kind": kind,
                "language": language,
                "reach": reach,
                "event": event,
                "activity": event.activity,
                "note": SYNTHETIC_NOTE,
                "link": f"https://example.org/demo/{kind}/{date.isoformat()}",
            },
        )

    # The stakeholder directory: the mayors met above and the sub-committee, at those meetings.
    directory = load_stakeholders_demo(project)

    audit.record(
        None,
        "demo.people_events",
        event,
        registrants=len(registrants),
        checked_in=checked_in,
        stakeholders=directory["mayors"] + directory["sub_committee"],
    )
    return {
        "event": event,
        "registrants": len(registrants),
        "checked_in": checked_in,
        "stakeholders": directory,
    }
