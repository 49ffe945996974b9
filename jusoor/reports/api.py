"""The REST API (Django Ninja), its OpenAPI schema at ``/api/openapi.json``.

Every call carries ``Authorization: Bearer <token>``; a token acts for one organisation with one
role, and every object is checked as the workspace checks it: another organisation's object
answers 404, too little role 403. Lists are paginated (``limit``/``offset``). Each token may make
``API_RATE_LIMIT_PER_MINUTE`` calls a minute (setting, default 120); past that, 429. Figures that
count people are shown as hidden below the small-cell threshold, because they leave the
workspace. Writes go through the same services as the workspace and are audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer
from pydantic import WithJsonSchema

from jusoor.accounts.roles import Can
from jusoor.core import audit
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


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after


def _rate_limit(token: ApiToken) -> None:
    limit = getattr(settings, "API_RATE_LIMIT_PER_MINUTE", 120)
    now = timezone.now()
    key = f"reports:api-rate:{token.pk}:{now:%Y%m%d%H%M}"
    cache.add(key, 0, timeout=70)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=70)
        count = 1
    if count > limit:
        raise RateLimited(60 - now.second)


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
