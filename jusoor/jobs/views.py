"""A job's status page, its JSON status, its result's download, and cancelling it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jusoor.core import audit
from jusoor.jobs import runner
from jusoor.jobs.access import get_job_for_user
from jusoor.jobs.models import Job, JobStatus


def job_state(job: Job) -> dict[str, object]:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "done": job.progress_done,
        "total": job.progress_total,
        "percent": job.percent,
        "message": job.shown_message,
        "error": job.error,
        "finished": job.is_finished,
        "download_url": reverse("jobs:download", args=[job.pk])
        if job.status == JobStatus.DONE and job.result_file
        else "",
    }


@login_required
def status(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(request, pk)
    return render(request, "jobs/status.html", {"job": job, "project": job.project})


@login_required
def status_json(request: HttpRequest, pk: int) -> JsonResponse:
    job = get_job_for_user(request, pk)
    response = JsonResponse(job_state(job))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_job_for_user(request, pk)
    if job.status != JobStatus.DONE or not job.result_file:
        raise Http404
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit.record(
        request.user,
        "job.download",
        job,
        request=request,
        organisation=job.organisation_id,
        kind=job.kind,
        file=job.result_name,
        params=job.params,
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=job.result_name,
        content_type=job.result_content_type or "application/octet-stream",
    )


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(request, pk)
    if runner.cancel(job):
        audit.record(
            request.user, "job.cancel", job, request=request, organisation=job.organisation_id
        )
        messages.success(request, _("The job was cancelled."))
    else:
        messages.info(request, _("The job had already finished."))
    return redirect(job)
