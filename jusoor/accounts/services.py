"""Changes to organisations and memberships, each recorded in the audit log."""

from __future__ import annotations

from django.db import transaction

from jusoor.accounts.models import Membership, Organisation, User
from jusoor.core import audit


@transaction.atomic
def add_member(
    actor: User | None, organisation: Organisation, user: User, role: str, request=None
) -> Membership:  # type: ignore[no-untyped-def]
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    old = None if created else membership.role
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    if created or old != role:
        audit.record(
            actor,
            "membership.role_set",
            membership,
            request=request,
            organisation=organisation,
            user=user.username,
            role=[old, role],
        )
    return membership


@transaction.atomic
def remove_member(actor: User, membership: Membership, request=None) -> None:  # type: ignore[no-untyped-def]
    audit.record(
        actor,
        "membership.remove",
        membership,
        request=request,
        organisation=membership.organisation,
        user=membership.user.username,
        role=membership.role,
    )
    membership.delete()


def set_language(user: User, language: str) -> None:
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


@transaction.atomic
def update_phone(actor: User, user: User, phone: str, request=None) -> None:  # type: ignore[no-untyped-def]
    user.phone = phone
    user.save(update_fields=["phone", "phone_hash"])
    audit.record(actor, "user.phone_change", user, request=request)


@transaction.atomic
def save_organisation(actor: User, organisation: Organisation, request=None) -> Organisation:  # type: ignore[no-untyped-def]
    return audit.save_audited(actor, organisation, "organisation", request)
