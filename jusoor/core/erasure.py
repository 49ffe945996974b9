"""Erasing a person everywhere, and keeping each kind of data only as long as it is needed.

Two registries, filled by each app from its own ``erasure.py`` (registered in ``apps.py``):

- **erasers**: ``register_eraser(name, func)``. When a person withdraws consent or asks to be
  deleted, the registry keeps a tombstone (sex, age band, target group, area: what past counts are
  made of) and every eraser removes the rest of the person's traces from its app — rows that were
  linked to the person, and mentions of the person's full name or phone in free text, documents
  and search indexes. One audit event records what each eraser did, in counts only.
- **retention datasets**: ``register_dataset(Dataset(...))``. ``apply_retention`` anonymises or
  deletes, per organisation, what is older than the period set for each dataset (see
  ``retention_days``), and records it in the audit log.

Free text is matched on the *full* name (two words or more, compared after Arabic
normalisation, so همزة and تاء مربوطة variants and diacritics match) and on the phone number in any
spelling. A one-word name is not looked for in free text: it would erase other people's words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from jusoor.engines.arabic import normalise, normalise_phone

REDACTED = "[…]"

# A word with its Arabic marks (harakat, superscript alef, tatweel) kept inside it.
_WORD = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]+")
# Something that may be a phone number: digits (either script) with spaces, dashes, dots, a plus.
_PHONE_LIKE = re.compile(
    r"\+?[0-9\u0660-\u0669\u06f0-\u06f9][0-9\u0660-\u0669\u06f0-\u06f9 \-.]{6,}"
)


def _norm_word(word: str) -> str:
    return normalise(word)


@dataclass(frozen=True)
class Subject:
    """Who is being erased, captured before the registry forgets it. Never stored or logged."""

    organisation_id: int
    person_ids: tuple[int, ...]
    codes: tuple[str, ...]
    names: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()  # normalised (international form)

    @property
    def name_sequences(self) -> list[tuple[str, ...]]:
        sequences = []
        for name in self.names:
            words = tuple(_norm_word(w) for w in _WORD.findall(name or ""))
            words = tuple(w for w in words if w)
            if len(words) >= 2 and words not in sequences:
                sequences.append(words)
        return sequences

    def redact(self, text: str) -> tuple[str, int]:
        """``text`` with the person's full name and phone replaced, and how many were."""
        if not text:
            return text, 0
        spans: list[tuple[int, int]] = []
        sequences = self.name_sequences
        if sequences:
            words = [(m.start(), m.end(), _norm_word(m.group())) for m in _WORD.finditer(text)]
            normal = [w[2] for w in words]
            for sequence in sequences:
                size = len(sequence)
                for i in range(len(words) - size + 1):
                    if tuple(normal[i : i + size]) == sequence:
                        spans.append((words[i][0], words[i + size - 1][1]))
        if self.phones:
            for match in _PHONE_LIKE.finditer(text):
                candidate = match.group().rstrip(" -.")
                if normalise_phone(candidate) in self.phones:
                    spans.append((match.start(), match.start() + len(candidate)))
        if not spans:
            return text, 0
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        pieces, last = [], 0
        for start, end in merged:
            pieces += [text[last:start], REDACTED]
            last = end
        pieces.append(text[last:])
        return "".join(pieces), len(merged)

    def mentioned_in(self, text: str) -> bool:
        return self.redact(text)[1] > 0

    def is_identified_by(self, value: Any) -> bool:
        """True when one cell or answer *is* the person's name or phone, or mentions them."""
        if not isinstance(value, str) or not value.strip():
            return False
        words = " ".join(_norm_word(w) for w in _WORD.findall(value))
        if any(words == " ".join(_norm_word(w) for w in _WORD.findall(n)) for n in self.names):
            return True
        if normalise_phone(value) in self.phones:
            return True
        return self.mentioned_in(value)

    def redact_value(self, value: Any) -> tuple[Any, int]:
        """Redact every string inside a JSON-like value (dicts, lists, strings)."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, list):
            total, out = 0, []
            for item in value:
                new, count = self.redact_value(item)
                out.append(new)
                total += count
            return out, total
        if isinstance(value, dict):
            total, result = 0, {}
            for key, item in value.items():
                new, count = self.redact_value(item)
                result[key] = new
                total += count
            return result, total
        return value, 0


def redact_fields(subject: Subject, queryset: Any, fields: list[str]) -> int:
    """Redact the subject in these text or JSON fields of every row; returns the rows changed.

    Writes with ``update`` on the model's base manager: erasure is not an edit, and leaves no
    ``updated_at`` or history behind.
    """
    changed = 0
    model = queryset.model
    for row in queryset.only("pk", *fields).iterator(chunk_size=500):
        updates = {}
        for name in fields:
            value = getattr(row, name)
            new, count = subject.redact_value(value)
            if count:
                updates[name] = new
        if updates:
            model._base_manager.filter(pk=row.pk).update(**updates)
            changed += 1
    return changed


Eraser = Callable[[Subject], dict[str, int]]
_ERASERS: dict[str, Eraser] = {}


def register_eraser(name: str, eraser: Eraser) -> None:
    """``eraser(subject)`` removes the subject's traces in one app; it returns counts by kind."""
    _ERASERS[name] = eraser


def registered_erasers() -> dict[str, Eraser]:
    return dict(_ERASERS)


def subject_for(person: Any) -> Subject:
    """The subject of an erasure: the person and every record merged into it."""
    records = [person, *person.merged_records.all()]
    phones = []
    for record in records:
        phone = normalise_phone(record.phone) if record.phone else None
        if phone and phone not in phones:
            phones.append(phone)
    return Subject(
        organisation_id=person.organisation_id,
        person_ids=tuple(r.pk for r in records),
        codes=tuple(r.code for r in records),
        names=tuple(dict.fromkeys(r.name for r in records if r.name)),
        phones=tuple(phones),
    )


@dataclass
class ErasureReport:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(sum(c.values()) for c in self.counts.values())


@transaction.atomic
def erase_subject(
    actor: Any, subject: Subject, *, request: HttpRequest | None = None, reason: str = "withdrawal"
) -> ErasureReport:
    """Run every registered eraser for ``subject`` and audit the counts (never the data)."""
    from jusoor.core import audit

    report = ErasureReport()
    for name, eraser in sorted(_ERASERS.items()):
        report.counts[name] = {k: v for k, v in eraser(subject).items() if v}
    audit.record(
        actor,
        "person.erase",
        None,
        request=request,
        organisation=subject.organisation_id,
        people=list(subject.codes),
        reason=reason,
        erased=report.counts,
    )
    return report


# --- retention -------------------------------------------------------------------------------

ANONYMISE = "anonymise"
DELETE = "delete"


@dataclass(frozen=True)
class Dataset:
    """One kind of data with a retention period.

    ``apply(organisation, cutoff, dry_run)`` anonymises or deletes that organisation's rows older
    than ``cutoff`` (all of them when ``dry_run`` is false; none when true) and returns how many
    rows it touched or would touch.
    """

    name: str
    description: Any  # a lazy translation
    action: str  # ANONYMISE or DELETE
    default_days: int | None
    apply: Callable[[Any, dt.datetime, bool], int]


_DATASETS: dict[str, Dataset] = {}


def register_dataset(dataset: Dataset) -> None:
    _DATASETS[dataset.name] = dataset


def registered_datasets() -> dict[str, Dataset]:
    return dict(sorted(_DATASETS.items()))


def retention_days(dataset: Dataset, organisation: Any) -> int | None:
    """Days to keep ``dataset`` for ``organisation``; None keeps it for good.

    ``JUSOOR_RETENTION_DAYS`` ({dataset: days or None}) overrides the defaults for everyone;
    ``JUSOOR_RETENTION_BY_ORGANISATION`` ({organisation slug: {dataset: days or None}}) overrides
    both for one organisation.
    """
    days = dataset.default_days
    general = getattr(settings, "JUSOOR_RETENTION_DAYS", {}) or {}
    if dataset.name in general:
        days = general[dataset.name]
    per_org = (getattr(settings, "JUSOOR_RETENTION_BY_ORGANISATION", {}) or {}).get(
        getattr(organisation, "slug", ""), {}
    )
    if dataset.name in per_org:
        days = per_org[dataset.name]
    return None if days is None else int(days)


@dataclass
class RetentionRow:
    dataset: str
    organisation: str
    action: str
    days: int | None
    cutoff: dt.datetime | None
    count: int


def apply_retention(
    *, dry_run: bool = False, now: dt.datetime | None = None, actor: Any = None
) -> list[RetentionRow]:
    """Apply every dataset's period to every organisation; audit what was done per organisation."""
    from jusoor.accounts.models import Organisation
    from jusoor.core import audit

    now = now or timezone.now()
    rows: list[RetentionRow] = []
    for organisation in Organisation.objects.order_by("slug"):
        done: dict[str, int] = {}
        with transaction.atomic():
            for dataset in registered_datasets().values():
                days = retention_days(dataset, organisation)
                if days is None:
                    rows.append(
                        RetentionRow(dataset.name, organisation.slug, dataset.action, None, None, 0)
                    )
                    continue
                cutoff = now - dt.timedelta(days=days)
                count = dataset.apply(organisation, cutoff, dry_run)
                rows.append(
                    RetentionRow(
                        dataset.name, organisation.slug, dataset.action, days, cutoff, count
                    )
                )
                if count:
                    done[dataset.name] = count
            audit.record(
                actor or "apply_retention",
                "retention.preview" if dry_run else "retention.apply",
                organisation,
                organisation=organisation,
                datasets=done,
            )
    return rows
