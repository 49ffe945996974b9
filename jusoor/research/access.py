"""Access to research objects: through the project they belong to (programmes.access)."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from jusoor.accounts.roles import Can
from jusoor.programmes.access import _check
from jusoor.research.models import Code, Finding, FindingStatus, Segment, Suggestion


def get_code_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Code:
    code = get_object_or_404(Code.objects.select_related("codebook__project__owner"), pk=pk)
    request.project_capabilities = _check(request.user, code.codebook.project, need)  # type: ignore[attr-defined]
    return code


def get_segment_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Segment:
    segment = get_object_or_404(Segment.objects.select_related("project__owner"), pk=pk)
    request.project_capabilities = _check(request.user, segment.project, need)  # type: ignore[attr-defined]
    return segment


def get_suggestion_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Suggestion:
    suggestion = get_object_or_404(
        Suggestion.objects.select_related("segment__project__owner", "code"), pk=pk
    )
    request.project_capabilities = _check(request.user, suggestion.segment.project, need)  # type: ignore[attr-defined]
    return suggestion


def get_finding_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Finding:
    """A finding; one not yet published is work in progress, seen by analysts only."""
    finding = get_object_or_404(Finding.objects.select_related("project__owner"), pk=pk)
    if finding.status != FindingStatus.PUBLISHED and need == Can.VIEW:
        need = Can.MANAGE_FORMS
    request.project_capabilities = _check(request.user, finding.project, need)  # type: ignore[attr-defined]
    return finding
