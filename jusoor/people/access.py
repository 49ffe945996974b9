"""Access to the registry: per organisation. Another organisation's record is a 404."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from jusoor.accounts.access import role_in
from jusoor.accounts.roles import Can, capabilities
from jusoor.people.models import DuplicateSuggestion, ImportBatch, Merge, Person, Stakeholder

M = TypeVar("M", bound=models.Model)


def check_organisation(request: HttpRequest, organisation_id: int, need: Can) -> frozenset[Can]:
    """The capabilities the user has in the organisation; 404 without a part, 403 without need."""
    allowed = capabilities(role_in(request.user, organisation_id))
    if Can.VIEW not in allowed:
        raise Http404
    if need not in allowed:
        raise PermissionDenied
    request.capabilities = allowed  # type: ignore[attr-defined]
    return allowed


def _get(request: HttpRequest, queryset: models.QuerySet[M], pk: int, need: Can) -> M:
    obj = get_object_or_404(queryset, pk=pk)
    check_organisation(request, obj.organisation_id, need)  # type: ignore[attr-defined]
    return obj


def get_person_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Person:
    return _get(request, Person.objects.select_related("area", "merged_into"), pk, need)


def get_suggestion_for_user(
    request: HttpRequest, pk: int, need: Can = Can.MANAGE_PEOPLE
) -> DuplicateSuggestion:
    return _get(request, DuplicateSuggestion.objects.select_related("left", "right"), pk, need)


def get_merge_for_user(request: HttpRequest, pk: int, need: Can = Can.MANAGE_PEOPLE) -> Merge:
    return _get(request, Merge.objects.select_related("survivor", "merged"), pk, need)


def get_import_for_user(
    request: HttpRequest, pk: int, need: Can = Can.MANAGE_PEOPLE
) -> ImportBatch:
    return _get(request, ImportBatch.objects.select_related("organisation"), pk, need)


def get_stakeholder_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Stakeholder:
    return _get(request, Stakeholder.objects.select_related("area", "partner"), pk, need)
