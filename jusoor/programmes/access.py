"""Access to projects and everything that hangs from them.

A member of the owning organisation acts with their role. A member of a partner organisation to
which the project is shared acts with what both their role and the share allow.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from jusoor.accounts.access import role_in
from jusoor.accounts.models import User
from jusoor.accounts.roles import Can, capabilities
from jusoor.programmes.models import Indicator, Programme, Project, ReportingPeriod, ResultNode


def project_capabilities(user: User, project: Project) -> frozenset[Can]:
    role = role_in(user, project.owner_id)
    if role:
        return capabilities(role)
    allowed: set[Can] = set()
    for share in project.participants.all():
        if share.access_role:
            member_role = role_in(user, share.organisation_id)
            if member_role:
                allowed |= capabilities(member_role) & capabilities(share.access_role)
    return frozenset(allowed)


def projects_for_user(user: User) -> QuerySet[Project]:
    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(
        Q(owner__memberships__user=user)
        | Q(participants__organisation__memberships__user=user, participants__access_role__gt="")
    ).distinct()


def _check(user: User, project: Project, need: Can) -> frozenset[Can]:
    allowed = project_capabilities(user, project)
    if Can.VIEW not in allowed:
        raise Http404
    if need not in allowed:
        raise PermissionDenied
    return allowed


def get_project_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Project:
    project = get_object_or_404(Project.objects.select_related("owner", "programme"), pk=pk)
    request.project_capabilities = _check(request.user, project, need)  # type: ignore[attr-defined]
    return project


def get_node_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> ResultNode:
    node = get_object_or_404(ResultNode.objects.select_related("project"), pk=pk)
    request.project_capabilities = _check(request.user, node.project, need)  # type: ignore[attr-defined]
    return node


def get_indicator_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Indicator:
    indicator = get_object_or_404(Indicator.objects.select_related("node__project"), pk=pk)
    request.project_capabilities = _check(request.user, indicator.node.project, need)  # type: ignore[attr-defined]
    return indicator


def get_period_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> ReportingPeriod:
    period = get_object_or_404(ReportingPeriod.objects.select_related("project"), pk=pk)
    request.project_capabilities = _check(request.user, period.project, need)  # type: ignore[attr-defined]
    return period


def require(request: HttpRequest, need: Can) -> None:
    if need not in getattr(request, "project_capabilities", frozenset()):
        raise PermissionDenied


def get_programme_for_user(request: HttpRequest, slug: str, need: Can = Can.VIEW) -> Programme:
    """A programme is seen by its lead organisation and by whoever sees one of its projects;
    only the lead organisation changes it."""
    programme = get_object_or_404(Programme.objects.select_related("owner"), slug=slug)
    role = role_in(request.user, programme.owner_id)
    allowed = capabilities(role)
    if not allowed and not projects_for_user(request.user).filter(programme=programme).exists():
        raise Http404
    if need not in allowed and need != Can.VIEW:
        raise PermissionDenied
    return programme
