"""The audit log: who did what to which object, when, and from where."""

from __future__ import annotations

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jusoor.core import sealer
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
    # from there on, which `verify_chain` reports. The chain runs in `sealed_seq` order. Events are
    # sealed just after their own transaction commits (`seal_pending`, called as `core.sealer`
    # says), so that concurrent writers do not queue on one lock until their commits reach disk.
    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    sealed_seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(
                fields=["id"], condition=Q(sealed_seq__isnull=True), name="core_audit_unsealed"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
        )

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise PermissionError("Audit events cannot be changed.")
        self.created_at = self.created_at or timezone.now()
        if connection.vendor == "sqlite":
            # SQLite lets one writer in at a time (transactions begin IMMEDIATE): the event is
            # sealed as it is written, after the last sealed one, and nobody waits longer.
            with transaction.atomic():
                self.sealed_seq, self.previous_hash = _chain_head()
                self.sealed_seq += 1
                self.hash = self.compute_hash()
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)
        # Sealed after the commit (core.sealer); failing to seal must not undo the work this
        # event records (the next sealer, the worker or a check seals it).
        transaction.on_commit(sealer.after_commit, robust=True)

    def compute_hash(self) -> str:
        return event_hash(self)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("Audit events cannot be deleted.")


SEAL_BATCH = 2000
SEAL_ROUNDS = 5


def _try_lock_chain() -> bool:
    """Whether this transaction may extend the chain. PostgreSQL: one sealer at a time, and a
    busy sealer is not waited for (it seals what it finds, and looks again when it is done).
    SQLite already lets only one writer in.

    The sealing transaction does not wait for its commit to reach the disk: a seal lost in a
    crash leaves its events unsealed, and the next sealer seals them again from the last seal
    that did reach the disk (a later commit that waits for the disk takes earlier ones with it).
    """
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(72917043), "
            "set_config('synchronous_commit', 'off', true)"
        )
        return bool(cursor.fetchone()[0])


def _table() -> str:
    return connection.ops.quote_name(AuditEvent._meta.db_table)


# Written as SQL: these run for every event, and the queryset equivalents cost more to build
# than the database takes to answer them.
def _chain_head() -> tuple[int, str]:
    """The position and seal of the last sealed event; (0, "") before the first."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sealed_seq, hash FROM {_table()} WHERE sealed_seq IS NOT NULL "  # noqa: S608 (names from models)
            "ORDER BY sealed_seq DESC LIMIT 1"
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else (0, "")


def _any_unsealed() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {_table()} WHERE sealed_seq IS NULL LIMIT 1")  # noqa: S608
        return cursor.fetchone() is not None


def _write_seals(batch: list[AuditEvent]) -> None:
    """One UPDATE for the batch (id, previous hash, hash, position in VALUES' column1 to 4);
    the database triggers accept it once per event."""
    row = (
        "(CAST(%s AS bigint), CAST(%s AS varchar(64)), CAST(%s AS varchar(64)), CAST(%s AS bigint))"
    )
    params = [v for e in batch for v in (e.pk, e.previous_hash, e.hash, e.sealed_seq)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table()} AS e SET previous_hash = v.column2, hash = v.column3, "  # noqa: S608
            f"sealed_seq = v.column4 FROM (VALUES {', '.join([row] * len(batch))}) AS v "
            "WHERE e.id = v.column1",
            params,
        )


def seal_pending() -> int:
    """Seal the committed events that have no seal yet, oldest first, after the last sealed
    one. Returns how many were sealed.

    If another process is sealing, this returns at once: that process looks for unsealed events
    again after releasing the chain, so an event committed before this call is not left behind.
    Under sustained load a sealer stops after ``SEAL_ROUNDS`` batches and the next one goes on.
    """
    sealed = 0
    for _round in range(SEAL_ROUNDS):
        with transaction.atomic():
            if not _try_lock_chain():
                return sealed
            batch = list(
                AuditEvent.objects.filter(sealed_seq__isnull=True).order_by("id")[:SEAL_BATCH]
            )
            if batch:
                position, previous = _chain_head()
                for event in batch:
                    position += 1
                    event.previous_hash = previous
                    event.hash = event.compute_hash()
                    event.sealed_seq = position
                    previous = event.hash
                _write_seals(batch)
                sealed += len(batch)
        # Looked at after the chain is released: an event committed while it was held is seen.
        if not _any_unsealed():
            break
    return sealed


def verify_chain() -> tuple[int, AuditEvent | None]:
    """Return (events checked, first event whose seal does not hold, or None). Events still
    waiting for their seal are sealed first."""
    seal_pending()
    previous = ""
    checked = 0
    sealed = AuditEvent.objects.filter(sealed_seq__isnull=False).order_by("sealed_seq")
    for event in sealed.iterator(chunk_size=2000):
        checked += 1
        if (
            event.sealed_seq != checked
            or event.previous_hash != previous
            or event.compute_hash() != event.hash
        ):
            return checked, event
        previous = event.hash
    return checked, None
