"""Indicators computed from Jusoor's own records instead of typed in.

Each computation in ``REGISTRY`` has a key (stored on ``Indicator.computation``), the parameters
it takes (``Indicator.parameters``, checked by ``clean_parameters``) and the disaggregations it
can give. ``compute`` returns, for one reporting period, the total and one value per group, and
``records`` the records behind the figure (the means of verification), pseudonymous codes only.

A computation that can no longer run (its survey form was deleted, a question removed, a
disaggregation it cannot give) raises ``ComputationError`` with a message for people; the
indicator page shows it and nothing else breaks.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jusoor.geo.models import AgeBand, Sex
from jusoor.programmes.models import (
    Dimension,
    Indicator,
    Measure,
    Project,
    ReportingPeriod,
    ResultNode,
    TargetGroup,
)


class ComputationError(Exception):
    """Why a computed indicator cannot be computed, in words for the person who set it up."""


@dataclass
class Record:
    """One counted record, as the means-of-verification page lists it."""

    kind: str
    code: str
    date: dt.date | None
    detail: str = ""
    url: str = ""


@dataclass
class Outcome:
    total: Decimal
    cells: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    lower: Decimal | None = None
    upper: Decimal | None = None
    intervals: dict[tuple[str, str], tuple[Decimal | None, Decimal | None]] = field(
        default_factory=dict
    )
    note: str = ""


@dataclass(frozen=True)
class Param:
    name: str
    label: Any
    kind: str  # node, form, question, answers, sex, age_band, target_group, flag
    required: bool = False


@dataclass(frozen=True)
class Computation:
    key: str
    label: Any
    help: Any
    params: tuple[Param, ...]
    dimensions: frozenset[str]
    measure: str
    counts_people: bool
    compute: Callable[[Indicator, ReportingPeriod, dict[str, Any]], Outcome]
    records: Callable[[Indicator, ReportingPeriod, dict[str, Any]], list[Record]]


# --- shared helpers ----------------------------------------------------------------------------


def _within(period: ReportingPeriod) -> tuple[dt.date, dt.date]:
    return period.start_date, period.end_date


def scope_nodes(indicator: Indicator, params: dict[str, Any]) -> list[int]:
    """The framework entry the indicator counts under (a parameter, or its own) and everything
    below it: an activity counts itself, a result its activities, an objective its results."""
    node_id = params.get("node") or indicator.node_id
    node = ResultNode.objects.filter(pk=node_id, project_id=indicator.node.project_id).first()
    if node is None:
        raise ComputationError(
            _("The framework entry this indicator counts under no longer exists.")
        )
    return list(
        ResultNode.objects.filter(project_id=node.project_id)
        .filter(Q(pk=node.pk) | Q(code__startswith=f"{node.code}."))
        .values_list("pk", flat=True)
    )


def _dec(value: float | int) -> Decimal:
    return Decimal(str(round(value, 2)))


def _cells(rows: Iterable[dict[str, str]], dimensions: Iterable[str]) -> dict:
    counters: dict[str, Counter] = {d: Counter() for d in dimensions}
    for row in rows:
        for dimension, counter in counters.items():
            value = row.get(dimension) or ""
            if value:
                counter[value] += 1
    return {
        (dimension, category): Decimal(count)
        for dimension, counter in counters.items()
        for category, count in counter.items()
    }


# --- people who took part in activities --------------------------------------------------------


def _taking_part(indicator: Indicator, period: ReportingPeriod, params: dict[str, Any]) -> Q:
    """People checked in or present at an event, or at a meeting, under the scope and in the
    period; guests of partner organisations apart. Subqueries, not lists of ids: a project may
    count more people than a database accepts as query parameters."""
    from jusoor.events.models import Attendance, Meeting, Registration, RegistrationStatus

    nodes = scope_nodes(indicator, params)
    start, end = _within(period)
    registrations = Registration.objects.filter(
        event__activity_id__in=nodes, event__start_date__range=(start, end)
    ).exclude(status=RegistrationStatus.CANCELLED)
    guests = registrations.filter(is_guest=True).order_by().values("person_id")
    checked_in = (
        registrations.filter(is_guest=False, checked_in_at__isnull=False)
        .order_by()
        .values("person_id")
    )
    present = (
        Attendance.objects.filter(
            session__event__activity_id__in=nodes,
            session__event__start_date__range=(start, end),
        )
        .exclude(person_id__in=guests)
        .order_by()
        .values("person_id")
    )
    met = (
        Meeting.attendees.through.objects.filter(
            meeting__activity_id__in=nodes, meeting__date__range=(start, end)
        )
        .order_by()
        .values("person_id")
    )
    return Q(pk__in=checked_in) | Q(pk__in=present) | Q(pk__in=met)


def _people(indicator: Indicator, period: ReportingPeriod, params: dict[str, Any]) -> list[dict]:
    """One row per unique person (a merged record counts as the person it was merged into),
    filtered by the parameters."""
    from jusoor.people.models import Person

    rows = Person.objects.filter(_taking_part(indicator, period, params)).values(
        "pk", "code", "merged_into_id", "sex", "age_band", "target_group", "area__pcode"
    )
    merged_into = {row["merged_into_id"] for row in rows if row["merged_into_id"]}
    survivors = {
        row["pk"]: row
        for row in Person.objects.filter(pk__in=merged_into).values(
            "pk", "code", "merged_into_id", "sex", "age_band", "target_group", "area__pcode"
        )
    }
    people: dict[int, dict] = {}
    for row in rows:
        person = survivors.get(row["merged_into_id"], row) if row["merged_into_id"] else row
        people[person["pk"]] = {
            "pk": person["pk"],
            "code": person["code"],
            "sex": person["sex"],
            "age_band": person["age_band"],
            "target_group": person["target_group"],
            "area": person["area__pcode"] or "",
        }
    selected = []
    for person in people.values():
        if any(
            params.get(k) and person[k] != params[k] for k in ("sex", "age_band", "target_group")
        ):
            continue
        selected.append(person)
    return sorted(selected, key=lambda p: p["code"])


def _compute_attendees(indicator: Indicator, period: ReportingPeriod, params: dict) -> Outcome:
    people = _people(indicator, period, params)
    return Outcome(Decimal(len(people)), _cells(people, indicator.disaggregations))


def _records_attendees(indicator: Indicator, period: ReportingPeriod, params: dict) -> list:
    from jusoor.programmes.labels import label_for

    return [
        Record(
            "person",
            p["code"],
            None,
            " · ".join(label_for(d, p[d]) for d in ("sex", "age_band", "target_group") if p.get(d)),
        )
        for p in _people(indicator, period, params)
    ]


# --- meetings held -------------------------------------------------------------------------------


def _meetings(indicator: Indicator, period: ReportingPeriod, params: dict[str, Any]):  # type: ignore[no-untyped-def]
    from jusoor.events.models import Meeting

    meetings = Meeting.objects.filter(
        activity_id__in=scope_nodes(indicator, params), date__range=_within(period)
    )
    if params.get("target_group"):
        meetings = meetings.filter(attendees__target_group=params["target_group"]).distinct()
    return meetings.select_related("area").order_by("date", "pk")


def _compute_meetings(indicator: Indicator, period: ReportingPeriod, params: dict) -> Outcome:
    rows = [
        {"area": m.area.pcode if m.area_id else ""} for m in _meetings(indicator, period, params)
    ]
    return Outcome(Decimal(len(rows)), _cells(rows, indicator.disaggregations))


def _records_meetings(indicator: Indicator, period: ReportingPeriod, params: dict) -> list:
    return [
        Record("meeting", f"M-{m.pk}", m.date, str(m.area or ""))
        for m in _meetings(indicator, period, params)
    ]


# --- survey respondents --------------------------------------------------------------------------

# How the usual breakdowns are found among a form's questions: by HXL tag, then by name.
SURVEY_DIMENSIONS = {
    "sex": (("#sex",), ("sex", "gender")),
    "age_band": (("#age",), ("age_band", "age_group")),
    "area": (("#adm3", "#adm2", "#adm1", "#loc"), ("area", "location", "district")),
}


def survey_form(params: dict[str, Any], project_id: int):  # type: ignore[no-untyped-def]
    from jusoor.surveys.models import Form

    form = Form.objects.filter(pk=params.get("form") or 0, project_id=project_id).first()
    if form is None:
        raise ComputationError(
            _(
                "The survey form this indicator counts from no longer exists in this project "
                "(it may have been deleted). Choose another form."
            )
        )
    return form


def breakdown_paths(version: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    questions = [q for q in (version.questions if version else []) if q.get("type") != "group"]
    for dimension, (tags, names) in SURVEY_DIMENSIONS.items():
        for q in questions:
            hxl = (q.get("hxl") or "").lower()
            if any(hxl.startswith(tag) for tag in tags) or q.get("name") in names:
                found[dimension] = q["path"]
                break
    return found


def _submissions(indicator: Indicator, period: ReportingPeriod, params: dict[str, Any]):  # type: ignore[no-untyped-def]
    from jusoor.surveys.models import SubmissionStatus

    form = survey_form(params, indicator.node.project_id)
    start, end = _within(period)
    rows = (
        form.submissions.filter(
            is_current=True,
            received_at__date__gte=start,
            received_at__date__lte=end,
        )
        .exclude(status=SubmissionStatus.REJECTED)
        .order_by("received_at", "pk")
    )
    return form, rows


def _respondent_rows(form: Any, submissions: Any, dimensions: Iterable[str]) -> list[dict]:
    paths = breakdown_paths(form.current_version)
    missing = [d for d in dimensions if d not in paths]
    if missing:
        raise ComputationError(
            _("The form “%(form)s” has no question for: %(dimensions)s.")
            % {
                "form": form.title,
                "dimensions": ", ".join(str(Dimension(d).label).lower() for d in missing),
            }
        )
    result = []
    for pk, instance_id, received, answers in submissions.values_list(
        "pk", "instance_id", "received_at", "answers"
    ):
        row = {d: str(answers.get(path) or "") for d, path in paths.items()}
        row.update(pk=pk, code=instance_id, date=received.date(), answers=answers)
        result.append(row)
    return result


def _compute_respondents(indicator: Indicator, period: ReportingPeriod, params: dict) -> Outcome:
    form, submissions = _submissions(indicator, period, params)
    dims = indicator.disaggregations
    if not dims:
        return Outcome(Decimal(submissions.count()))
    rows = _respondent_rows(form, submissions, dims)
    return Outcome(Decimal(len(rows)), _cells(rows, dims))


def _records_respondents(indicator: Indicator, period: ReportingPeriod, params: dict) -> list:
    form, submissions = _submissions(indicator, period, params)
    return [
        Record("submission", row["code"], row["date"], row.get("area", ""))
        for row in _respondent_rows(form, submissions, [])
    ]


# --- weighted share of respondents giving an answer ---------------------------------------------


SINGLE = ("select one", "select_one")
MULTIPLE = ("select all that apply", "select_multiple")


def is_choice(question: dict[str, Any]) -> bool:
    return question.get("type", "").startswith(SINGLE + MULTIPLE)


def is_multiple(question: dict[str, Any]) -> bool:
    return question.get("type", "").startswith(MULTIPLE)


def _question(form: Any, path: str) -> dict[str, Any]:
    version = form.current_version
    question = version.question_map().get(path) if version else None
    if question is None:
        raise ComputationError(
            _("The question “%(question)s” is not in the form “%(form)s” any more.")
            % {"question": path, "form": form.title}
        )
    if not is_choice(question):
        raise ComputationError(
            _("The question “%(question)s” is not a choice question.") % {"question": path}
        )
    return question


def _compute_share(indicator: Indicator, period: ReportingPeriod, params: dict) -> Outcome:
    from jusoor.programmes.share import weighted_share

    form, submissions = _submissions(indicator, period, params)
    question = _question(form, params.get("question", ""))
    wanted = set(params.get("answers") or [])
    known = {c["name"] for c in question.get("choices", [])}
    unknown = wanted - known
    if unknown:
        raise ComputationError(
            _("The answer “%(answer)s” is not a choice of the question “%(question)s”.")
            % {"answer": ", ".join(sorted(unknown)), "question": question["path"]}
        )
    rows = _respondent_rows(form, submissions, indicator.disaggregations)
    return weighted_share(
        indicator.node.project,
        rows,
        question["path"],
        is_multiple(question),
        wanted,
        indicator.disaggregations,
        weighted=bool(params.get("weighted", True)),
    )


# --- commitments, library resources, dialogue participants ---------------------------------------


def _commitments(indicator: Indicator, period: ReportingPeriod, params: dict[str, Any]) -> list:
    from jusoor.events.models import Commitment, CommitmentStatus

    project = indicator.node.project
    start, end = _within(period)
    found = []
    commitments = (
        Commitment.objects.filter(status=CommitmentStatus.DONE)
        .filter(
            Q(event__project=project)
            | Q(takeaway__meeting__project=project)
            | Q(takeaway__session__event__project=project)
        )
        .distinct()
        .prefetch_related("updates")
    )
    for commitment in commitments:
        updates = list(commitment.updates.all())
        # Completed when its last progress update was written, else when it was due.
        done_on = (
            max(u.date for u in updates)
            if updates
            else commitment.due_date or commitment.created_at.date()
        )
        if start <= done_on <= end:
            found.append((done_on, commitment))
    return sorted(found, key=lambda pair: (pair[0], pair[1].pk))


def _compute_commitments(indicator: Indicator, period: ReportingPeriod, params: dict) -> Outcome:
    return Outcome(Decimal(len(_commitments(indicator, period, params))))


def _records_commitments(indicator: Indicator, period: ReportingPeriod, params: dict) -> list:
    return [
        Record("commitment", f"C-{c.pk}", day, c.what[:120])
        for day, c in _commitments(indicator, period, params)
    ]


def _resources(indicator: Indicator, period: ReportingPeriod, params: dict[str, Any]):  # type: ignore[no-untyped-def]
    from jusoor.library.models import Resource

    return Resource.objects.filter(
        project_id=indicator.node.project_id, published_on__range=_within(period)
    ).order_by("published_on", "pk")


def _compute_resources(indicator: Indicator, period: ReportingPeriod, params: dict) -> Outcome:
    return Outcome(Decimal(_resources(indicator, period, params).count()))


def _records_resources(indicator: Indicator, period: ReportingPeriod, params: dict) -> list:
    return [
        Record("resource", f"R-{r.pk}", r.published_on, str(r))
        for r in _resources(indicator, period, params)
    ]


def _dialogue(indicator: Indicator, period: ReportingPeriod, params: dict[str, Any]) -> list:
    from jusoor.dialogue.models import Participant

    start, end = _within(period)
    return list(
        Participant.objects.filter(
            conversation__project_id=indicator.node.project_id,
            created_at__date__gte=start,
            created_at__date__lte=end,
        )
        .order_by("pk")
        .values("pk", "sex", "age_band", "area__pcode", "created_at", "conversation__slug")
    )


def _compute_dialogue(indicator: Indicator, period: ReportingPeriod, params: dict) -> Outcome:
    rows = [
        {"sex": r["sex"], "age_band": r["age_band"], "area": r["area__pcode"] or ""}
        for r in _dialogue(indicator, period, params)
    ]
    return Outcome(Decimal(len(rows)), _cells(rows, indicator.disaggregations))


def _records_dialogue(indicator: Indicator, period: ReportingPeriod, params: dict) -> list:
    return [
        Record("dialogue", f"D-{r['pk']}", r["created_at"].date(), r["conversation__slug"])
        for r in _dialogue(indicator, period, params)
    ]


# --- the registry ------------------------------------------------------------------------------

NODE = Param("node", gettext_lazy("Count under this framework entry"), "node")
SEX = Param("sex", gettext_lazy("Only this sex"), "sex")
AGE = Param("age_band", gettext_lazy("Only this age band"), "age_band")
GROUP = Param("target_group", gettext_lazy("Only this target group"), "target_group")
FORM = Param("form", gettext_lazy("Survey form"), "form", required=True)
QUESTION = Param("question", gettext_lazy("Question (its path in the form)"), "question", True)
ANSWERS = Param("answers", gettext_lazy("Answers counted (choice names)"), "answers", True)
WEIGHTED = Param("weighted", gettext_lazy("Weighted to the population"), "flag")
PEOPLE_DIMS = frozenset({"sex", "age_band", "target_group", "area"})
SURVEY_DIMS = frozenset({"sex", "age_band", "area"})

REGISTRY: dict[str, Computation] = {
    c.key: c
    for c in [
        Computation(
            "unique_attendees",
            gettext_lazy("Unique people who attended activities"),
            gettext_lazy(
                "Each person counted once, whether they came to one meeting or event or to many, "
                "under the chosen framework entry and in the period. Guests of partner "
                "organisations are not counted."
            ),
            (NODE, SEX, AGE, GROUP),
            PEOPLE_DIMS,
            Measure.COUNT,
            True,
            _compute_attendees,
            _records_attendees,
        ),
        Computation(
            "meetings_held",
            gettext_lazy("Meetings held"),
            gettext_lazy(
                "Meetings in the period under the chosen framework entry; with a target group, "
                "only meetings that a person of that group attended (for example mayors as local "
                "officials)."
            ),
            (NODE, GROUP),
            frozenset({"area"}),
            Measure.COUNT,
            False,
            _compute_meetings,
            _records_meetings,
        ),
        Computation(
            "survey_respondents",
            gettext_lazy("Respondents surveyed"),
            gettext_lazy("Current, not rejected submissions of the form received in the period."),
            (FORM,),
            SURVEY_DIMS,
            Measure.COUNT,
            True,
            _compute_respondents,
            _records_respondents,
        ),
        Computation(
            "survey_share",
            gettext_lazy("Share of respondents giving an answer"),
            gettext_lazy(
                # xgettext:no-python-format
                "The percentage of respondents who chose one of the given answers, weighted to "
                "the target areas' population by area, sex and age band when those figures are "
                "there, with its 95% interval."
            ),
            (FORM, QUESTION, ANSWERS, WEIGHTED),
            SURVEY_DIMS,
            Measure.PERCENTAGE,
            False,
            _compute_share,
            _records_respondents,
        ),
        Computation(
            "commitments_completed",
            gettext_lazy("Commitments completed"),
            gettext_lazy(
                "Commitments made at the project's events and meetings that are done, dated by "
                "their last progress update (or their due date)."
            ),
            (),
            frozenset(),
            Measure.COUNT,
            False,
            _compute_commitments,
            _records_commitments,
        ),
        Computation(
            "resources_published",
            gettext_lazy("Library resources published"),
            gettext_lazy("Resources of the project's library published in the period."),
            (),
            frozenset(),
            Measure.COUNT,
            False,
            _compute_resources,
            _records_resources,
        ),
        Computation(
            "dialogue_participants",
            gettext_lazy("Dialogue participants"),
            gettext_lazy("People who joined one of the project's dialogues in the period."),
            (),
            frozenset({"sex", "age_band", "area"}),
            Measure.COUNT,
            True,
            _compute_dialogue,
            _records_dialogue,
        ),
    ]
}


def choices() -> list[tuple[str, Any]]:
    return [("", gettext_lazy("Entered by hand"))] + [(k, c.label) for k, c in REGISTRY.items()]


def computation_for(indicator: Indicator) -> Computation:
    computation = REGISTRY.get(indicator.computation)
    if computation is None:
        raise ComputationError(
            _("“%(key)s” is not a known computation.") % {"key": indicator.computation}
        )
    return computation


def check_dimensions(indicator: Indicator, computation: Computation) -> None:
    unknown = [d for d in indicator.disaggregations if d not in Dimension.values]
    if unknown:
        raise ComputationError(
            _("“%(dimension)s” is not a known disaggregation (sex, age band, area, target group).")
            % {"dimension": ", ".join(map(str, unknown))}
        )
    cannot = [d for d in indicator.disaggregations if d not in computation.dimensions]
    if cannot:
        raise ComputationError(
            _("“%(computation)s” cannot be disaggregated by %(dimensions)s.")
            % {
                "computation": computation.label,
                "dimensions": ", ".join(str(Dimension(d).label).lower() for d in cannot),
            }
        )


def clean_parameters(key: str, raw: dict[str, Any], project: Project) -> dict[str, Any]:
    """Parameters as stored, or a ValidationError naming the field at fault."""
    from django.core.exceptions import ValidationError

    computation = REGISTRY.get(key)
    if computation is None:
        raise ValidationError({"computation": _("Unknown computation.")})
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    allowed = {
        "sex": set(Sex.values),
        "age_band": set(AgeBand.values),
        "target_group": set(TargetGroup.values),
    }
    for param in computation.params:
        value = raw.get(param.name)
        if value in (None, "", []):
            if param.required:
                errors[param.name] = _("This computation needs this.")
            continue
        if param.kind == "node":
            pk = getattr(value, "pk", value)
            if not project.nodes.filter(pk=pk).exists():
                errors[param.name] = _("Choose an entry of this project's framework.")
            clean[param.name] = int(pk)
        elif param.kind == "form":
            pk = getattr(value, "pk", value)
            if not project.survey_forms.filter(pk=pk).exists():
                errors[param.name] = _("Choose a survey form of this project.")
            clean[param.name] = int(pk)
        elif param.kind in allowed:
            if value not in allowed[param.kind]:
                errors[param.name] = _("Unknown value.")
            clean[param.name] = value
        elif param.kind == "answers":
            values = value.split() if isinstance(value, str) else list(value)
            clean[param.name] = values
        elif param.kind == "flag":
            clean[param.name] = bool(value)
        else:
            clean[param.name] = str(value).strip()
    if not errors and key == "survey_share":
        try:
            form = survey_form(clean, project.pk)
            question = _question(form, clean["question"])
        except ComputationError as exc:
            errors["question"] = str(exc)
        else:
            known = {c["name"] for c in question.get("choices", [])}
            unknown = set(clean["answers"]) - known
            if unknown:
                errors["answers"] = _("Not a choice of this question: %(names)s.") % {
                    "names": ", ".join(sorted(unknown))
                }
    if errors:
        raise ValidationError(errors)
    if key == "survey_share" and "weighted" not in clean:
        clean["weighted"] = False
    return clean
