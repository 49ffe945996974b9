"""Re-encrypting every personal-data value with the current key, and proving nothing was lost.

Rotation: put the new key first in ``JUSOOR_PII_KEY`` (``new,old``), run ``rotate_pii_key``, then
remove the old key. Lookup hashes are rebuilt with the new key in the same pass.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction

from jusoor.core import crypto
from jusoor.core.fields import BlindIndexField, EncryptedTextField


@dataclass
class RotationReport:
    rows: int
    values: int
    resealed: int
    digest_before: str
    digest_after: str

    @property
    def intact(self) -> bool:
        return self.digest_before == self.digest_after


def _personal_fields():  # type: ignore[no-untyped-def]
    for model in apps.get_models():
        encrypted = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        indexes = [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
        if encrypted:
            yield model, encrypted, indexes


# Rows fetched per query. A value can be large (an import file's piece is about 1 MB sealed),
# and a whole chunk is in memory at once.
CHUNK = 100


def _fingerprint(label: str, pk: object, name: str, plain: str) -> tuple[str, str, str, str]:
    """What the digest is made of for one value: its place and a hash of it, so that checking a
    rotation does not hold every personal value in memory at once."""
    return (label, str(pk), name, hashlib.sha256(plain.encode()).hexdigest())


def _digest(rows: list[tuple[str, str, str, str]]) -> str:
    hasher = hashlib.sha256()
    for row in sorted(rows):
        hasher.update(repr(row).encode())
    return hasher.hexdigest()


@transaction.atomic
def rotate_personal_data() -> RotationReport:
    """Reseal every value with the current key; all or nothing."""
    crypto.reset_caches()
    current_key = crypto.keyring()[0]
    before: list[tuple[str, str, str, str]] = []
    rows = values = resealed = 0
    for model, encrypted, indexes in _personal_fields():
        names = [f.attname for f in encrypted]
        for obj in model._base_manager.only("pk", *names).iterator(chunk_size=CHUNK):
            rows += 1
            updates = {}
            for name in names:
                plain = getattr(obj, name)
                if plain in (None, ""):
                    continue
                values += 1
                before.append(_fingerprint(model._meta.label, obj.pk, name, plain))
                updates[name] = plain
            for index in indexes:
                updates[index.attname] = index.hash_of(getattr(obj, index.source))
            if updates:
                model._base_manager.filter(pk=obj.pk).update(**updates)
                resealed += sum(1 for name in names if name in updates)
    after: list[tuple[str, str, str, str]] = []
    for model, encrypted, _indexes in _personal_fields():
        names = [f.attname for f in encrypted]
        for raw in model._base_manager.values_list("pk", *names).iterator(chunk_size=CHUNK):
            pk, *sealed = raw
            for name, token in zip(names, sealed, strict=True):
                if token in (None, ""):
                    continue
                # values_list runs from_db_value, so these are plain again; check the stored
                # form separately below.
                after.append(_fingerprint(model._meta.label, pk, name, token))
    report = RotationReport(rows, values, resealed, _digest(before), _digest(after))
    if not report.intact:
        raise RuntimeError("Re-encryption changed some values; nothing was saved.")
    _check_all_use(current_key)
    return report


def _check_all_use(key_id: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for model, encrypted, _indexes in _personal_fields():
            for field in encrypted:
                cursor.execute(
                    f'SELECT COUNT(*) FROM "{model._meta.db_table}" '  # noqa: S608 (names from models)
                    f'WHERE "{field.column}" <> %s AND "{field.column}" NOT LIKE %s',
                    ["", f"v1.{key_id}.%"],
                )
                stale = cursor.fetchone()[0]
                if stale:
                    raise RuntimeError(
                        f"{stale} values of {model._meta.label}.{field.name} are not sealed with "
                        "the current key; nothing was saved."
                    )
