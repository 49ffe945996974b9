"""Workspace pages: forms, their upload, submissions and their review, exports, imports, tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jusoor.accounts.roles import Can
from jusoor.jobs.models import Job, JobStatus
from jusoor.jobs.services import enqueue
from jusoor.programmes.access import get_project_for_user, require
from jusoor.surveys import services, tasks, webform
from jusoor.surveys.access import (
    collectable_forms,
    get_form_for_user,
    get_import_for_user,
    get_submission_for_user,
)
from jusoor.surveys.forms import (
    ExportForm,
    ImportForm,
    StatusForm,
    SubmissionFilterForm,
    TokenForm,
    UploadForm,
)
from jusoor.surveys.models import (
    AppToken,
    Form,
    FormVersion,
    ImportStatus,
    Submission,
    WebDraft,
)
from jusoor.surveys.openrosa import merge_personal
from jusoor.surveys.xlsform import label_of, language_for

PAGE_SIZE = 50


@login_required
def form_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk)
    forms = Form.objects.filter(project=project).prefetch_related("versions")
    return render(
        request,
        "surveys/form_list.html",
        {"project": project, "forms": forms, "can": request.project_capabilities},
    )


@login_required
def form_upload(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk, Can.MANAGE_FORMS)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            version = services.upload_form(
                request.user,
                project,
                upload.read(),
                upload.name,
                key_informant=form.cleaned_data["key_informant"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(
                request,
                _("Form uploaded: version %(version)s.") % {"version": version.version},
            )
            return redirect("surveys:form", pk=version.form_id)
    return render(
        request,
        "surveys/upload.html",
        {"form": form, "project": project, "title": _("Upload an XLSForm")},
    )


@login_required
def form_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from jusoor.surveys import views_self_completion  # it builds on this module's helpers

    survey = get_form_for_user(request, pk)
    version = survey.current_version
    language = language_for(version.languages, get_language() or "ar") if version else ""
    questions = [
        {**q, "text": label_of(q, language, version.default_language)}
        for q in (version.questions if version else [])
        if not q.get("meta")
    ]
    return render(
        request,
        "surveys/form_detail.html",
        {
            "survey": survey,
            "project": survey.project,
            "version": version,
            "versions": survey.versions.all(),
            "questions": questions,
            "can": request.project_capabilities,
            "count": survey.submissions.filter(is_current=True).count(),
            "self_completion": (
                views_self_completion.panel(request, survey)
                if Can.MANAGE_FORMS in request.project_capabilities
                else None
            ),
        },
    )


@login_required
def submission_list(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_form_for_user(request, pk, Can.MANAGE_FORMS)
    filters = SubmissionFilterForm(request.GET or None, form=survey)
    submissions = survey.submissions.filter(is_current=True).select_related("enumerator", "version")
    if filters.is_valid():
        submissions = filters.filter(submissions)
    page = Paginator(submissions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "surveys/submission_list.html",
        {
            "survey": survey,
            "project": survey.project,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
        },
    )


def _answer_rows(
    version: FormVersion, language: str, answers: dict[str, Any], scope: str = ""
) -> list[dict[str, Any]]:
    """(label, shown value) for each question in one scope; a repeat holds its entries' rows."""
    rows: list[dict[str, Any]] = []
    default = version.default_language
    for question in version.questions:
        if question.get("meta") or question["type"] in {"group", "note"}:
            continue
        if (question.get("repeat") or "") != scope:
            continue
        label = label_of(question, language, default)
        if question["type"] == "repeat":
            entries = [
                _answer_rows(version, language, entry, question["path"])
                for entry in answers.get(question["path"]) or []
            ]
            rows.append({"label": label, "entries": entries, "repeat": True})
            continue
        value = answers.get(question["path"])
        rows.append(
            {
                "label": label,
                "value": _shown(question, value, language, default),
                "path": question["path"],
                "pii": question.get("pii"),
            }
        )
    return rows


def _shown(question: dict[str, Any], value: Any, language: str, default: str) -> str:
    if value in (None, ""):
        return ""
    if question["type"] in {"select one", "select all that apply"}:
        labels = {c["name"]: label_of(c, language, default) for c in question["choices"]}
        return "، ".join(labels.get(v, v) for v in str(value).split())
    return str(value)


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(request, pk, Can.MANAGE_FORMS)
    can = request.project_capabilities
    show_personal = request.GET.get("personal") == "1"
    if show_personal and Can.VIEW_PERSONAL_DATA not in can:
        raise PermissionDenied
    answers = submission.answers
    if show_personal:
        answers = merge_personal(answers, submission.personal_answers())
        services.record_personal_view(request.user, submission, request)
    language = language_for(submission.version.languages, get_language() or "ar")
    return render(
        request,
        "surveys/submission_detail.html",
        {
            "submission": submission,
            "survey": submission.form,
            "project": submission.form.project,
            "rows": _answer_rows(submission.version, language, answers),
            "status_form": StatusForm(initial={"status": submission.status}),
            "reviews": submission.reviews.select_related("by"),
            "history": _history(submission),
            "attachments": submission.attachments.all(),
            "show_personal": show_personal,
            "has_personal": bool(submission.pii),
            "can": can,
        },
    )


def _history(submission: Submission) -> list[Submission]:
    earlier = []
    current = submission.replaces
    while current is not None:
        earlier.append(current)
        current = current.replaces
    return earlier


@login_required
@require_POST
def submission_status(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(request, pk, Can.MANAGE_FORMS)
    form = StatusForm(request.POST)
    if form.is_valid():
        services.set_status(
            request.user,
            submission,
            form.cleaned_data["status"],
            form.cleaned_data["comment"],
            request,
        )
        messages.success(request, _("Status changed."))
    else:
        messages.error(request, _("Choose a status."))
    return redirect("surveys:submission", pk=submission.pk)


def _jobs_for(user: Any, kind: str, **params: Any) -> list[Job]:
    lookups = {f"params__{k}": v for k, v in params.items()}
    return list(Job.objects.filter(kind=kind, owner=user, **lookups).order_by("-pk")[:5])


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """Exports run as background jobs: the page starts one and sends you to its progress."""
    survey = get_form_for_user(request, pk, Can.MANAGE_FORMS)
    form = ExportForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        return render(
            request,
            "surveys/export.html",
            {
                "form": form,
                "survey": survey,
                "project": survey.project,
                "jobs": _jobs_for(request.user, tasks.EXPORT, form=survey.pk),
            },
        )
    data = form.cleaned_data
    include_personal = data["personal_data"]
    if include_personal and Can.VIEW_PERSONAL_DATA not in request.project_capabilities:
        raise PermissionDenied
    fmt = data["format"]
    with transaction.atomic():
        services.record_export(
            request.user, survey, fmt=fmt, include_personal=include_personal, request=request
        )
        job = enqueue(
            tasks.EXPORT,
            {
                "form": survey.pk,
                "format": fmt,
                "language": "" if data["headers"] == "xml" else data["headers"],
                "include_personal": include_personal,
                "hxl": data["hxl"],
            },
            user=request.user,
            organisation=survey.project.owner_id,
            project=survey.project,
        )
    return redirect(job)


@login_required
def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_form_for_user(request, pk, Can.MANAGE_FORMS)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch, _job = services.receive_import(
                request.user, survey, upload.read(), upload.name, request
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("surveys:import_preview", pk=batch.pk)
    return render(
        request,
        "surveys/upload.html",
        {
            "form": form,
            "survey": survey,
            "project": survey.project,
            "title": _("Import a KoboToolbox export"),
        },
    )


@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """While the file is being checked, the check's progress; then the preview; then the write's
    progress and its outcome."""
    batch = get_import_for_user(request, pk, Can.MANAGE_FORMS)
    jobs = Job.objects.filter(params__batch=batch.pk).order_by("-pk")
    return render(
        request,
        "surveys/import_preview.html",
        {
            "batch": batch,
            "survey": batch.form,
            "project": batch.form.project,
            "preview": batch.preview,
            "check_job": jobs.filter(kind=tasks.CHECK_IMPORT).first(),
            "job": jobs.filter(kind=tasks.IMPORT).first(),
        },
    )


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows are written by a background job; the preview page follows its progress."""
    batch = get_import_for_user(request, pk, Can.MANAGE_FORMS)
    if batch.status == ImportStatus.DONE:
        messages.error(request, _("This file has already been imported."))
    elif batch.status == ImportStatus.CHECKING:
        messages.error(request, _("The file is still being checked; wait for its preview."))
    elif batch.preview.get("problem_count"):
        messages.error(
            request,
            _("The file has %(count)s problems; correct them and upload it again.")
            % {"count": batch.preview["problem_count"]},
        )
    elif not Job.objects.filter(
        kind=tasks.IMPORT, params__batch=batch.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).exists():
        enqueue(
            tasks.IMPORT,
            {"batch": batch.pk},
            user=request.user,
            organisation=batch.form.project.owner_id,
            project=batch.form.project,
        )
        messages.success(request, _("The import has started; its progress shows below."))
    return redirect("surveys:import_preview", pk=batch.pk)


@login_required
def tokens(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk, Can.COLLECT_DATA)
    available = collectable_forms(request.user, project)
    form = TokenForm(request.POST or None, queryset=available)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.create_token(
                request.user,
                project,
                list(form.cleaned_data["forms"]),
                form.cleaned_data["label"],
                request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            created = _server_url(request, project.pk, raw)
            form = TokenForm(queryset=available)
    return render(
        request,
        "surveys/tokens.html",
        {
            "project": project,
            "form": form,
            "created": created,
            "server_url": _server_url(request, project.pk),
            "tokens": AppToken.objects.filter(
                user=request.user, project=project, revoked_at=None
            ).prefetch_related("forms"),
        },
    )


def _server_url(request: HttpRequest, pk: int, token: str | None = None) -> str:
    """The address to type in ODK Collect: it adds formList and submission itself."""
    if token:
        url = reverse("surveys:openrosa_key_form_list", kwargs={"token": token, "pk": pk})
    else:
        url = reverse("surveys:openrosa_form_list", kwargs={"pk": pk})
    return request.build_absolute_uri(url.removesuffix("formList"))


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(AppToken, pk=pk)
    get_project_for_user(request, token.project_id, Can.COLLECT_DATA)
    if token.user_id != request.user.pk:
        require(request, Can.MANAGE_FORMS)  # a lost phone: the M&E officer may cut it off
    services.revoke_token(request.user, token, request)
    messages.success(request, _("Token revoked: phones using it can no longer send."))
    return redirect("surveys:tokens", pk=token.project_id)


@login_required
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Fill a form on the web. "Check and save draft" re-evaluates the form's rules and keeps
    the answers on the server; "Submit" stores a submission when every rule holds."""
    survey = get_form_for_user(request, pk, Can.COLLECT_DATA)
    if not collectable_forms(request.user, survey.project).filter(pk=survey.pk).exists():
        raise PermissionDenied
    version = survey.current_version
    if version is None:
        raise Http404
    entry_ = webform.Entry(version, language_for(version.languages, get_language() or "ar"))
    draft = WebDraft.objects.filter(form=survey, user=request.user).first()
    current = draft.values() if draft else {}
    if request.method == "POST":
        action, typed, form = webform.read_post(entry_, request.POST, current)
        current = typed
        if action == "submit":
            answers = webform.check(entry_, form)
            if answers is not None:
                try:
                    services.submit_web_entry(request.user, survey, answers, request)
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("Submission received. Thank you."))
                    return redirect("surveys:entry", pk=survey.pk)
        else:
            draft = services.save_draft(request.user, survey, typed, request)
            messages.success(request, _("Draft saved."))
            form.is_valid()
            for name, message in entry_.walk(typed)[1].items():
                if name in form.fields and not form.has_error(name):
                    form.add_error(name, message)
    else:
        form = webform.build_form(entry_, initial=current)
    _answers, _errors, hidden = entry_.walk(current)
    return render(
        request,
        "surveys/entry.html",
        {
            "survey": survey,
            "project": survey.project,
            "form": form,
            "items": _entry_items(entry_, form, hidden),
            "left_to_collect": entry_.left_to_collect(),
            "rules_skipped": [u for u in version.unsupported if u["reason"] != "type"],
            "direction": webform.direction(entry_.language),
            "language": webform.language_code(entry_.language),
            "draft": draft,
        },
    )


def _entry_items(entry_: webform.Entry, form: Any, hidden: set[str]) -> list[dict[str, Any]]:
    """Headings, notes, fields and repeat entries in form order; what is not relevant now is
    left out (it comes back when an answer above makes it relevant)."""
    items: list[dict[str, Any]] = []
    hidden_paths = {q["path"] for q in entry_.questions if webform.field_name(q["path"]) in hidden}

    def is_hidden(path: str) -> bool:
        return any(path == h or path.startswith(h + "/") for h in hidden_paths)

    for question in entry_.questions:
        path, kind = question["path"], question["type"]
        if question.get("repeat") or is_hidden(path):
            continue
        if kind == "group":
            items.append({"kind": "group", "text": entry_.label(question)})
        elif kind == "note":
            items.append({"kind": "note", "text": entry_.label(question)})
        elif kind == "repeat" and path in entry_.repeats:
            count = form.counts[path]
            entries = []
            for index in range(count):
                fields = [
                    form[webform.field_name(child["path"], index)]
                    for child in entry_.repeats[path]
                    if webform.field_name(child["path"], index) in form.fields
                    and webform.field_name(child["path"], index) not in hidden
                ]
                entries.append({"number": index + 1, "fields": fields})
            items.append(
                {
                    "kind": "repeat",
                    "text": entry_.label(question),
                    "entries": entries,
                    "path": path,
                    "count_name": webform.count_name(path),
                    "count": count,
                }
            )
        elif webform.field_name(path) in form.fields:
            items.append({"kind": "field", "field": form[webform.field_name(path)]})
    return items
