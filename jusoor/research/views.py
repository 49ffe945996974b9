"""Research pages: codebook, sources and coding, search, frequencies, suggestions, findings and
the research report. Analysts (``Can.MANAGE_FORMS``) read the sources and code them; whoever sees
the project reads the published findings and the report."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jusoor.accounts.roles import Can
from jusoor.core.forms import add_service_errors
from jusoor.programmes.access import get_project_for_user, projects_for_user, require
from jusoor.programmes.models import Project
from jusoor.research import evidence as evidence_module
from jusoor.research import qualitative, services
from jusoor.research.access import (
    get_code_for_user,
    get_finding_for_user,
    get_segment_for_user,
    get_suggestion_for_user,
)
from jusoor.research.anonymise import anonymise
from jusoor.research.files import render_report_file
from jusoor.research.forms import (
    CodeForm,
    EvidenceForm,
    FindingForm,
    GroupForm,
    ReportForm,
    SearchForm,
    SegmentCodesForm,
    SegmentForm,
)
from jusoor.research.models import (
    Category,
    Code,
    FindingStatus,
    ResearchReport,
    Segment,
    Suggestion,
    SuggestionStatus,
)
from jusoor.research.report import build_report, evidence_blocks
from jusoor.research.sources import Source, get_source, project_sources


def _can(request: HttpRequest) -> frozenset[Can]:
    return request.project_capabilities  # type: ignore[attr-defined,no-any-return]


def _shown(request: HttpRequest, source: Source, text: str) -> str:
    """Source text as this person may read it: without names and phones unless they may see
    personal data."""
    if Can.VIEW_PERSONAL_DATA in _can(request):
        return text
    return anonymise(text, source.known_names)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    projects = projects_for_user(request.user).select_related("owner").order_by("title_ar")
    return render(request, "research/index.html", {"projects": projects})


@login_required
def home(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk)
    analyst = Can.MANAGE_FORMS in _can(request)
    findings = project.findings.all() if analyst else project.findings.filter(status="published")
    context = {
        "project": project,
        "can": _can(request),
        "findings": findings.prefetch_related("nodes"),
        "analyst": analyst,
    }
    if analyst:
        context.update(
            segments=Segment.objects.filter(project=project).count(),
            coded=Segment.objects.filter(project=project, codings__isnull=False).distinct().count(),
            pending=Suggestion.objects.filter(
                segment__project=project, status=SuggestionStatus.PENDING
            ).count(),
        )
    return render(request, "research/home.html", context)


# --- codebook ---------------------------------------------------------------------------------


@login_required
def codebook(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk)
    book = services.ensure_codebook(project)
    codes = list(book.codes.all())
    groups = [(category, [c for c in codes if c.category == category]) for category in Category]
    return render(
        request,
        "research/codebook.html",
        {"project": project, "groups": groups, "can": _can(request)},
    )


def _code_form(request: HttpRequest, project: Project, code: Code) -> HttpResponse:
    form = CodeForm(request.POST or None, instance=code)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_code(request.user, form.save(commit=False), request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The code is saved."))
            return redirect("research:codebook", pk=project.pk)
    return render(
        request, "research/code_form.html", {"project": project, "form": form, "code": code}
    )


@login_required
def code_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk, Can.MANAGE_FORMS)
    return _code_form(request, project, Code(codebook=services.ensure_codebook(project)))


@login_required
def code_edit(request: HttpRequest, pk: int) -> HttpResponse:
    code = get_code_for_user(request, pk, Can.MANAGE_FORMS)
    return _code_form(request, code.codebook.project, code)


# --- sources and coding -----------------------------------------------------------------------


@login_required
def sources(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk, Can.MANAGE_FORMS)
    found = project_sources(project)
    counts: dict[tuple[str, int, str], int] = {}
    for segment in Segment.objects.filter(project=project):
        target = segment.submission_id or segment.meeting_id or segment.takeaway_id or 0
        key = (segment.kind, target, segment.field)
        counts[key] = counts.get(key, 0) + 1
    rows = [
        {"source": s, "excerpt": _shown(request, s, s.text)[:140], "segments": counts.get(s.key, 0)}
        for s in found
    ]
    return render(request, "research/sources.html", {"project": project, "rows": rows})


def _source_or_404(project: Project, kind: str, object_id: int, path: str) -> Source:
    source = get_source(project, kind, object_id, path)
    if source is None:
        raise Http404
    return source


@login_required
def source(request: HttpRequest, pk: int, kind: str, object_id: int) -> HttpResponse:
    project = get_project_for_user(request, pk, Can.MANAGE_FORMS)
    path = request.GET.get("field", "") or request.POST.get("field", "")
    found = _source_or_404(project, kind, object_id, path)
    services.ensure_codebook(project)
    form = SegmentForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            start, end = services.locate(found.text, form.cleaned_data["passage"])
            segment = services.create_segment(request.user, project, found, start, end, request)
            services.set_codes(
                request.user, segment, form.cleaned_data["codes"], request, replace=False
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The passage is coded."))
            return redirect(request.get_full_path())
    show_personal = request.GET.get("personal") == "1"
    if show_personal and Can.VIEW_PERSONAL_DATA not in _can(request):
        raise PermissionDenied
    if show_personal:
        services.record_personal_view(request.user, project, str(found.key), request)
    target = {"answer": "submission", "minutes": "meeting", "takeaway": "takeaway"}[kind]
    segments = (
        Segment.objects.filter(project=project, kind=kind, field=found.field, **{target: object_id})
        .prefetch_related("codings__code", "codings__by", "suggestions__code")
        .order_by("start")
    )
    return render(
        request,
        "research/source.html",
        {
            "project": project,
            "source": found,
            "text": _shown(request, found, found.text),
            "form": form,
            "segments": [(s, _shown(request, found, s.text)) for s in segments],
            "codes": services.ensure_codebook(project).codes.all(),
            "can": _can(request),
            "show_personal": show_personal,
            "names": found.known_names if show_personal else [],
        },
    )


@login_required
@require_POST
def segment_codes(request: HttpRequest, pk: int) -> HttpResponse:
    segment = get_segment_for_user(request, pk, Can.MANAGE_FORMS)
    form = SegmentCodesForm(request.POST, project=segment.project)
    if form.is_valid():
        services.set_codes(request.user, segment, form.cleaned_data["codes"], request)
        messages.success(request, _("The codes of the passage are saved."))
    else:
        messages.error(request, _("Choose codes of this project."))
    target = segment.submission_id or segment.meeting_id or segment.takeaway_id
    url = reverse("research:source", args=[segment.project_id, segment.kind, target])
    return redirect(f"{url}?field={segment.field}" if segment.field else url)


@login_required
def search(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk, Can.MANAGE_FORMS)
    form = SearchForm(request.GET or None)
    results = []
    if form.is_valid():
        for item in qualitative.search(project, form.cleaned_data["q"]):
            hits = [
                (
                    _shown(request, item.source, h.before),
                    h.match,
                    _shown(request, item.source, h.after),
                )
                for h in item.hits
            ]
            results.append({"source": item.source, "hits": hits})
    return render(
        request,
        "research/search.html",
        {"project": project, "form": form, "results": results},
    )


@login_required
def frequencies(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk, Can.MANAGE_FORMS)
    form = GroupForm(request.GET or {"group": "area"})
    group = form.cleaned_data["group"] if form.is_valid() else "area"
    table = qualitative.frequencies(project, group)
    return render(
        request,
        "research/frequencies.html",
        {"project": project, "form": form, "table": table},
    )


# --- suggestions ------------------------------------------------------------------------------


@login_required
def suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk, Can.MANAGE_FORMS)
    pending = Suggestion.objects.filter(
        segment__project=project, status=SuggestionStatus.PENDING
    ).select_related("segment", "code")
    decided = (
        Suggestion.objects.filter(segment__project=project)
        .exclude(status=SuggestionStatus.PENDING)
        .select_related("segment", "code", "decided_by")
        .order_by("-decided_at")[:30]
    )
    return render(
        request,
        "research/suggestions.html",
        {"project": project, "pending": pending, "decided": decided},
    )


@login_required
@require_POST
def suggestions_generate(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk, Can.MANAGE_FORMS)
    count = services.generate_suggestions(request.user, project, request)
    messages.success(request, _("%(count)s codes suggested.") % {"count": count})
    return redirect("research:suggestions", pk=project.pk)


@login_required
@require_POST
def suggestion_decide(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_suggestion_for_user(request, pk, Can.MANAGE_FORMS)
    accept = request.POST.get("decision") == "accept"
    try:
        services.decide_suggestion(request.user, suggestion, accept, request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Suggestion accepted: the passage has the code.")
            if accept
            else _("Suggestion rejected."),
        )
    return redirect("research:suggestions", pk=suggestion.segment.project_id)


# --- findings ---------------------------------------------------------------------------------


@login_required
def finding_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk, Can.MANAGE_FORMS)
    form = FindingForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        finding = form.save(commit=False)
        finding.project = project
        try:
            services.save_finding(request.user, finding, form.cleaned_data["nodes"], request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The finding is saved as a draft. Add its evidence."))
            return redirect("research:evidence_add", pk=finding.pk)
    return render(request, "research/finding_form.html", {"project": project, "form": form})


@login_required
def finding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_finding_for_user(request, pk, Can.MANAGE_FORMS)
    if finding.status == FindingStatus.PUBLISHED:
        messages.error(request, _("A published finding cannot change. Return it to draft first."))
        return redirect("research:finding", pk=finding.pk)
    form = FindingForm(request.POST or None, instance=finding, project=finding.project)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_finding(
                request.user, form.save(commit=False), form.cleaned_data["nodes"], request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The finding is saved."))
            return redirect("research:finding", pk=finding.pk)
    return render(
        request,
        "research/finding_form.html",
        {"project": finding.project, "form": form, "finding": finding},
    )


def _chart_uri(block, rtl: bool) -> str:  # type: ignore[no-untyped-def]
    return "data:image/png;base64," + base64.b64encode(block.png(rtl)).decode()


def _blocks(kind: str, snapshot: dict, language: str, rtl: bool) -> list[dict]:  # type: ignore[type-arg]
    out = []
    for block in evidence_blocks(kind, snapshot, language):
        out.append({"block": block, "image": _chart_uri(block, rtl) if block.chart else ""})
    return out


@login_required
def finding(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_finding_for_user(request, pk)
    language = (get_language() or "ar")[:2]
    rtl = get_language_bidi()
    evidence = [
        {
            "item": e,
            "blocks": _blocks(e.kind, e.snapshot, language, rtl),
            "stale": evidence_module.is_stale(item.project, e.kind, e.parameters, e.snapshot),
        }
        for e in item.evidence.all()
    ]
    return render(
        request,
        "research/finding.html",
        {
            "finding": item,
            "project": item.project,
            "evidence": evidence,
            "can": _can(request),
            "statuses": FindingStatus,
        },
    )


@login_required
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_finding_for_user(request, pk, Can.MANAGE_FORMS)
    form = EvidenceForm(request.POST or None, project=finding.project)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_evidence(
                request.user, finding, form.cleaned_data["kind"], form.parameters(), request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The evidence is added."))
            return redirect("research:finding", pk=finding.pk)
    return render(
        request,
        "research/evidence_form.html",
        {"project": finding.project, "finding": finding, "form": form},
    )


@login_required
@require_POST
def finding_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_finding_for_user(request, pk, Can.MANAGE_FORMS)
    try:
        count = services.refresh(request.user, finding, request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Recomputed %(count)s pieces of evidence from the data.") % {"count": count}
        )
    return redirect("research:finding", pk=finding.pk)


@login_required
@require_POST
def finding_status(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_finding_for_user(request, pk, Can.MANAGE_FORMS)
    status = request.POST.get("status", "")
    if FindingStatus.PUBLISHED in (status, finding.status):
        # What leaves the workspace is approved by those who approve reports.
        require(request, Can.APPROVE_PERIODS)
    try:
        services.set_status(request.user, finding, status, request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The finding is now “%(status)s”.") % {"status": finding.get_status_display()},
        )
    return redirect("research:finding", pk=finding.pk)


# --- the report -------------------------------------------------------------------------------


def _language(request: HttpRequest) -> str:
    asked = (request.GET.get("language") or get_language() or "ar")[:2]
    return asked if asked in ("ar", "en") else "ar"


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk)
    language = _language(request)
    data = build_report(project, language)
    blocks = [
        {"block": b, "image": _chart_uri(b, data.rtl) if b.chart else ""} for b in data.blocks
    ]
    return render(
        request,
        "research/report.html",
        {
            "project": project,
            "data": data,
            "blocks": blocks,
            "language": language,
            "can": _can(request),
        },
    )


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk, Can.MANAGE_FORMS)
    instance = ResearchReport.objects.filter(project=project).first() or ResearchReport(
        project=project
    )
    form = ReportForm(request.POST or None, instance=instance, project=project)
    if request.method == "POST" and form.is_valid():
        services.save_report(request.user, form.save(commit=False), request)
        messages.success(request, _("The report's framing is saved."))
        return redirect("research:report", pk=project.pk)
    return render(request, "research/report_form.html", {"project": project, "form": form})


def _report_file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    project = get_project_for_user(request, pk)
    language = _language(request)
    content, content_type, filename = render_report_file(project, language, kind)
    services.record_download(request.user, project, kind, language, request)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_file(request, pk, "docx")


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_file(request, pk, "pdf")
