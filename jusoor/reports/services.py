"""Every write of the reports app — API tokens, donor-report versions, audited exports."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jusoor.accounts.models import Organisation, User
from jusoor.accounts.roles import Role
from jusoor.core import audit
from jusoor.core.crypto import blind_index
from jusoor.programmes.models import ReportingPeriod
from jusoor.reports.models import ApiToken, DonorReport, DonorReportVersion, ReportLanguage

TOKEN_PREFIX = "jsr_"  # noqa: S105 (a visible prefix, not a secret)
WRITTEN_SECTIONS = ("challenges", "lessons", "next_steps")


def hash_key(key: str) -> str:
    return blind_index(key.strip())


@transaction.atomic
def create_token(
    actor: User,
    organisation: Organisation,
    name: str,
    role: str,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Make a token and return it with its key; the key is never stored and never shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name that says who uses it.")})
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role for the token.")})
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name,
        role=role,
        key_hash=hash_key(key),
        prefix=key[:10],
        created_by=actor,
    )
    audit.record(actor, "api_token.create", token, request=request, role=role, name=name)
    return token, key


@transaction.atomic
def revoke_token(actor: User, token: ApiToken, request: HttpRequest | None = None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "api_token.revoke", token, request=request)
    return token


def token_for_key(key: str) -> ApiToken | None:
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("organisation", "created_by")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is not None:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def record_export(
    actor: Any, kind: str, obj: Any, request: HttpRequest | None = None, **data: Any
) -> None:
    audit.record(actor, f"export.{kind}", obj, request=request, **data)


@transaction.atomic
def save_sections(
    actor: User,
    period: ReportingPeriod,
    language: str,
    sections: dict[str, str],
    request: HttpRequest | None = None,
) -> DonorReportVersion | None:
    """Save what people wrote as a new version; nothing is saved when nothing changed."""
    if language not in ReportLanguage.values:
        raise ValidationError({"language": _("Choose Arabic or English.")})
    report, _created = DonorReport.objects.get_or_create(period=period, language=language)
    report = DonorReport.objects.select_for_update().get(pk=report.pk)
    latest = report.latest()
    cleaned = {name: (sections.get(name) or "").strip() for name in WRITTEN_SECTIONS}
    if latest is not None and all(getattr(latest, n) == v for n, v in cleaned.items()):
        return None
    version = DonorReportVersion.objects.create(
        report=report,
        number=(latest.number + 1) if latest else 1,
        author=actor if actor and actor.pk else None,
        **cleaned,
    )
    audit.record(
        actor,
        "donor_report.version.create",
        version,
        request=request,
        organisation=period.project.owner,
        period=period.label,
        language=language,
        number=version.number,
    )
    return version
