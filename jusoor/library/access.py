"""Who sees which resource, and who may change it.

A public resource is seen by everyone, without an account. An organisation-only resource is seen by
the members of its organisation; a project resource by everyone who sees the project (its owner's
members and the partners it is shared with). Anything else is a 404 — listed, counted and searched
nowhere. Changing a resource asks for ``Can.MANAGE_LIBRARY`` in its project, or in its organisation
when it has no project.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from jusoor.accounts.access import role_in
from jusoor.accounts.models import Membership, User
from jusoor.accounts.roles import Can, capabilities
from jusoor.library.models import Resource, Visibility
from jusoor.programmes.access import project_capabilities, projects_for_user


def scope_of(user: User) -> tuple[list[int], list[int]]:
    """(organisations the user is a member of, projects the user sees): what beyond public
    resources the user may see."""
    if not user.is_authenticated:
        return [], []
    cached = getattr(user, "_library_scope", None)
    if cached is None:
        org_ids = list(
            Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
        )
        project_ids = list(projects_for_user(user).values_list("pk", flat=True))
        cached = user._library_scope = (sorted(org_ids), sorted(project_ids))  # type: ignore[attr-defined]
    return cached


def visible_q(user: User) -> Q:
    public = Q(visibility=Visibility.PUBLIC)
    if not user.is_authenticated:
        return public
    org_ids, project_ids = scope_of(user)
    return (
        public
        | Q(owner_id__in=org_ids)
        | Q(visibility=Visibility.PROJECT, project_id__in=project_ids)
    )


def visible_resources(user: User) -> QuerySet[Resource]:
    return Resource.objects.filter(visible_q(user))


def resource_capabilities(user: User, resource: Resource) -> frozenset[Can]:
    if resource.project_id is not None:
        return project_capabilities(user, resource.project)
    return capabilities(role_in(user, resource.owner_id))


def get_resource_for_user(request: HttpRequest, pk: int, need: Can | None = None) -> Resource:
    """The resource if the visitor may see it (404 otherwise) and, when ``need`` is given, do that
    to it (403 otherwise)."""
    queryset = Resource.objects.select_related("owner", "project")
    resource = get_object_or_404(queryset, pk=pk)
    if not visible_resources(request.user).filter(pk=pk).exists():
        raise Http404
    if need is not None:
        allowed = resource_capabilities(request.user, resource)
        if Can.VIEW not in allowed and resource.visibility != Visibility.PUBLIC:
            raise Http404
        if need not in allowed:
            raise PermissionDenied
        request.library_capabilities = allowed  # type: ignore[attr-defined]
    return resource
