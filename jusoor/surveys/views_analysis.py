"""The analysis pages of a form: tables with charts, cross-tabulation, difference of two groups,
and their downloads.

Everyone who may see the project's aggregates may read them; people who manage the forms (M&E
officers and up) see every cell, small ones flagged, while everyone else, and every download,
gets the released figures: small cells hidden (disclosure control).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from jusoor.accounts.roles import Can
from jusoor.core import audit
from jusoor.jobs.models import Job, JobStatus
from jusoor.jobs.services import enqueue
from jusoor.surveys.access import get_form_for_user
from jusoor.surveys.analysis import (
    AnalysisError,
    AnalysisResult,
    catalogue,
    chart,
    files,
    methods_summary,
    run_analysis,
    run_crosstab,
    run_difference,
    tasks,
    weighting_problem,
)
from jusoor.surveys.analysis.columns import count_rows
from jusoor.surveys.analysis.forms import AnalysisForm, CrossTabForm, DifferenceForm, default_data
from jusoor.surveys.models import Form

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
}


def _context(request: HttpRequest, survey: Form) -> dict[str, Any]:
    language = get_language() or "ar"
    cat = catalogue(survey, language)
    problem = weighting_problem(survey, cat)
    return {
        "survey": survey,
        "project": survey.project,
        "catalogue": cat,
        "language": language,
        "rtl": get_language_bidi(),
        "weighting_problem": problem,
        "can_weight": problem is None,
        "full": Can.MANAGE_FORMS in request.project_capabilities,  # type: ignore[attr-defined]
        "respondents": count_rows(survey),
    }


def _error_page(request: HttpRequest, survey: Form, exc: AnalysisError) -> HttpResponse:
    return render(
        request,
        "surveys/analysis/page.html",
        {"survey": survey, "project": survey.project, "fatal": exc},
    )


def _data(request: HttpRequest, defaults: dict[str, Any]) -> Any:
    return request.GET if request.GET else defaults


def _charts(result: AnalysisResult, *, rtl: bool, released: bool, subtitle: str) -> list[dict]:
    sections = []
    for table in result.tables:
        parts = []
        for index, breakdown in enumerate(["", *result.breakdowns]):
            statistic, rows = chart.chart_rows(table, breakdown)
            lay = chart.layout(
                table,
                breakdown,
                rtl=rtl,
                released=released,
                subtitle=subtitle,
                threshold=result.threshold,
            )
            parts.append(
                {
                    "breakdown": breakdown,
                    "label": table.breakdown_labels.get(breakdown, breakdown),
                    # every text in the SVG is escaped by chart.to_svg
                    "svg": mark_safe(chart.to_svg(lay, element_id=f"chart-{table.name}-{index}")),  # noqa: S308
                    "rows": table.rows_for(breakdown),
                    "statistic": statistic,
                }
            )
        sections.append({"table": table, "parts": parts})
    return sections


def _subtitle(result: AnalysisResult) -> str:
    weighting = _("weighted") if result.weighted else _("unweighted")
    text = _("%(n)d respondents, %(weighting)s") % {"n": result.analysed, "weighting": weighting}
    if result.synthetic:
        text += " · " + _("synthetic data")
    return text


def _job_for(request: HttpRequest, survey: Form) -> Job | None:
    """The analysis job named in the address, if it is this person's and this form's."""
    number = request.GET.get("job", "")
    if not number.isdigit():
        return None
    job = Job.objects.filter(pk=int(number), kind=tasks.KIND, owner=request.user).first()
    if job is None or job.params.get("form") != survey.pk:
        return None
    return job


def _compute(
    request: HttpRequest, survey: Form, form: AnalysisForm, context: dict[str, Any]
) -> dict[str, Any]:
    """Run the analysis now, or as a background job for a large form (then follow the job)."""
    design = form.design()
    job = _job_for(request, survey)
    if job is not None:
        if job.status == JobStatus.DONE and "analysis" in job.result_data:
            return {
                "result": AnalysisResult.from_dict(job.result_data["analysis"]),
                "methods": job.result_data.get("methods"),
                "job": job,
            }
        if job.status in (JobStatus.FAILED, JobStatus.CANCELLED):
            return {"error": AnalysisError("job_failed", job.error or job.get_status_display())}
        return {"job": job}
    if context["respondents"] > tasks.job_threshold():
        job = enqueue(
            tasks.KIND,
            {
                "form": survey.pk,
                "questions": form.cleaned_data["questions"],
                "breakdowns": form.breakdown_list(),
                "released": not context["full"],
                **design,
            },
            user=request.user,
            organisation=survey.project.owner_id,
            project=survey.project,
        )
        return {"redirect": f"{request.path}?{_query(form)}&job={job.pk}"}
    result = run_analysis(
        survey,
        form.cleaned_data["questions"],
        form.breakdown_list(),
        **design,
        language=context["language"],
    )
    methods = methods_summary(
        survey, design["weighted"], language=context["language"], stratify=design["stratify"]
    )
    return {"result": result, "methods": methods}


def _analysis_form(request: HttpRequest, context: dict[str, Any]) -> AnalysisForm:
    """The choices from the query string, or the defaults of this form's catalogue."""
    cat = context["catalogue"]
    return AnalysisForm(
        _data(request, default_data(cat, context["can_weight"])),
        catalogue=cat,
        can_weight=context["can_weight"],
    )


@login_required
def analysis(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_form_for_user(request, pk)
    try:
        context = _context(request, survey)
    except AnalysisError as exc:
        return _error_page(request, survey, exc)
    form = _analysis_form(request, context)
    outcome: dict[str, Any] = {}
    if form.is_valid():
        try:
            outcome = _compute(request, survey, form, context)
        except AnalysisError as exc:
            outcome = {"error": exc}
    if "redirect" in outcome:
        return redirect(outcome["redirect"])
    result = outcome.get("result")
    shown = result if (result is None or context["full"]) else result.released()
    context.update(
        {
            "form": form,
            "result": shown,
            "error": outcome.get("error"),
            "methods": outcome.get("methods"),
            "job": outcome.get("job"),
            "query": _query(form) if form.is_bound and form.is_valid() else "",
            "sections": (
                _charts(
                    shown,
                    rtl=context["rtl"],
                    released=not context["full"],
                    subtitle=_subtitle(shown),
                )
                if shown
                else []
            ),
        }
    )
    return render(request, "surveys/analysis/page.html", context)


def _query(form: AnalysisForm) -> str:
    """The choices as an address query (without a job number), for downloads and jobs."""
    query = QueryDict(mutable=True)
    data = form.data
    for key in form.fields:
        values = data.getlist(key) if hasattr(data, "getlist") else data.get(key)
        if values in (None, "", []):
            continue
        query.setlist(key, values if isinstance(values, list) else [values])
    return query.urlencode()


def _released_now(
    survey: Form, form: AnalysisForm, design: dict[str, Any], context: dict[str, Any]
) -> tuple[AnalysisResult, str]:
    result = run_analysis(
        survey,
        form.cleaned_data["questions"],
        form.breakdown_list(),
        **design,
        language=context["language"],
    ).released()
    methods = methods_summary(
        survey, design["weighted"], language=context["language"], stratify=design["stratify"]
    )["text"]
    return result, methods


@login_required
def analysis_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    survey = get_form_for_user(request, pk)
    try:
        context = _context(request, survey)
    except AnalysisError as exc:
        return _error_page(request, survey, exc)
    form = _analysis_form(request, context)
    if not form.is_valid():
        return render(
            request,
            "surveys/analysis/page.html",
            {**context, "form": form, "result": None, "sections": []},
            status=400,
        )
    design = form.design()
    job = _job_for(request, survey)
    try:
        if job is not None and job.status == JobStatus.DONE and "analysis" in job.result_data:
            result = AnalysisResult.from_dict(job.result_data["analysis"]).released()
            methods = (job.result_data.get("methods") or {}).get("text", "")
        else:
            result, methods = _released_now(survey, form, design, context)
    except AnalysisError as exc:
        return render(
            request,
            "surveys/analysis/page.html",
            {**context, "form": form, "error": exc, "sections": []},
            status=400,
        )
    stem = f"analysis-{survey.form_id}"
    if fmt == "xlsx":
        content: bytes = files.to_xlsx(result, methods)
    elif fmt == "csv":
        content = files.to_csv(result)
    else:
        name = request.GET.get("chart") or result.questions[0]
        table = result.table(name)
        breakdown = request.GET.get("chart_by", "")
        if table is None or (breakdown and breakdown not in result.breakdowns):
            raise Http404
        lay = chart.layout(
            table,
            breakdown,
            rtl=context["rtl"],
            released=True,
            subtitle=_subtitle(result),
            threshold=result.threshold,
        )
        content = chart.to_svg(lay).encode() if fmt == "svg" else chart.to_png(lay)
        stem = f"{stem}-{table.name}" + (f"-{breakdown.replace('+', '-')}" if breakdown else "")
    audit.record(
        request.user,
        "survey.analysis.download",
        survey,
        request=request,
        format=fmt,
        questions=result.questions,
        breakdowns=result.breakdowns,
        weighted=result.weighted,
        suppressed=sum(t.suppressed_count for t in result.tables),
    )
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@login_required
def crosstab(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_form_for_user(request, pk)
    try:
        context = _context(request, survey)
    except AnalysisError as exc:
        return _error_page(request, survey, exc)
    cat = context["catalogue"]
    form = CrossTabForm(request.GET or None, catalogue=cat, can_weight=context["can_weight"])
    if not request.GET:
        keys = [k for k, v in cat.variables.items() if not v.derived_from_age]
        initial = {"weights": "raked" if context["can_weight"] else "none"}
        if len(keys) >= 2:
            initial.update({"row": keys[0], "column": keys[-1]})
        form = CrossTabForm(initial, catalogue=cat, can_weight=context["can_weight"])
    result = error = None
    if form.is_valid():
        try:
            result = run_crosstab(
                survey,
                form.cleaned_data["row"],
                form.cleaned_data["column"],
                **form.design(),
                language=context["language"],
            )
        except AnalysisError as exc:
            error = exc
    if result is not None and not context["full"]:
        result.table = dataclasses.replace(
            result.table, rows=[r.released() for r in result.table.rows]
        )
    context.update({"form": form, "result": result, "error": error, "matrix": _matrix(result)})
    return render(request, "surveys/analysis/crosstab.html", context)


def _matrix(result: Any) -> dict[str, Any] | None:
    """The cross-tabulation as rows (groups) × columns (answers), each cell with its interval."""
    if result is None:
        return None
    rows: dict[str, dict[str, Any]] = {}
    columns: list[str] = []
    for row in result.table.rows:
        if row.category_label not in columns:
            columns.append(row.category_label)
        line = rows.setdefault(
            row.domain_label, {"label": row.domain_label, "n": row.n, "cells": []}
        )
        line["cells"].append(row)
    return {"columns": columns, "rows": list(rows.values())}


@login_required
def difference(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_form_for_user(request, pk)
    try:
        context = _context(request, survey)
    except AnalysisError as exc:
        return _error_page(request, survey, exc)
    cat = context["catalogue"]
    form = DifferenceForm(request.GET or None, catalogue=cat, can_weight=context["can_weight"])
    result = error = None
    if form.is_valid():
        try:
            result = run_difference(
                survey, **form.parts(), **form.design(), language=context["language"]
            )
        except AnalysisError as exc:
            error = exc
    hidden = result is not None and result.suppressed and not context["full"]
    context.update({"form": form, "result": result, "error": error, "hidden": hidden})
    return render(request, "surveys/analysis/difference.html", context)
