"""The audit log: who did what to which object, when, and from where."""

from __future__ import annotations

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jusoor.core.chain import event_hash


class AuditEvent(models.Model):
    """One line of the append-only audit log.

    Rows are only ever inserted: ``save`` refuses updates, ``delete`` refuses, and database
    triggers (see the migration) refuse UPDATE and DELETE from any other path too.
    """

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    organisation_id = models.BigIntegerField(
        _("organisation"), null=True, blank=True, db_index=True
    )
    ip_address = models.GenericIPAddressField(_("from"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    # Each event seals the one before it: changing or removing any past event breaks the chain
    # from there on, which `verify_audit_chain` reports.
    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
        )

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise PermissionError("Audit events cannot be changed.")
        with transaction.atomic():
            _lock_chain()
            self.created_at = self.created_at or timezone.now()
            self.previous_hash = (
                AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or ""
            )
            self.hash = self.compute_hash()
            super().save(*args, **kwargs)

    def compute_hash(self) -> str:
        return event_hash(self)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("Audit events cannot be deleted.")


def _lock_chain() -> None:
    """One writer at a time extends the chain (SQLite already serialises writers)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(72917043)")


def verify_chain() -> tuple[int, AuditEvent | None]:
    """Return (events checked, first event whose seal does not hold, or None)."""
    previous = ""
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if event.previous_hash != previous or event.compute_hash() != event.hash:
            return checked, event
        previous = event.hash
    return checked, None
