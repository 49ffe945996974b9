"""Who may see a job: whoever has the job kind's capability in the job's project or organisation.

As everywhere: no part in the organisation or project is a 404, too little role a 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from jusoor.accounts.access import role_in
from jusoor.accounts.roles import Can, capabilities
from jusoor.jobs.models import Job
from jusoor.jobs.services import get_handler
from jusoor.programmes.access import _check


def required_capabilities(job: Job) -> frozenset[Can]:
    try:
        return get_handler(job.kind).capabilities_for(job)
    except LookupError:
        return frozenset({Can.VIEW_AUDIT})  # a kind no longer served: administrators only


def get_job_for_user(request: HttpRequest, pk: int) -> Job:
    job = get_object_or_404(Job.objects.select_related("project", "organisation", "owner"), pk=pk)
    need = required_capabilities(job)
    if job.project is not None:
        allowed = _check(request.user, job.project, Can.VIEW)
    else:
        role = role_in(request.user, job.organisation_id)
        if role is None:
            raise Http404
        allowed = capabilities(role)
    if not need <= allowed:
        raise PermissionDenied
    request.project_capabilities = allowed  # type: ignore[attr-defined]
    return job
