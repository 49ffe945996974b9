"""Dashboards per project and per programme: results against targets, reach by group, a map of
activity by district, recent activities.

Everything is aggregated in the database (a few GROUP BY queries whatever the number of people),
and the computed indicators are read as stored, recomputed first only when stale. Who is not a
member of the organisation that owns a project sees counts of people below
``SMALL_CELL_THRESHOLD`` hidden, with one more cell hidden where a single hidden one could be
worked out from the total.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from jusoor.accounts.access import role_in
from jusoor.engines.stats import protect_counts
from jusoor.events.models import Attendance, Event, Meeting, Registration, RegistrationStatus
from jusoor.events.reach import suppress_value
from jusoor.geo import boundaries
from jusoor.geo.models import AdminUnit
from jusoor.people.models import Person
from jusoor.programmes.labels import CATEGORY_CHOICES, label_for
from jusoor.programmes.models import Dimension, Project
from jusoor.reports.figures import IndicatorFigures, project_figures

DIMENSIONS = [Dimension.SEX, Dimension.AGE_BAND, Dimension.TARGET_GROUP, Dimension.AREA]


def must_suppress(user: Any, projects: list[Project]) -> bool:
    """Small cells are hidden unless the person belongs to the organisation owning every project."""
    return any(not role_in(user, project.owner_id) for project in projects)


def _hide(values: list[int], suppress: bool) -> list[int | None]:
    return protect_counts(values, settings.SMALL_CELL_THRESHOLD) if suppress else list(values)


def hide_one(value: int | None, suppress: bool) -> int | None:
    return suppress_value(value) if suppress else value


# --- reach ---------------------------------------------------------------------------------------


@dataclass
class GroupRow:
    label: str
    value: int | None
    share: float = 0.0

    @property
    def bar(self) -> str:
        """Width of the bar in SVG user units: never localised (no decimal comma)."""
        return f"{self.share:.1f}"


@dataclass
class ReachSummary:
    unique: int | None
    groups: dict[str, list[GroupRow]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


def taking_part(projects: list[Project]) -> Q:
    """People who took part in the projects' activities: checked in or present at an event
    (guests of partner organisations apart), or at a meeting. Three ``IN`` subqueries, which
    both databases turn into one lookup table each (faster here than a UNION joined back)."""
    ids = [p.pk for p in projects]
    guests = (
        Registration.objects.filter(event__project_id__in=ids, is_guest=True)
        .order_by()
        .values("person_id")
    )
    checked_in = (
        Registration.objects.filter(
            event__project_id__in=ids, is_guest=False, checked_in_at__isnull=False
        )
        .exclude(status=RegistrationStatus.CANCELLED)
        .order_by()
        .values("person_id")
    )
    present = (
        Attendance.objects.filter(session__event__project_id__in=ids)
        .exclude(person_id__in=guests)
        .order_by()
        .values("person_id")
    )
    met = (
        Meeting.attendees.through.objects.filter(meeting__project_id__in=ids)
        .order_by()
        .values("person_id")
    )
    return Q(pk__in=checked_in) | Q(pk__in=present) | Q(pk__in=met)


REACH_VERSION = "jusoor:reach-version"
REACH_SECONDS = 120


def bump_reach_version() -> None:
    """Called when attendance changes: every cached reach figure is recomputed on next read."""
    cache.add(REACH_VERSION, 0, None)
    try:
        cache.incr(REACH_VERSION)
    except ValueError:  # evicted between add and incr
        cache.set(REACH_VERSION, 1, None)


def reach_rows(projects: list[Project]) -> list[tuple[Any, ...]]:
    """``query_reach_rows``, kept in the cache for at most ``REACH_SECONDS`` and dropped as soon
    as attendance changes through the application (writes that send no signal, such as bulk
    imports, show within that time)."""
    ids = ",".join(str(pk) for pk in sorted(p.pk for p in projects))
    digest = hashlib.sha256(ids.encode()).hexdigest()[:24]
    key = f"jusoor:reach:{cache.get(REACH_VERSION, 0)}:{digest}"
    rows = cache.get(key)
    if rows is None:
        rows = query_reach_rows(projects)
        cache.set(key, rows, REACH_SECONDS)
    return rows


def query_reach_rows(projects: list[Project]) -> list[tuple[Any, ...]]:
    """(organisation, sex, age band, target group, area p-code, people), one row per group."""
    return list(
        Person.objects.filter(taking_part(projects), merged_into__isnull=True)
        .values_list("organisation_id", "sex", "age_band", "target_group", "area__pcode")
        .annotate(n=Count("id"))
        .order_by()
    )


def reach(
    projects: list[Project], suppress: bool, rows: list[tuple[Any, ...]] | None = None
) -> ReachSummary:
    rows = reach_rows(projects) if rows is None else rows
    counters: dict[str, Counter] = {d: Counter() for d in DIMENSIONS}
    total = 0
    for _organisation, sex, age_band, target_group, area, n in rows:
        total += n
        counters[Dimension.SEX][sex or ""] += n
        counters[Dimension.AGE_BAND][age_band or ""] += n
        counters[Dimension.TARGET_GROUP][target_group or ""] += n
        counters[Dimension.AREA][boundaries.district_of(area) if area else ""] += n
    areas = {u.pcode: u for u in AdminUnit.objects.filter(pcode__in=list(counters[Dimension.AREA]))}
    groups: dict[str, list[GroupRow]] = {}
    for dimension, counter in counters.items():
        keys = sorted(k for k in counter if k)
        if dimension != Dimension.AREA:
            order = list(CATEGORY_CHOICES.get(dimension, {}))
            keys = [k for k in order if k in counter] + [k for k in keys if k not in order]
        labels = [label_for(dimension, k, areas) for k in keys]
        values = [counter[k] for k in keys]
        if counter[""]:
            labels.append(_("not recorded"))
            values.append(counter[""])
        shown = _hide(values, suppress)
        peak = max((v for v in shown if v), default=0)
        groups[dimension] = [
            GroupRow(label, value, (100 * value / peak) if value and peak else 0.0)
            for label, value in zip(labels, shown, strict=True)
        ]
    return ReachSummary(
        unique=hide_one(total, suppress),
        groups=groups,
        labels={d: str(Dimension(d).label) for d in DIMENSIONS},
    )


# --- activity map and recent activities ------------------------------------------------------------


def activity_counts(projects: list[Project]) -> dict[str, int]:
    """Events and meetings per district (sub-district areas count for their district)."""
    ids = [p.pk for p in projects]
    counts: dict[str, int] = defaultdict(int)
    for model in (Event, Meeting):
        for pcode, n in (
            model.objects.filter(project_id__in=ids, area__isnull=False)
            .values_list("area__pcode")
            .annotate(n=Count("id"))
            .order_by()
        ):
            counts[boundaries.district_of(pcode)] += n
    return dict(counts)


def activity_map(projects: list[Project], also: list[str] | None = None) -> dict[str, Any] | None:
    from jusoor.geo.models import TargetArea

    ids = [p.pk for p in projects]
    governorates = set(
        Project.governorates.through.objects.filter(project_id__in=ids).values_list(
            "adminunit__pcode", flat=True
        )
    )
    governorates |= {
        pcode[:5]
        for pcode in TargetArea.objects.filter(project_id__in=ids).values_list(
            "unit__pcode", flat=True
        )
    }
    governorates |= set(also or [])
    counts = activity_counts(projects)
    governorates |= {pcode[:5] for pcode in counts}
    drawn = boundaries.district_map(counts, sorted(governorates))
    if drawn:
        drawn["unplaced"] = sum(n for p, n in counts.items() if p[:5] not in governorates)
    return drawn


@dataclass
class RecentActivity:
    kind: str
    title: str
    date: dt.date
    project: Project
    area: str
    people: int | None


def recent_activities(projects: list[Project], suppress: bool, limit: int = 10) -> list:
    """The latest events and meetings; people are counted for those shown only."""
    ids = [p.pk for p in projects]
    by_pk = {p.pk: p for p in projects}
    events = list(
        Event.objects.filter(project_id__in=ids)
        .select_related("area")
        .order_by("-start_date", "-pk")[:limit]
    )
    meetings = list(
        Meeting.objects.filter(project_id__in=ids)
        .select_related("area")
        .order_by("-date", "-pk")[:limit]
    )
    checked_in = dict(
        Registration.objects.filter(event__in=events, checked_in_at__isnull=False, is_guest=False)
        .values_list("event_id")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    attendees = dict(
        Meeting.attendees.through.objects.filter(meeting__in=meetings)
        .values_list("meeting_id")
        .annotate(n=Count("person_id"))
        .order_by()
    )
    items = [
        RecentActivity(
            _("Event"),
            str(e),
            e.start_date,
            by_pk[e.project_id],
            str(e.area or ""),
            checked_in.get(e.pk, 0),
        )
        for e in events
    ] + [
        RecentActivity(
            _("Meeting"),
            m.title,
            m.date,
            by_pk[m.project_id],
            str(m.area or ""),
            attendees.get(m.pk, 0),
        )
        for m in meetings
    ]
    items.sort(key=lambda a: a.date, reverse=True)
    for item in items:
        item.people = hide_one(item.people, suppress)
    return items[:limit]


def refresh(projects: list[Project]) -> None:
    """Bring stale computed indicators of these projects up to date (usually there are none)."""
    from jusoor.programmes.models import Indicator
    from jusoor.programmes.services import recompute_indicator

    for indicator in (
        Indicator.objects.filter(stale=True, node__project_id__in=[p.pk for p in projects])
        .exclude(computation="")
        .select_related("node__project")
    ):
        recompute_indicator(indicator)


def progress_by_project(projects: list[Project]) -> dict[int, Counter]:
    """Per project, how many indicators have met their target, are behind, or have no figure:
    a handful of queries whatever the number of projects."""
    from jusoor.programmes.models import Indicator, IndicatorTarget, IndicatorValue, Measure

    ids = [p.pk for p in projects]
    indicators = list(
        Indicator.objects.filter(node__project_id__in=ids).values_list(
            "pk", "node__project_id", "measure"
        )
    )
    targets: dict[int, Any] = {}
    for indicator_id, value in (
        IndicatorTarget.objects.filter(indicator__node__project_id__in=ids)
        .order_by("period__end_date")
        .values_list("indicator_id", "value")
    ):
        targets[indicator_id] = value
    actuals: dict[int, Any] = {}
    for indicator_id, value in (
        IndicatorValue.objects.filter(indicator__node__project_id__in=ids, dimension="")
        .order_by("period__end_date")
        .values_list("indicator_id", "value")
    ):
        actuals[indicator_id] = value
    result: dict[int, Counter] = defaultdict(Counter)
    for pk, project_id, measure in indicators:
        result[project_id]["indicators"] += 1
        target, actual = targets.get(pk), actuals.get(pk)
        if measure == Measure.QUALITATIVE or not target or actual is None:
            result[project_id]["unknown"] += 1
        elif actual >= target:
            result[project_id]["met"] += 1
        elif actual * 100 / target < 60:
            result[project_id]["behind"] += 1
    return result


# --- the two dashboards ----------------------------------------------------------------------------


def progress_class(figures: IndicatorFigures) -> str:
    if figures.percent is None:
        return "unknown"
    if figures.percent >= 100:
        return "met"
    if figures.percent >= 60:
        return "near"
    return "behind"


def project_dashboard(project: Project, user: Any) -> dict[str, Any]:
    refresh([project])
    suppress = must_suppress(user, [project])
    figures = project_figures(project, disclose=suppress)
    for item in figures:
        item.progress = progress_class(item)  # type: ignore[attr-defined]
        item.bar = f"{min(float(item.percent or 0), 100.0):.1f}"  # type: ignore[attr-defined]
    return {
        "project": project,
        "figures": figures,
        "reach": reach([project], suppress),
        "map": activity_map([project]),
        "recent": recent_activities([project], suppress),
        "suppressed": suppress,
        "threshold": settings.SMALL_CELL_THRESHOLD,
    }


@dataclass
class ProjectLine:
    project: Project
    governorates: str
    indicators: int
    met: int
    behind: int


def programme_dashboard(programme: Any, projects: list[Project], user: Any) -> dict[str, Any]:
    suppress = must_suppress(user, projects)
    refresh(projects)
    progress = progress_by_project(projects)
    lines = [
        ProjectLine(
            project,
            ", ".join(str(g) for g in project.governorates.all()),
            progress[project.pk]["indicators"],
            progress[project.pk]["met"],
            progress[project.pk]["behind"],
        )
        for project in projects
    ]
    rows = reach_rows(projects)
    people: Counter = Counter()
    for organisation_id, *_groups, n in rows:
        people[organisation_id] += n
    organisations: dict[Any, list[ProjectLine]] = defaultdict(list)
    for line in lines:
        organisations[line.project.owner].append(line)
    return {
        "programme": programme,
        "projects": lines,
        "organisations": [
            {
                "organisation": org,
                "projects": len(items),
                "people": hide_one(people.get(org.pk, 0), suppress),
            }
            for org, items in organisations.items()
        ],
        "reach": reach(projects, suppress, rows),
        "map": activity_map(projects, [g.pcode for g in programme.governorates.all()]),
        "recent": recent_activities(projects, suppress),
        "suppressed": suppress,
        "threshold": settings.SMALL_CELL_THRESHOLD,
    }
