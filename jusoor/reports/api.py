"""The REST API (Django Ninja), its OpenAPI schema at ``/api/openapi.json``.

Every call carries ``Authorization: Bearer <token>``; a token acts for one organisation with one
role, and every object is checked as the workspace checks it: another organisation's object
answers 404, too little role 403. Lists are paginated (``limit``/``offset``). Each token may make
``API_RATE_LIMIT_PER_MINUTE`` calls a minute (setting, default 120); past that, 429. Figures that
count people are shown as hidden below the small-cell threshold, because they leave the
workspace. Personal data (survey answers marked as such) comes only when asked for, to a role
that may see it, and each such call is audited. Writes go through the same services as the
workspace and are audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer
from pydantic import WithJsonSchema

from jusoor.accounts.roles import Can
from jusoor.core import audit
from jusoor.core.ratelimit import count_in_window
from jusoor.events.models import Event, Meeting
from jusoor.events.reach import (
    event_participants,
    meeting_participants,
    project_reach,
    suppress,
    suppress_value,
)
from jusoor.library.models import Resource, Visibility
from jusoor.programmes import services as programme_services
from jusoor.programmes.models import (
    IATI_ROLE_CODE,
    Indicator,
    IndicatorValue,
    Project,
    ReportingPeriod,
)
from jusoor.reports import services
from jusoor.reports.access import check_token, projects_for_token
from jusoor.reports.figures import cell
from jusoor.reports.models import ApiToken
from jusoor.surveys.analysis import AnalysisError, run_analysis
from jusoor.surveys.models import Form, Submission


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after


def _rate_limit(token: ApiToken) -> None:
    count, retry_after = count_in_window(f"api:{token.pk}", 60)
    if count > settings.API_RATE_LIMIT_PER_MINUTE:
        raise RateLimited(retry_after)


class TokenAuth(HttpBearer):
    openapi_description = "An API token made by an organisation administrator in the workspace."

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = services.token_for_key(token)
        if api_token is None:
            return None
        _rate_limit(api_token)
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token


api = NinjaAPI(
    title="Jusoor API",
    version="1",
    description=__doc__,
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url=None,  # Swagger UI would load scripts from a CDN; the schema is enough
)


class Error(Schema):
    detail: str | dict[str, list[str]]


class InputError(Schema):
    """Ninja's answer to input that does not fit the schema."""

    detail: list[dict[str, Any]]


def _error(request: HttpRequest, status: int, detail, **headers: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    response = api.create_response(request, {"detail": detail}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    return _error(
        request,
        429,
        "Too many requests for this token; wait a minute.",
        **{"Retry-After": str(exc.retry_after)},
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "This token's role may not do this.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found.")


@api.exception_handler(DjangoValidationError)
def _invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _error(request, 400, detail)


def _token(request: HttpRequest) -> ApiToken:
    return request.auth  # type: ignore[attr-defined,return-value]


class OrganisationOut(Schema):
    slug: str
    name_ar: str
    name_en: str
    iati_ref: str


class ParticipantOut(Schema):
    organisation: OrganisationOut
    role: str
    iati_role: int | None


class AreaOut(Schema):
    pcode: str
    name_ar: str
    name_en: str
    level: int


class ProjectOut(Schema):
    id: int
    slug: str
    code: str
    title_ar: str
    title_en: str
    summary_ar: str
    summary_en: str
    start_date: dt.date
    end_date: dt.date
    status: int = Field(description="IATI ActivityStatus code")
    sector: str = Field(description="DAC purpose code")
    owner: OrganisationOut


class ProjectDetailOut(ProjectOut):
    participants: list[ParticipantOut]
    target_areas: list[AreaOut]


class NodeOut(Schema):
    id: int
    parent: int | None
    kind: str
    code: str
    title_ar: str
    title_en: str


class PeriodOut(Schema):
    id: int
    label: str
    start_date: dt.date
    end_date: dt.date
    status: str


class IndicatorOut(Schema):
    id: int
    node: int
    code: str
    name_ar: str
    name_en: str
    measure: str
    unit_ar: str
    unit_en: str
    counts_people: bool
    baseline: Decimal | None
    disaggregations: list[str]


class TargetOut(Schema):
    period: int
    value: Decimal


class IndicatorDetailOut(IndicatorOut):
    targets: list[TargetOut]


class ValueOut(Schema):
    period: int
    dimension: str = Field(description="empty for the total")
    category: str = Field(description="empty for the total, e.g. f for women")
    value: Decimal | None = Field(description="null when hidden (suppressed) or missing")
    suppressed: bool
    note: str


# The schema says what the database takes: up to 12 digits before the point and 2 after.
Amount = Annotated[
    Decimal,
    WithJsonSchema(
        {
            "type": "number",
            "minimum": -999999999999.99,
            "maximum": 999999999999.99,
            "multipleOf": 0.01,
        }
    ),
]


class ValueIn(Schema):
    period: int
    value: Amount = Field(max_digits=14, decimal_places=2)
    dimension: str = Field("", max_length=20)
    category: str = Field("", max_length=40)
    note: str = Field("", max_length=300)


def _project_out(project: Project) -> dict:  # type: ignore[type-arg]
    return {
        "id": project.pk,
        "slug": project.slug,
        "code": project.code,
        "title_ar": project.title_ar,
        "title_en": project.title_en,
        "summary_ar": project.summary_ar,
        "summary_en": project.summary_en,
        "start_date": project.start_date,
        "end_date": project.end_date,
        "status": project.status,
        "sector": project.sector,
        "owner": project.owner,
    }


def _indicator_out(indicator: Indicator) -> dict:  # type: ignore[type-arg]
    return {
        "id": indicator.pk,
        "node": indicator.node_id,
        "code": indicator.code,
        "name_ar": indicator.name_ar,
        "name_en": indicator.name_en,
        "measure": indicator.measure,
        "unit_ar": indicator.unit_ar,
        "unit_en": indicator.unit_en,
        "counts_people": indicator.counts_people,
        "baseline": indicator.baseline,
        "disaggregations": list(indicator.disaggregations or []),
    }


def _value_out(row: IndicatorValue, people: bool, disclose: bool = True) -> dict:  # type: ignore[type-arg]
    shown = cell(row.value, people, disclose)
    return {
        "period": row.period_id,
        "dimension": row.dimension,
        "category": row.category,
        "value": shown.value,
        "suppressed": shown.suppressed,
        "note": row.note,
    }


def _project(request: HttpRequest, project_id: int, need: Can = Can.VIEW) -> Project:
    project = get_object_or_404(Project.objects.select_related("owner"), pk=project_id)
    check_token(_token(request), project, need)
    return project


def _indicator(request: HttpRequest, indicator_id: int, need: Can = Can.VIEW) -> Indicator:
    indicator = get_object_or_404(
        Indicator.objects.select_related("node__project"), pk=indicator_id
    )
    check_token(_token(request), indicator.node.project, need)
    return indicator


NOT_ALLOWED = {401: Error, 403: Error, 404: Error, 422: InputError, 429: Error}


@api.get(
    "/projects",
    response={200: list[ProjectOut], **NOT_ALLOWED},
    url_name="projects",
    tags=["projects"],
)
@paginate(LimitOffsetPagination)
def list_projects(request: HttpRequest):  # type: ignore[no-untyped-def]
    """Projects this token's organisation owns or has been given access to."""
    projects = projects_for_token(_token(request)).select_related("owner").order_by("pk")
    return [_project_out(p) for p in projects]


@api.get(
    "/projects/{project_id}",
    response={200: ProjectDetailOut, **NOT_ALLOWED},
    url_name="project",
    tags=["projects"],
)
def get_project(request: HttpRequest, project_id: int):  # type: ignore[no-untyped-def]
    project = _project(request, project_id)
    return {
        **_project_out(project),
        "participants": [
            {
                "organisation": p.organisation,
                "role": p.role,
                "iati_role": IATI_ROLE_CODE.get(p.role),
            }
            for p in project.participants.select_related("organisation")
        ],
        "target_areas": [
            {
                "pcode": a.unit.pcode,
                "name_ar": a.unit.name_ar,
                "name_en": a.unit.name_en,
                "level": a.unit.level,
            }
            for a in project.target_areas.select_related("unit")
        ],
    }


@api.get(
    "/projects/{project_id}/framework",
    response={200: list[NodeOut], **NOT_ALLOWED},
    url_name="framework",
    tags=["results framework"],
)
@paginate(LimitOffsetPagination)
def list_framework(request: HttpRequest, project_id: int):  # type: ignore[no-untyped-def]
    """The results framework: objectives, results under them, activities under those."""
    project = _project(request, project_id)
    return [
        {
            "id": n.pk,
            "parent": n.parent_id,
            "kind": n.kind,
            "code": n.code,
            "title_ar": n.title_ar,
            "title_en": n.title_en,
        }
        for n in project.nodes.order_by("code", "pk")
    ]


@api.get(
    "/projects/{project_id}/periods",
    response={200: list[PeriodOut], **NOT_ALLOWED},
    url_name="periods",
    tags=["results framework"],
)
@paginate(LimitOffsetPagination)
def list_periods(request: HttpRequest, project_id: int):  # type: ignore[no-untyped-def]
    project = _project(request, project_id)
    return list(project.periods.order_by("start_date", "pk"))


@api.get(
    "/projects/{project_id}/indicators",
    response={200: list[IndicatorOut], **NOT_ALLOWED},
    url_name="indicators",
    tags=["indicators"],
)
@paginate(LimitOffsetPagination)
def list_indicators(request: HttpRequest, project_id: int):  # type: ignore[no-untyped-def]
    project = _project(request, project_id)
    indicators = Indicator.objects.filter(node__project=project).order_by(
        "node__code", "order", "pk"
    )
    return [_indicator_out(i) for i in indicators]


@api.get(
    "/indicators/{indicator_id}",
    response={200: IndicatorDetailOut, **NOT_ALLOWED},
    url_name="indicator",
    tags=["indicators"],
)
def get_indicator(request: HttpRequest, indicator_id: int):  # type: ignore[no-untyped-def]
    indicator = _indicator(request, indicator_id)
    return {
        **_indicator_out(indicator),
        "targets": [
            {"period": t.period_id, "value": t.value}
            for t in indicator.targets.order_by("period__start_date")
        ],
    }


@api.get(
    "/indicators/{indicator_id}/values",
    response={200: list[ValueOut], **NOT_ALLOWED},
    url_name="values",
    tags=["indicators"],
)
@paginate(LimitOffsetPagination)
def list_values(request: HttpRequest, indicator_id: int):  # type: ignore[no-untyped-def]
    """Actual values per period; ``dimension`` and ``category`` are empty for the total."""
    indicator = _indicator(request, indicator_id)
    rows = indicator.values.order_by("period__start_date", "dimension", "category", "pk")
    return [_value_out(row, indicator.counts_people) for row in rows]


@api.put(
    "/indicators/{indicator_id}/values",
    response={200: ValueOut, 400: Error, **NOT_ALLOWED},
    url_name="values",
    tags=["indicators"],
)
def set_value(request: HttpRequest, indicator_id: int, payload: ValueIn):  # type: ignore[no-untyped-def]
    """Enter or correct an actual value (the total, or one disaggregated group) for an open
    period. Needs a token whose role may edit indicators."""
    indicator = _indicator(request, indicator_id, Can.EDIT_INDICATORS)
    period = ReportingPeriod.objects.filter(pk=payload.period).first()
    if period is None or period.project_id != indicator.node.project_id:
        raise DjangoValidationError({"period": ["No such period in this indicator's project."]})
    token = _token(request)
    row = programme_services.set_actual(
        token.created_by,
        indicator,
        period,
        payload.value,
        dimension=payload.dimension,
        category=payload.category,
        note=payload.note,
        request=request,
    )
    audit.record(
        token.created_by,
        "api.indicator.actual.set",
        indicator,
        request=request,
        token=token.pk,
        token_name=token.name,
        period=period.label,
        dimension=payload.dimension,
        category=payload.category,
        value=str(payload.value),
    )
    return _value_out(row, indicator.counts_people, disclose=False)


# --- activities and reach ----------------------------------------------------------------------


class ActivityOut(Schema):
    kind: str = Field(description="meeting or event")
    id: int
    title: str
    start_date: dt.date
    end_date: dt.date
    area: str | None = Field(description="p-code of the area, null when none is recorded")
    activity: int | None = Field(description="the results-framework activity it belongs to")
    people: int | None = Field(description="people reached; null when hidden (suppressed)")
    suppressed: bool


class ReachRowOut(Schema):
    label: str
    people: int | None = Field(description="null when hidden (suppressed)")
    suppressed: bool


class ReachOut(Schema):
    reached: int | None = Field(description="sum over activities; one person may count twice")
    unique: int | None = Field(description="each person once")
    guests: int | None
    youth: int | None
    sex: list[ReachRowOut]
    age_band: list[ReachRowOut]
    target_group: list[ReachRowOut]
    area: list[ReachRowOut]


def _people(count: int) -> dict:  # type: ignore[type-arg]
    shown = suppress_value(count)
    return {"people": shown, "suppressed": shown is None}


@api.get(
    "/projects/{project_id}/activities",
    response={200: list[ActivityOut], **NOT_ALLOWED},
    url_name="activities",
    tags=["activities"],
)
@paginate(LimitOffsetPagination)
def list_activities(request: HttpRequest, project_id: int):  # type: ignore[no-untyped-def]
    """The project's meetings and events, oldest first, with the people each reached (guests
    from partner organisations not counted)."""
    project = _project(request, project_id)
    rows = []
    for event in Event.objects.filter(project=project).select_related("area"):
        participants, _guests = event_participants(event)
        rows.append(
            {
                "kind": "event",
                "id": event.pk,
                "title": str(event),
                "start_date": event.start_date,
                "end_date": event.end_date,
                "area": event.area.pcode if event.area_id else None,
                "activity": event.activity_id,
                **_people(len(participants)),
            }
        )
    for meeting in Meeting.objects.filter(project=project).select_related("area"):
        rows.append(
            {
                "kind": "meeting",
                "id": meeting.pk,
                "title": meeting.title,
                "start_date": meeting.date,
                "end_date": meeting.date,
                "area": meeting.area.pcode if meeting.area_id else None,
                "activity": meeting.activity_id,
                **_people(len(meeting_participants(meeting))),
            }
        )
    rows.sort(key=lambda r: (r["start_date"], r["kind"], r["id"]))
    return rows


@api.get(
    "/projects/{project_id}/reach",
    response={200: ReachOut, **NOT_ALLOWED},
    url_name="reach",
    tags=["activities"],
)
def get_reach(request: HttpRequest, project_id: int):  # type: ignore[no-untyped-def]
    """Unique people the project's activities reached, by sex, age band, target group and area.
    Small counts are hidden, and one more where a hidden one could be worked out."""
    project = _project(request, project_id)
    reach = suppress(project_reach(project))
    return {
        "reached": reach.reached,
        "unique": reach.unique,
        "guests": reach.guests,
        "youth": reach.youth,
        **{
            dimension: [
                {"label": label, "people": value, "suppressed": value is None}
                for label, value in reach.breakdown.get(dimension, [])
            ]
            for dimension in ("sex", "age_band", "target_group", "area")
        },
    }


# --- survey submissions and analysis -----------------------------------------------------------


class SubmissionOut(Schema):
    id: int
    instance_id: str
    version: str
    status: str
    received_at: dt.datetime
    answers: dict[str, Any] = Field(description="answers without personal data")
    personal_answers: dict[str, Any] | None = Field(
        description="only with personal=true and a role that may see personal data; else null"
    )


class AnalysisRowOut(Schema):
    domain: list[list[str]]
    domain_labels: list[str]
    category: str | None
    category_label: str
    statistic: str
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    n_category: int | None
    weighted_n: float
    deff: float | None
    df: int
    suppressed: bool
    suppressed_reason: str | None
    note: str | None


class AnalysisTableOut(Schema):
    name: str
    label: str
    kind: str
    rows: list[AnalysisRowOut]
    breakdowns: list[str]
    breakdown_labels: dict[str, str]
    notes: list[str]


class AnalysisOut(Schema):
    form_id: int
    form_title: str
    language: str
    weighted: bool
    questions: list[str]
    breakdowns: list[str]
    tables: list[AnalysisTableOut]
    respondents: int
    analysed: int
    synthetic: int
    threshold: int
    stratified: bool
    clustered: bool
    design_df: int
    weighting: str
    computed_at: str
    warnings: list[str]


class AnalysisErrorOut(Schema):
    detail: str
    code: str
    advice: str


def _form(request: HttpRequest, form_id: int, need: Can = Can.VIEW) -> tuple[Form, frozenset[Can]]:
    form = get_object_or_404(Form.objects.select_related("project__owner"), pk=form_id)
    return form, check_token(_token(request), form.project, need)


@api.get(
    "/forms/{form_id}/submissions",
    response={200: list[SubmissionOut], **NOT_ALLOWED},
    url_name="submissions",
    tags=["surveys"],
)
@paginate(LimitOffsetPagination)
def list_submissions(request: HttpRequest, form_id: int, personal: bool = False):  # type: ignore[no-untyped-def]
    """Current submissions of a survey form, newest first. Needs a token whose role manages
    forms; ``personal=true`` adds the personal-data answers, for a role that may see them, and
    each such call is audited."""
    form, allowed = _form(request, form_id, Can.MANAGE_FORMS)
    if personal and Can.VIEW_PERSONAL_DATA not in allowed:
        raise PermissionDenied
    submissions = (
        Submission.objects.filter(form=form, is_current=True)
        .select_related("version")
        .order_by("-received_at", "-pk")
    )
    if personal:
        token = _token(request)
        audit.record(
            token.created_by,
            "api.survey.submissions.view_personal_data",
            form,
            request=request,
            token=token.pk,
            token_name=token.name,
            organisation=form.project.owner_id,
            limit=request.GET.get("limit", ""),
            offset=request.GET.get("offset", ""),
        )
    return [
        {
            "id": s.pk,
            "instance_id": s.instance_id,
            "version": s.version.version,
            "status": s.status,
            "received_at": s.received_at,
            "answers": s.answers,
            "personal_answers": s.personal_answers() if personal else None,
        }
        for s in submissions
    ]


class AnalysisQuery(Schema):
    questions: str = Field(description="question names, comma-separated", max_length=2000)
    breakdowns: str = Field(
        "", description="area, sex, age_band, target_group or a question, comma-separated"
    )
    weighted: bool = True
    language: str = Field("ar", pattern="^(ar|en)$")


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


@api.get(
    "/forms/{form_id}/analysis",
    response={200: AnalysisOut, 400: AnalysisErrorOut, **NOT_ALLOWED},
    url_name="analysis",
    tags=["surveys"],
)
def get_analysis(request: HttpRequest, form_id: int, query: Query[AnalysisQuery]):  # type: ignore[no-untyped-def,type-arg]
    """Estimates of the chosen questions overall and by each breakdown, as released outside the
    workspace: a hidden (suppressed) figure comes without its numbers."""
    form, _allowed = _form(request, form_id)
    try:
        result = run_analysis(
            form,
            _names(query.questions),
            _names(query.breakdowns),
            query.weighted,
            language=query.language,
        )
    except AnalysisError as error:
        return Status(400, {"detail": error.message, "code": error.code, "advice": error.advice})
    return result.released().to_dict()


# --- library -----------------------------------------------------------------------------------


class ResourceOut(Schema):
    id: int
    title_ar: str
    title_en: str
    kind: str
    language: str
    themes: list[str]
    visibility: str
    published_on: dt.date
    url: str = Field(description="the resource's page in the public library")


@api.get(
    "/library/resources",
    response={200: list[ResourceOut], **NOT_ALLOWED},
    url_name="resources",
    tags=["library"],
)
@paginate(LimitOffsetPagination)
def list_resources(request: HttpRequest):  # type: ignore[no-untyped-def]
    """The library as this token's organisation sees it: public resources, its own, and those of
    projects it has access to."""
    token = _token(request)
    visible = (
        Q(visibility=Visibility.PUBLIC)
        | Q(owner_id=token.organisation_id)
        | Q(visibility=Visibility.PROJECT, project__in=projects_for_token(token))
    )
    resources = Resource.objects.filter(visible).order_by("-published_on", "-pk")
    return [
        {
            "id": r.pk,
            "title_ar": r.title_ar,
            "title_en": r.title_en,
            "kind": r.kind,
            "language": r.language,
            "themes": r.theme_list,
            "visibility": r.visibility,
            "published_on": r.published_on,
            "url": request.build_absolute_uri(reverse("library:resource", args=[r.pk])),
        }
        for r in resources
    ]
