"""The stakeholder directory's writes and search: validated, saved in a transaction, audited.

Audit entries name a stakeholder by number and office only; phone and e-mail never go into the
log (the changes record says that they changed, not what they became).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from jusoor.accounts.models import Organisation, User
from jusoor.core import audit
from jusoor.engines.arabic import normalise, normalise_name, normalise_phone
from jusoor.people.models import Stakeholder

_DOUBLED = re.compile(r"(.)\1+")
_PLAIN_FIELDS = ["kind", "name", "position", "affiliation", "partner_id", "area_id", "is_active"]
_PERSONAL_FIELDS = ["phone", "email"]


@transaction.atomic
def save_stakeholder(
    actor: User | None, stakeholder: Stakeholder, request: HttpRequest | None = None
) -> Stakeholder:
    created = stakeholder.pk is None
    before: dict = {}
    personal_before: dict = {}
    if not created:
        old = Stakeholder.objects.get(pk=stakeholder.pk)
        before = {name: getattr(old, name) for name in _PLAIN_FIELDS}
        personal_before = {name: getattr(old, name) for name in _PERSONAL_FIELDS}
    elif getattr(actor, "is_authenticated", False) and not stakeholder.created_by_id:
        stakeholder.created_by = actor
    stakeholder.full_clean(exclude=["phone_index"])
    stakeholder.save()
    after = {name: getattr(stakeholder, name) for name in _PLAIN_FIELDS}
    contact_changed = sorted(
        name
        for name in _PERSONAL_FIELDS
        if personal_before.get(name, "") != getattr(stakeholder, name)
    )
    audit.record(
        actor,
        "stakeholder.create" if created else "stakeholder.update",
        stakeholder,
        request=request,
        changes=audit.changes(before, after),
        contact_changed=contact_changed,
    )
    return stakeholder


@transaction.atomic
def set_stakeholder_active(
    actor: User | None, stakeholder: Stakeholder, active: bool, request: HttpRequest | None = None
) -> Stakeholder:
    """Deactivate someone who left office (or bring them back); their meetings stay."""
    if stakeholder.is_active != active:
        stakeholder.is_active = active
        stakeholder.save(update_fields=["is_active"])
        audit.record(
            actor,
            "stakeholder.activate" if active else "stakeholder.deactivate",
            stakeholder,
            request=request,
        )
    return stakeholder


def audit_contact_view(
    actor: User, organisation: Organisation, shown: Iterable[Stakeholder], where: str, request=None
) -> None:
    """One ``pii.view`` event per page that shows stakeholders' phones or e-mails."""
    ids = [s.pk for s in shown if s.phone or s.email]
    if ids:
        audit.record(
            actor,
            "pii.view",
            None,
            request=request,
            organisation=organisation,
            where=where,
            stakeholders=ids[:500],
            count=len(ids),
        )


def _folded(text: str) -> str:
    """Arabic-normalised, name links joined (عبد الله → عبدالله), spaces dropped, and doubled
    letters written once (قائممقام and قائمقام are both written)."""
    return _DOUBLED.sub(r"\1", normalise_name(normalise(text or "")).replace(" ", ""))


def search(
    stakeholders: QuerySet[Stakeholder], query: str, *, by_phone: bool = False
) -> list[Stakeholder]:
    """Stakeholders whose name, position or office hold every word of the query, compared after
    Arabic normalisation (alef and hamza forms, ta marbuta, alef maqsura, diacritics, tatweel,
    "عبد الله" against "عبدالله", قائمقام against قائممقام). With ``by_phone``, a phone number finds its owner."""
    query = (query or "").strip()
    if not query:
        return list(stakeholders)
    if by_phone and normalise_phone(query):
        wanted = Stakeholder._meta.get_field("phone_index").hash_of(query)  # type: ignore[attr-defined]
        return list(stakeholders.filter(phone_index=wanted))
    words = [_folded(w) for w in normalise_name(normalise(query)).split()]
    words = [w for w in words if w]
    found = []
    for stakeholder in stakeholders:
        haystack = _folded(" ".join([stakeholder.name, stakeholder.position, stakeholder.office]))
        if all(word in haystack for word in words):
            found.append(stakeholder)
    return found
