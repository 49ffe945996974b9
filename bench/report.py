"""Benchmark of results reporting at programme scale: dashboards, recomputation, donor reports.

A generated programme (by default 50 projects of 5 partner organisations in three governorates,
100,000 participants, 1,000 activities, 500,000 survey submissions) is bulk-inserted into a
throwaway database: SQLite in a temporary directory, or with ``--postgres URL`` a throwaway
PostgreSQL database created and dropped on that server. Every project has computed indicators
(unique participants by sex, age band, target group and area; women among them; meetings held;
respondents; the weighted share of respondents giving an answer) and one hand-entered one.

Measured:

- **dashboard p95**: many GET requests through Django's test client (the whole stack: URL
  routing, sessions, access checks, queries, templates), signed in as a member of the owning
  organisation and as a partner viewer (small cells suppressed), on project dashboards chosen at
  random and on the programme dashboard; p95 over all of them (and each kind printed apart).
  Reach figures are cached for two minutes (dropped at once when attendance changes), so the
  programme dashboard is also timed with nothing cached;
- **recompute**: one attendee added to a meeting (the signal marks the project's computed
  indicators stale), then the time to bring them up to date;
- **docx / pdf**: one project's donor report rendered by the donor-report code.

It also checks correctness: the computed unique participants of a project equal a count made
the slow way in Python, respondents equal the submissions, and a locked period does not move.

    .venv/bin/python bench/report.py
    .venv/bin/python bench/report.py --scale 0.05 --requests 40        # a quick run
    make bench-report BENCH_ARGS="--scale 0.05"
    .venv/bin/python bench/report.py --postgres postgres://postgres@127.0.0.1:5432/postgres

Ends with ``BENCH report dashboard_p95_ms=… recompute_s=… docx_s=… pdf_s=…``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]

GOVERNORATES = ["IQG01", "IQG15", "IQG12"]  # Anbar, Nineveh, Salah al-Din
SEXES = ["f", "m"]
AGE_BANDS = ["15-17", "18-24", "25-29", "30-44", "45-59", "60+"]
GROUPS = ["youth", "womens_group", "local_leader", "tribal_leader", "government_official"]
CAUSES = ["unemployment", "poverty", "injustice", "weak_education", "online_propaganda"]


@dataclass
class Scale:
    projects: int = 50
    participants: int = 100_000
    activities: int = 1_000
    submissions: int = 500_000
    organisations: int = 5

    @classmethod
    def scaled(cls, factor: float) -> Scale:
        return cls(
            projects=max(2, round(50 * factor)),
            participants=max(60, round(100_000 * factor)),
            activities=max(8, round(1_000 * factor)),
            submissions=max(60, round(500_000 * factor)),
            organisations=min(5, max(2, round(50 * factor))),
        )


@dataclass
class Generated:
    programme: Any
    projects: list[Any]
    owner_user: Any
    partner_user: Any
    periods: dict[int, Any] = field(default_factory=dict)
    forms: dict[int, Any] = field(default_factory=dict)
    seconds: float = 0.0


# --- generation --------------------------------------------------------------------------------


def _xlsform() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::Arabic (ar)", "label::English (en)", "hxl"])
    survey.append(["select_one sex", "sex", "الجنس", "Sex", "#sex"])
    survey.append(["select_one age_band", "age_band", "الفئة العمرية", "Age band", "#age+band"])
    survey.append(["text", "area", "المنطقة", "Area", "#adm2+code"])
    survey.append(["select_multiple causes", "causes", "الأسباب", "Causes", ""])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::Arabic (ar)", "label::English (en)"])
    for sex, ar, en in [("f", "أنثى", "Female"), ("m", "ذكر", "Male")]:
        choices.append(["sex", sex, ar, en])
    for band in AGE_BANDS:
        choices.append(["age_band", band, band, band])
    for cause in CAUSES:
        choices.append(["causes", cause, cause, cause])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "version", "form_title", "default_language"])
    settings.append(["bench_survey", "1", "استبيان", "Arabic (ar)"])
    import io

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def generate(scale: Scale, seed: int = 2023) -> Generated:  # noqa: PLR0915  (one long recipe)
    """Bulk-insert the programme; returns what the measurements need."""
    from django.db import transaction
    from django.utils import timezone

    from jusoor.accounts.models import Membership, Organisation, User
    from jusoor.accounts.roles import Role
    from jusoor.events.models import Attendance, Event, Meeting, Registration, Session
    from jusoor.geo.models import AdminUnit, AreaPopulation, TargetArea
    from jusoor.people.models import Person
    from jusoor.programmes.models import (
        Indicator,
        IndicatorTarget,
        IndicatorValue,
        Programme,
        Project,
        ProjectOrganisation,
        ReportingPeriod,
        ResultNode,
    )
    from jusoor.surveys import services as survey_services
    from jusoor.surveys.models import Form, FormVersion, Submission

    started = time.perf_counter()
    rng = random.Random(seed)
    units = {u.pcode: u for u in AdminUnit.objects.filter(level__lte=3)}
    districts = {
        g: [u for p, u in units.items() if len(p) == 8 and p.startswith(g)] for g in GOVERNORATES
    }
    # The shipped gazetteer has Anbar's districts only; with the whole COD-AB imported, projects
    # spread over the three governorates.
    covered = [g for g in GOVERNORATES if districts[g]]
    for g in GOVERNORATES:
        districts[g] = districts[g] or districts[covered[0]]
    with transaction.atomic():
        lead = Organisation.objects.create(
            slug="bench-undp", name_ar="المانح", name_en="Funder", kind="un_agency"
        )
        orgs = [
            Organisation.objects.create(
                slug=f"bench-ngo-{i}", name_ar=f"منظمة {i}", name_en=f"NGO {i}", kind="ngo"
            )
            for i in range(scale.organisations)
        ]
        owner_user = User.objects.create_user("bench-owner")
        Membership.objects.create(user=owner_user, organisation=orgs[0], role=Role.VIEWER)
        partner_user = User.objects.create_user("bench-partner")
        Membership.objects.create(user=partner_user, organisation=lead, role=Role.VIEWER)
        programme = Programme.objects.create(
            slug="bench-programme", owner=lead, title_ar="برنامج", title_en="Programme"
        )
        projects: list[Project] = []
        periods: dict[int, ReportingPeriod] = {}
        nodes: dict[int, list[ResultNode]] = {}
        for i in range(scale.projects):
            governorate = GOVERNORATES[i % len(GOVERNORATES)]
            project = Project.objects.create(
                owner=orgs[i % len(orgs)],
                programme=programme,
                slug=f"bench-project-{i}",
                title_ar=f"مشروع {i}",
                title_en=f"Project {i}",
                start_date=dt.date(2023, 1, 1),
                end_date=dt.date(2023, 12, 31),
            )
            project.governorates.set([units[districts[governorate][0].pcode[:5]]])
            ProjectOrganisation.objects.create(
                project=project, organisation=lead, role="funding", access_role=Role.VIEWER
            )
            for unit in districts[governorate][:4]:
                area = TargetArea.objects.create(project=project, unit=unit)
                AreaPopulation.objects.bulk_create(
                    AreaPopulation(area=area, sex=s, age_band=b, count=rng.randint(2000, 9000))
                    for s in SEXES
                    for b in AGE_BANDS
                )
            objective = ResultNode.objects.create(
                project=project, kind="objective", code="1", title_ar="هدف"
            )
            result = ResultNode.objects.create(
                project=project, kind="result", parent=objective, code="1.1", title_ar="نتيجة"
            )
            events_node = ResultNode.objects.create(
                project=project, kind="activity", parent=result, code="1.1.1", title_ar="فعاليات"
            )
            meetings_node = ResultNode.objects.create(
                project=project, kind="activity", parent=result, code="1.1.2", title_ar="اجتماعات"
            )
            nodes[project.pk] = [result, events_node, meetings_node]
            periods[project.pk] = ReportingPeriod.objects.create(
                project=project,
                label="2023",
                start_date=dt.date(2023, 1, 1),
                end_date=dt.date(2023, 12, 31),
            )
            projects.append(project)

        # People: each organisation's registry, split between its projects.
        people = [
            Person(
                organisation=orgs[i % len(orgs)],
                code=f"P-{i:08d}",
                sex=SEXES[rng.random() < 0.47],
                age_band=rng.choice(AGE_BANDS),
                target_group=rng.choice(GROUPS),
                area=rng.choice(districts[GOVERNORATES[(i // len(orgs)) % 3]]),
                is_synthetic=True,
            )
            for i in range(scale.participants)
        ]
        Person.objects.bulk_create(people, batch_size=5000)
        person_ids: dict[int, list[int]] = {}
        for pk, org_id in Person.objects.filter(organisation__in=orgs).values_list(
            "pk", "organisation_id"
        ):
            person_ids.setdefault(org_id, []).append(pk)
        pools: dict[int, list[int]] = {}
        for org in orgs:
            mine = [p for p in projects if p.owner_id == org.pk]
            ids = person_ids.get(org.pk, [])
            for index, project in enumerate(mine):
                pools[project.pk] = ids[index :: len(mine)] or ids

        # Activities: half events (registrations checked in, one session with attendance),
        # half meetings with their attendees; each project's pool comes one to three times.
        per_project = max(2, scale.activities // scale.projects)
        registrations, attendance, sessions_of = [], [], {}
        meeting_links = []
        for project in projects:
            result, events_node, meetings_node = nodes[project.pk]
            pool = pools[project.pk]
            area_units = districts[GOVERNORATES[projects.index(project) % 3]]
            n_events = per_project // 2
            n_meetings = per_project - n_events
            slots = []
            for _repeat in range(2):
                slots += rng.sample(pool, len(pool))
            event_share = (len(slots) * 9) // 10
            for e in range(n_events):
                day = dt.date(2023, 1 + (e % 12), 1 + e % 28)
                event = Event.objects.create(
                    organisation_id=project.owner_id,
                    project=project,
                    activity=events_node,
                    slug=f"bench-{project.pk}-{e}",
                    title_ar=f"فعالية {e}",
                    start_date=day,
                    end_date=day,
                    area=rng.choice(area_units),
                )
                start = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
                session = Session.objects.create(
                    event=event, topic="جلسة", starts_at=start, ends_at=start
                )
                sessions_of[event.pk] = session
                chosen = set(slots[e:event_share:n_events])
                for person_id in chosen:
                    registrations.append(
                        Registration(
                            event=event,
                            person_id=person_id,
                            code=f"{event.pk:06d}{person_id:08d}"[-16:],
                            checked_in_at=start,
                        )
                    )
                    if rng.random() < 0.8:
                        attendance.append(Attendance(session=session, person_id=person_id))
            for m in range(n_meetings):
                meeting = Meeting.objects.create(
                    organisation_id=project.owner_id,
                    project=project,
                    activity=meetings_node,
                    title=f"اجتماع {m}",
                    date=dt.date(2023, 1 + (m % 12), 2 + m % 26),
                    area=rng.choice(area_units),
                )
                for person_id in set(slots[event_share + m :: n_meetings]):
                    meeting_links.append(
                        Meeting.attendees.through(meeting_id=meeting.pk, person_id=person_id)
                    )
        Registration.objects.bulk_create(registrations, batch_size=5000)
        Attendance.objects.bulk_create(attendance, batch_size=5000)
        Meeting.attendees.through.objects.bulk_create(meeting_links, batch_size=5000)

        # One survey form per project, submissions spread over the year.
        first = survey_services.upload_form(None, projects[0], _xlsform(), "bench.xlsx")
        template = FormVersion.objects.get(pk=first.pk)
        forms = {projects[0].pk: first.form}
        for project in projects[1:]:
            form = Form.objects.create(project=project, form_id="bench_survey", title="استبيان")
            FormVersion.objects.create(
                form=form,
                **{
                    f.name: getattr(template, f.name)
                    for f in FormVersion._meta.concrete_fields
                    if f.name not in {"id", "form", "created_at", "created_by"}
                },
            )
            forms[project.pk] = form
        versions = {v.form_id: v.pk for v in FormVersion.objects.filter(form__in=forms.values())}
        per_form = scale.submissions // scale.projects
        base = timezone.make_aware(dt.datetime(2023, 1, 1, 8))
        batch = []
        for project in projects:
            form = forms[project.pk]
            area_codes = [u.pcode for u in districts[GOVERNORATES[projects.index(project) % 3]]]
            for s in range(per_form):
                batch.append(
                    Submission(
                        form=form,
                        version_id=versions[form.pk],
                        instance_id=f"uuid:{project.pk}-{s}",
                        xml="",
                        xml_sha256="0" * 64,
                        answers={
                            "sex": SEXES[rng.random() < 0.5],
                            "age_band": rng.choice(AGE_BANDS),
                            "area": area_codes[s % min(4, len(area_codes))],
                            "causes": " ".join(
                                c for c in CAUSES if rng.random() < (0.6 if c == CAUSES[0] else 0.3)
                            )
                            or CAUSES[1],
                        },
                        channel="demo",
                        received_at=base + dt.timedelta(minutes=s * 50),
                        synthetic=True,
                    )
                )
                if len(batch) >= 10_000:
                    Submission.objects.bulk_create(batch, batch_size=2500)
                    batch = []
        Submission.objects.bulk_create(batch, batch_size=2500)

        # Indicators: computed ones and one by hand.
        for project in projects:
            result, events_node, meetings_node = nodes[project.pk]
            form = forms[project.pk]
            period = periods[project.pk]
            specs = [
                ("unique_attendees", {}, ["sex", "age_band", "target_group", "area"], True),
                ("unique_attendees", {"sex": "f"}, ["age_band"], True),
                ("meetings_held", {"node": meetings_node.pk}, ["area"], False),
                ("survey_respondents", {"form": form.pk}, ["sex", "age_band", "area"], True),
                (
                    "survey_share",
                    {"form": form.pk, "question": "causes", "answers": ["unemployment"]},
                    ["sex"],
                    False,
                ),
            ]
            for order, (key, params, dims, headline) in enumerate(specs, start=1):
                indicator = Indicator.objects.create(
                    node=result,
                    code=f"1.1.{order}",
                    name_ar=f"مؤشر {order}",
                    name_en=f"Indicator {order}",
                    computation=key,
                    parameters=params,
                    disaggregations=dims,
                    counts_people=key in {"unique_attendees", "survey_respondents"},
                    measure="percentage" if key == "survey_share" else "count",
                    headline=headline,
                    order=order,
                    stale=True,
                )
                IndicatorTarget.objects.create(
                    indicator=indicator, period=period, value=rng.randint(50, 3000)
                )
            manual = Indicator.objects.create(
                node=result, code="1.1.9", name_ar="مؤشر يدوي", name_en="By hand", order=9
            )
            IndicatorTarget.objects.create(indicator=manual, period=period, value=10)
            IndicatorValue.objects.create(indicator=manual, period=period, value=7)
    return Generated(
        programme=programme,
        projects=projects,
        owner_user=owner_user,
        partner_user=partner_user,
        periods=periods,
        forms=forms,
        seconds=time.perf_counter() - started,
    )


# --- measurements ------------------------------------------------------------------------------


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def recompute_all() -> float:
    from jusoor.programmes.services import recompute_stale

    started = time.perf_counter()
    recompute_stale(everything=True)
    return time.perf_counter() - started


def dashboards(world: Generated, requests: int, seed: int = 7) -> dict[str, list[float]]:
    from django.test import Client
    from django.urls import reverse

    rng = random.Random(seed)
    from django.core.cache import cache

    timings: dict[str, list[float]] = {"project": [], "programme": [], "programme_cold": []}
    owned = [p for p in world.projects if p.owner_id == world.projects[0].owner_id]
    for user, candidates in ((world.owner_user, owned), (world.partner_user, world.projects)):
        client = Client()
        client.force_login(user)
        client.cookies["jusoor_language"] = "ar"
        urls = [reverse("reports:project_dashboard", args=[p.pk]) for p in candidates]
        programme = reverse("reports:programme_dashboard", args=[world.programme.slug])
        client.get(urls[0])  # warm: templates compiled
        cache.clear()  # the programme's reach from the database, nothing cached
        started = time.perf_counter()
        assert client.get(programme).status_code == 200
        timings["programme_cold"].append(time.perf_counter() - started)
        for i in range(requests // 2):
            kind = "programme" if i % 10 == 9 else "project"
            url = programme if kind == "programme" else rng.choice(urls)
            started = time.perf_counter()
            response = client.get(url)
            timings[kind].append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
    return timings


def recompute_after_change(world: Generated) -> float:
    from jusoor.events.models import Meeting
    from jusoor.people.models import Person
    from jusoor.programmes.models import Indicator
    from jusoor.programmes.services import recompute_stale

    project = world.projects[0]
    meeting = Meeting.objects.filter(project=project).first()
    newcomer = Person.objects.create(
        organisation_id=project.owner_id, sex="f", age_band="18-24", is_synthetic=True
    )
    meeting.attendees.add(newcomer)  # the signal marks the project's indicators stale
    assert Indicator.objects.filter(node__project=project, stale=True).exists()
    started = time.perf_counter()
    recompute_stale(project)
    return time.perf_counter() - started


def donor_report(world: Generated) -> tuple[float, float, bytes]:
    from jusoor.reports.donor.files import render_donor_file

    period = world.periods[world.projects[0].pk]
    started = time.perf_counter()
    render_donor_file(period, "ar", "docx")
    docx_s = time.perf_counter() - started
    started = time.perf_counter()
    _data, pdf, _type, _name = render_donor_file(period, "ar", "pdf")
    return docx_s, time.perf_counter() - started, pdf


def check(world: Generated) -> list[str]:
    """What must hold whatever the scale; a list of failures (empty when all is well)."""
    from jusoor.events.models import Meeting, Registration
    from jusoor.programmes import services
    from jusoor.programmes.models import Indicator, IndicatorValue

    failures = []
    project = world.projects[-1]
    slow: set[int] = set()
    for event_person in Registration.objects.filter(
        event__project=project, is_guest=False, checked_in_at__isnull=False
    ).values_list("person_id", flat=True):
        slow.add(event_person)
    for meeting in Meeting.objects.filter(project=project).prefetch_related("attendees"):
        slow |= {p.pk for p in meeting.attendees.all()}
    unique = Indicator.objects.get(node__project=project, code="1.1.1")
    value = IndicatorValue.objects.get(indicator=unique, dimension="").value
    if value != len(slow):
        failures.append(f"unique participants {value} != {len(slow)} counted in Python")
    by_sex = sum(
        IndicatorValue.objects.filter(indicator=unique, dimension="sex").values_list(
            "value", flat=True
        )
    )
    if by_sex != value:
        failures.append(f"sex groups add to {by_sex}, not {value}")
    respondents = Indicator.objects.get(node__project=project, code="1.1.4")
    counted = IndicatorValue.objects.get(indicator=respondents, dimension="").value
    if counted != world.forms[project.pk].submissions.count():
        failures.append("respondents differ from the submissions")
    share = IndicatorValue.objects.get(
        indicator__node__project=project, indicator__code="1.1.5", dimension=""
    )
    if not (share.lower is not None and share.lower <= share.value <= share.upper):
        failures.append("the share has no interval around it")
    period = world.periods[project.pk]
    for status in ("submitted", "approved", "locked"):
        services.change_period_status(world.owner_user, period, status)
    Meeting.objects.filter(project=project).first().attendees.clear()
    services.recompute_stale(project)
    if IndicatorValue.objects.get(indicator=unique, dimension="").value != value:
        failures.append("a locked period's figure moved")
    return failures


# --- running it ----------------------------------------------------------------------------------


def run(scale: Scale, requests: int) -> dict[str, Any]:
    world = generate(scale)
    print(
        f"generated {len(world.projects)} projects, {scale.participants} participants, "
        f"~{scale.activities} activities, {scale.submissions} submissions "
        f"in {world.seconds:.1f} s",
        flush=True,
    )
    initial = recompute_all()
    print(f"first computation of every indicator: {initial:.1f} s", flush=True)
    timings = dashboards(world, requests)
    everything = timings["project"] + timings["programme"]
    recompute = recompute_after_change(world)
    docx_s, pdf_s, pdf = donor_report(world)
    failures = check(world)
    return {
        "world": world,
        "initial_s": initial,
        "project_p95_ms": p95(timings["project"]) * 1000,
        "programme_p95_ms": p95(timings["programme"]) * 1000 if timings["programme"] else 0.0,
        "programme_cold_ms": max(timings["programme_cold"]) * 1000,
        "dashboard_p95_ms": p95(everything) * 1000,
        "median_ms": statistics.median(everything) * 1000,
        "requests": len(everything),
        "recompute_s": recompute,
        "docx_s": docx_s,
        "pdf_s": pdf_s,
        "pdf_bytes": len(pdf),
        "failures": failures,
    }


def _postgres_database(url: str) -> tuple[str, Any]:
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = f"jusoor_bench_report_{os.getpid()}"
    admin = psycopg.connect(url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    return parsed._replace(path=f"/{name}").geturl(), (admin, name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the full programme")
    parser.add_argument("--requests", type=int, default=300, help="dashboard requests")
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a throwaway database)")
    args = parser.parse_args()
    scale = Scale() if args.scale == 1.0 else Scale.scaled(args.scale)
    data_dir = tempfile.mkdtemp(prefix="jusoor-bench-report-")
    os.environ["JUSOOR_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jusoor.settings")
    dropper = None
    if args.postgres:
        os.environ["DATABASE_URL"], dropper = _postgres_database(args.postgres)
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(REPOSITORY))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        result = run(scale, args.requests)
    finally:
        connection.close()
        if dropper:
            admin, name = dropper
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"database: {connection.vendor}")
    print(
        f"dashboards: {result['requests']} requests, median {result['median_ms']:.0f} ms, "
        f"project p95 {result['project_p95_ms']:.0f} ms, "
        f"programme p95 {result['programme_p95_ms']:.0f} ms; "
        f"programme with nothing cached {result['programme_cold_ms']:.0f} ms"
    )
    print(f"recompute after one new attendee: {result['recompute_s']:.2f} s")
    print(f"donor report: DOCX {result['docx_s']:.2f} s, PDF {result['pdf_s']:.2f} s")
    for failure in result["failures"]:
        print(f"FAIL {failure}")
    print(
        f"BENCH report dashboard_p95_ms={result['dashboard_p95_ms']:.0f} "
        f"recompute_s={result['recompute_s']:.2f} docx_s={result['docx_s']:.2f} "
        f"pdf_s={result['pdf_s']:.2f}"
    )
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
