"""Access to the reports app's own objects, and project access for API tokens.

Same rule as everywhere: another organisation's object answers 404, too little role 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from jusoor.accounts.access import role_in
from jusoor.accounts.roles import Can, capabilities
from jusoor.programmes.models import Project
from jusoor.reports.models import ApiToken


def get_token_for_user(request: HttpRequest, pk: int, need: Can = Can.MANAGE_MEMBERS) -> ApiToken:
    token = get_object_or_404(ApiToken.objects.select_related("organisation"), pk=pk)
    role = role_in(request.user, token.organisation_id)
    if role is None:
        raise Http404
    if need not in capabilities(role):
        raise PermissionDenied
    return token


def token_project_capabilities(token: ApiToken, project: Project) -> frozenset[Can]:
    """What a token may do on a project: its role in the owner, or its role cut down to what a
    share with its organisation allows (as for a partner's member in the workspace)."""
    own = capabilities(token.role)
    if project.owner_id == token.organisation_id:
        return own
    allowed: set[Can] = set()
    for share in project.participants.all():
        if share.access_role and share.organisation_id == token.organisation_id:
            allowed |= own & capabilities(share.access_role)
    return frozenset(allowed)


def projects_for_token(token: ApiToken):  # type: ignore[no-untyped-def]
    from django.db.models import Q

    return Project.objects.filter(
        Q(owner_id=token.organisation_id)
        | Q(participants__organisation_id=token.organisation_id, participants__access_role__gt="")
    ).distinct()


def check_token(token: ApiToken, project: Project, need: Can = Can.VIEW) -> frozenset[Can]:
    allowed = token_project_capabilities(token, project)
    if Can.VIEW not in allowed:
        raise Http404
    if need not in allowed:
        raise PermissionDenied
    return allowed
