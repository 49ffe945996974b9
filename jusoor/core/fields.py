"""Model fields for personal data.

``EncryptedTextField`` keeps a value sealed in the database and plain in Python. It cannot be
filtered on; for equality lookups pair it with a ``BlindIndexField`` that stores a keyed hash of
the normalised value, computed on every save.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from jusoor.core import crypto


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.seal(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return crypto.open_sealed(value)

    def get_lookup(self, lookup_name: str):  # type: ignore[override]
        # Only emptiness checks make sense on ciphertext; anything else would silently match
        # nothing, so refuse it loudly.
        if lookup_name not in {"isnull", "exact"}:
            return None
        return super().get_lookup(lookup_name)


def _identity(value: str) -> str:
    return value.strip()


class BlindIndexField(models.CharField):
    """Keyed hash of another field's normalised value, refreshed on save."""

    def __init__(
        self,
        *args: Any,
        source: str = "",
        normaliser: Callable[[str], str | None] = _identity,
        **kwargs: Any,
    ) -> None:
        self.source = source
        self.normaliser = normaliser
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):  # type: ignore[no-untyped-def]
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key in ("blank", "default", "editable", "db_index"):
            kwargs.pop(key, None)
        if kwargs.get("max_length") == 64:
            kwargs.pop("max_length")
        return name, path, args, kwargs

    def hash_of(self, raw: str | None) -> str:
        normalised = self.normaliser(raw) if raw else None
        return crypto.blind_index(normalised) if normalised else ""

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = self.hash_of(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value
