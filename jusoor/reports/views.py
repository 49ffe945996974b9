"""Exports (IATI, HXL), the donor progress report, and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jusoor.accounts.access import get_organisation_for_user
from jusoor.accounts.roles import Can
from jusoor.core.forms import add_service_errors
from jusoor.library.models import Visibility
from jusoor.programmes.access import (
    get_period_for_user,
    get_programme_for_user,
    get_project_for_user,
    projects_for_user,
)
from jusoor.programmes.models import ReportingPeriod
from jusoor.reports import dashboards, hxl, iati, publishing, services
from jusoor.reports.access import get_token_for_user
from jusoor.reports.donor import build_report
from jusoor.reports.donor.files import render_donor_file
from jusoor.reports.forms import PublishForm, SectionsForm, TokenForm
from jusoor.reports.models import DonorReport, PublishedReport, ReportLanguage


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def project_reports(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk)
    return render(
        request,
        "reports/project_reports.html",
        {
            "project": project,
            "periods": project.periods.all(),
            "can": request.project_capabilities,  # type: ignore[attr-defined]
            "missing": iati.missing_data(project),
            "threshold": settings.SMALL_CELL_THRESHOLD,
        },
    )


@login_required
def project_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk)
    context = dashboards.project_dashboard(project, request.user)
    return render(request, "reports/dashboard_project.html", context)


@login_required
def programme_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request, slug)
    projects = list(
        projects_for_user(request.user)
        .filter(programme=programme)
        .select_related("owner")
        .prefetch_related("governorates")
    )
    context = dashboards.programme_dashboard(programme, projects, request.user)
    return render(request, "reports/dashboard_programme.html", context)


@login_required
def iati_export(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk)
    result = iati.build(project)
    if not result.ok:
        return render(
            request, "reports/iati_missing.html", {"project": project, "missing": result.missing}
        )
    services.record_export(request.user, "iati", project, request=request)
    slug = project.code or project.slug
    return _download(result.xml, "application/xml; charset=utf-8", f"iati-{slug}.xml")


@login_required
def hxl_export(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk)
    content = hxl.hxl_csv(project)
    services.record_export(request.user, "hxl", project, request=request)
    return _download(content, "text/csv; charset=utf-8", f"hxl-{project.slug}.csv")


def _language(request: HttpRequest) -> str:
    asked = request.GET.get("language") or request.POST.get("language") or get_language() or "ar"
    return asked[:2] if asked[:2] in ReportLanguage.values else "ar"


@login_required
def donor_report(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_period_for_user(request, pk)
    language = _language(request)
    report = DonorReport.objects.filter(period=period, language=language).first()
    return render(
        request,
        "reports/donor_report.html",
        {
            "period": period,
            "project": period.project,
            "language": language,
            "data": build_report(period, language),
            "versions": report.versions.select_related("author") if report else [],
            "can": request.project_capabilities,  # type: ignore[attr-defined]
            "languages": ReportLanguage.choices,
            "publishable": publishing.can_publish(period),
            "published": PublishedReport.objects.filter(period=period, language=language)
            .select_related("resource")
            .first(),
            "visibilities": Visibility.choices,
        },
    )


@login_required
@require_POST
def donor_report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the donor report PDF (small cells suppressed) to the library."""
    period = get_period_for_user(request, pk, Can.APPROVE_PERIODS)
    form = PublishForm(request.POST)
    language = _language(request)
    if not form.is_valid():
        messages.error(request, _("Choose the language and who may see the report."))
        return redirect(f"{_report_url(period)}?language={language}")
    try:
        resource = publishing.publish_donor_report(
            request.user,
            period,
            form.cleaned_data["language"],
            form.cleaned_data["visibility"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{_report_url(period)}?language={language}")
    messages.success(
        request,
        _("The donor report is in the library (version %(number)s).")
        % {"number": resource.versions.count()},
    )
    return redirect("library:resource", pk=resource.pk)


@login_required
def donor_report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_period_for_user(request, pk, Can.EDIT_INDICATORS)
    language = _language(request)
    report = DonorReport.objects.filter(period=period, language=language).first()
    latest = report.latest() if report else None
    initial = {n: getattr(latest, n) for n in services.WRITTEN_SECTIONS} if latest else {}
    form = SectionsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.save_sections(
                request.user, period, language, form.cleaned_data, request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if version is None:
                messages.info(request, _("Nothing changed; no new version was saved."))
            else:
                messages.success(
                    request, _("Saved as version %(number)s.") % {"number": version.number}
                )
            return redirect(f"{_report_url(period)}?language={language}")
    return render(
        request,
        "reports/donor_report_edit.html",
        {"period": period, "project": period.project, "form": form, "language": language},
    )


def _report_url(period: ReportingPeriod) -> str:
    return reverse("reports:donor_report", args=[period.pk])


def _donor_file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    period = get_period_for_user(request, pk)
    language = _language(request)
    data, content, content_type, filename = render_donor_file(period, language, kind)
    services.record_export(
        request.user,
        f"donor_report.{kind}",
        period,
        request=request,
        organisation=period.project.owner,
        language=language,
        version=data.version_number,
    )
    return _download(content, content_type, filename)


@login_required
def donor_report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return _donor_file(request, pk, "docx")


@login_required
def donor_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _donor_file(request, pk, "pdf")


@login_required
def donor_report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _donor_file(request, pk, "xlsx")


@login_required
def api_tokens(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug, Can.MANAGE_MEMBERS)
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.create_token(
                request.user,
                organisation,
                form.cleaned_data["name"],
                form.cleaned_data["role"],
                request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = TokenForm()
    return render(
        request,
        "reports/api_tokens.html",
        {
            "organisation": organisation,
            "tokens": organisation.api_tokens.select_related("created_by"),
            "form": form,
            "new_key": new_key,
        },
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_token_for_user(request, pk)
    services.revoke_token(request.user, token, request)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("reports:api_tokens", slug=token.organisation.slug)
