"""The registry's part in erasure and retention (see ``jusoor.core.erasure``).

The person's own record becomes a tombstone in ``services.withdraw_consent``; here the rest:
rows of participant lists still being checked that name the person, and the retention periods of
the registry's data.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _

from jusoor.core.erasure import ANONYMISE, DELETE, Dataset, Subject, register_dataset
from jusoor.core.erasure import register_eraser as _register
from jusoor.people.models import ImportBatch, ImportStatus, Person


def erase(subject: Subject) -> dict[str, int]:
    rows = 0
    for batch in ImportBatch.objects.filter(
        organisation_id=subject.organisation_id, status=ImportStatus.DRAFT
    ):
        data = json.loads(batch.content or "{}")
        kept = [row for row in data.get("rows", []) if not any(map(subject.is_identified_by, row))]
        if len(kept) != len(data.get("rows", [])):
            rows += len(data["rows"]) - len(kept)
            data["rows"] = kept
            ImportBatch.objects.filter(pk=batch.pk).update(
                content=json.dumps(data, ensure_ascii=False)
            )
    return {"import_rows": rows}


def _import_drafts(organisation: Any, cutoff: dt.datetime, dry_run: bool) -> int:
    batches = ImportBatch.objects.filter(organisation=organisation, created_at__lt=cutoff)
    count = batches.count()
    if not dry_run:
        batches.delete()
    return count


def _inactive_people(organisation: Any, cutoff: dt.datetime, dry_run: bool) -> int:
    """People with no registration, attendance, meeting or consent since ``cutoff``."""
    from jusoor.people import services

    people = (
        Person.objects.filter(
            organisation=organisation,
            withdrawn_at__isnull=True,
            merged_into__isnull=True,
            created_at__lt=cutoff,
        )
        .annotate(
            last_consent=Max("consents__given_at"),
            last_registration=Max("registrations__created_at"),
            last_attendance=Max("attendance__at"),
            last_meeting=Max("meetings__date"),
        )
        .filter(
            Q(last_consent__isnull=True) | Q(last_consent__lt=cutoff),
            Q(last_registration__isnull=True) | Q(last_registration__lt=cutoff),
            Q(last_attendance__isnull=True) | Q(last_attendance__lt=cutoff),
            Q(last_meeting__isnull=True) | Q(last_meeting__lt=cutoff.date()),
        )
    )
    if dry_run:
        return people.count()
    count = 0
    for person in list(people):
        services.withdraw_consent(None, person, reason="retention")
        count += 1
    return count


def register() -> None:
    _register("people", erase)
    register_dataset(
        Dataset(
            "people.import_files",
            _("Uploaded participant lists (kept encrypted while they are checked)"),
            DELETE,
            30,
            _import_drafts,
        )
    )
    register_dataset(
        Dataset(
            "people.inactive_participants",
            _("Participants with no activity or consent renewal: erased, counts kept"),
            ANONYMISE,
            None,
            _inactive_people,
        )
    )
