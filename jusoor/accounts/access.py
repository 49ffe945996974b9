"""Who may see and do what, checked in one place.

The rule everywhere: an object of an organisation you have no part in answers 404 (its existence is
not revealed); one you may see but not change answers 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from jusoor.accounts.models import Membership, Organisation, User
from jusoor.accounts.roles import Can, capabilities


def role_in(user: User, organisation: Organisation | int) -> str | None:
    if not user.is_authenticated:
        return None
    org_id = getattr(organisation, "pk", organisation)
    cache = getattr(user, "_jusoor_roles", None)
    if cache is None:
        cache = dict(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
        user._jusoor_roles = cache  # type: ignore[attr-defined]
    return cache.get(org_id)


def organisations_of(user: User) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    return list(Organisation.objects.filter(memberships__user=user).order_by("name_en"))


def get_organisation_for_user(
    request: HttpRequest, slug: str, need: Can = Can.VIEW
) -> tuple[Organisation, str]:
    organisation = Organisation.objects.filter(slug=slug).first()
    role = role_in(request.user, organisation) if organisation else None
    if organisation is None or role is None:
        raise Http404
    if need not in capabilities(role):
        raise PermissionDenied
    return organisation, role
