"""Writing the audit log. Service functions call ``record`` for every change they make."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from jusoor.core.models import AuditEvent


def _client(request: HttpRequest | None) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    # Behind the reverse proxy REMOTE_ADDR is the proxy; the proxy config sets X-Real-IP.
    ip = request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None
    return ip, request.META.get("HTTP_USER_AGENT", "")[:300]


def record(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    request: HttpRequest | None = None,
    organisation: Any = None,
    **data: Any,
) -> AuditEvent:
    """Append one event. ``actor`` is a user, or None for the system (commands, imports)."""
    ip, agent = _client(request)
    if organisation is None and obj is not None:
        organisation = _organisation_of(obj)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=user.get_username() if user else (str(actor) if actor else "system"),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        organisation_id=getattr(organisation, "pk", organisation),
        ip_address=ip,
        user_agent=agent,
        data=data,
    )


def _organisation_of(obj: models.Model) -> Any:
    if obj._meta.label_lower == "accounts.organisation":
        return obj
    for attr in ("organisation", "owner"):
        value = getattr(obj, attr, None)
        if value is not None and hasattr(value, "pk"):
            return value
    project = getattr(obj, "project", None)
    if project is not None:
        return getattr(project, "owner", None)
    return None


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields that differ, as {field: [old, new]}, JSON-safe."""
    return {
        key: [_jsonable(before.get(key)), _jsonable(value)]
        for key, value in after.items()
        if before.get(key) != value
    }


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def _audited_fields(instance: models.Model) -> list[str]:
    return [f.attname for f in instance._meta.concrete_fields if not f.primary_key]


def save_audited(
    actor: Any, instance: models.Model, action: str, request: HttpRequest | None = None
) -> Any:
    """Validate, save and audit one model instance: ``<action>.create`` or ``<action>.update``
    with what changed, field by field. Callers wrap it in their own transaction."""
    fields = _audited_fields(instance)
    before: dict[str, Any] = {}
    if instance.pk:
        before = type(instance).objects.filter(pk=instance.pk).values(*fields).first() or {}
    created = instance.pk is None
    instance.full_clean()
    instance.save()
    after = {name: getattr(instance, name) for name in fields}
    record(
        actor,
        f"{action}.{'create' if created else 'update'}",
        instance,
        request=request,
        changes=changes(before, after),
    )
    return instance
