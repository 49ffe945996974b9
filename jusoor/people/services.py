"""Every change to the registry: validated, saved inside a transaction, audited.

Audit entries name people by their code only; personal data never goes into the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jusoor.accounts.models import Organisation, User
from jusoor.core import audit, erasure
from jusoor.engines.arabic import find_duplicates, latin_key
from jusoor.people.models import (
    Consent,
    DuplicateSuggestion,
    Merge,
    Person,
    SuggestionStatus,
    age_band_for,
)

_PLAIN_FIELDS = [
    "sex",
    "birth_year",
    "age_band",
    "target_group",
    "affiliation",
    "disability",
    "displacement",
    "area_id",
]


@transaction.atomic
def save_person(
    actor: User | None, person: Person, request: HttpRequest | None = None, **consent: bool
) -> Person:
    """Create or update a person; a new person needs consent to take part."""
    created = person.pk is None
    if person.withdrawn_at:
        raise ValidationError(_("This person withdrew consent; the record cannot be changed."))
    if person.merged_into_id:
        raise ValidationError(
            _("This record was merged; edit %(code)s instead.") % {"code": person.merged_into.code}
        )
    before = {}
    if not created:
        before = Person.objects.filter(pk=person.pk).values(*_PLAIN_FIELDS).first() or {}
        old_year = before.get("birth_year")
        if person.birth_year and person.birth_year != old_year:
            person.age_band = age_band_for(timezone.now().year - person.birth_year)
    elif person.birth_year and not person.age_band:
        person.age_band = age_band_for(timezone.now().year - person.birth_year)
    if created and not person.created_by_id and getattr(actor, "is_authenticated", False):
        person.created_by = actor
    person.full_clean(exclude=["code", "phone_index"])
    person.save()
    after = {name: getattr(person, name) for name in _PLAIN_FIELDS}
    audit.record(
        actor,
        "person.create" if created else "person.update",
        person,
        request=request,
        changes=audit.changes(before, after),
    )
    if consent:
        record_consent(actor, person, request=request, **consent)
    return person


@transaction.atomic
def record_consent(
    actor: User | None,
    person: Person,
    *,
    participation: bool = True,
    photos: bool = False,
    follow_up: bool = False,
    channel: str = "",
    request: HttpRequest | None = None,
) -> Consent:
    if person.withdrawn_at:
        raise ValidationError(_("This person withdrew consent; record a new person instead."))
    if not participation:
        raise ValidationError(
            _("Without consent to take part nobody can be registered. Use “withdraw consent”.")
        )
    consent = Consent.objects.create(
        person=person,
        participation=participation,
        photos=photos,
        follow_up=follow_up,
        channel=channel,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor,
        "person.consent",
        person,
        request=request,
        participation=participation,
        photos=photos,
        follow_up=follow_up,
    )
    return consent


@transaction.atomic
def withdraw_consent(
    actor: User | None,
    person: Person,
    request: HttpRequest | None = None,
    reason: str = "withdrawal",
) -> Person:
    """Erase the person's personal data everywhere and keep a tombstone for the counts.

    Sex, age band, target group and area stay (they are what past figures are made of and do not
    identify anyone on their own); name, phone, address, birth year and affiliation go, and so do
    the duplicate suggestions that paired the person with someone. Every app's eraser then
    removes the person's other traces (``jusoor.core.erasure``).
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.withdrawn_at:
        return person
    subject = erasure.subject_for(person)
    for record in [person, *person.merged_records.all()]:
        record.name = ""
        record.phone = ""
        record.address = ""
        record.affiliation = ""
        record.birth_year = None
        record.withdrawn_at = timezone.now()
        record.save()
        DuplicateSuggestion.objects.filter(Q(left=record) | Q(right=record)).delete()
    Consent.objects.create(
        person=person,
        participation=False,
        photos=False,
        follow_up=False,
        withdrawn=True,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(actor, "person.withdraw", person, request=request)
    erasure.erase_subject(actor, subject, request=request, reason=reason)
    return person


def audit_personal_data_view(
    actor: User, organisation: Organisation, people: Iterable[Person], where: str, request=None
) -> None:
    """One ``pii.view`` event per page that shows names, phones or addresses."""
    codes = [p.code for p in people]
    if codes:
        audit.record(
            actor,
            "pii.view",
            None,
            request=request,
            organisation=organisation,
            where=where,
            people=codes[:500],
            count=len(codes),
        )


# --- deduplication ---------------------------------------------------------------------------


def engine_record(person: Person, record_id: str | None = None) -> dict[str, str]:
    return {
        "record_id": record_id or str(person.pk),
        "name": person.name or "",
        "phone": person.phone or "",
        "birth_year": str(person.birth_year or ""),
        "sex": person.sex or "",
        "area": person.area.pcode if person.area_id else "",
    }


def reasons_for(left: Person, right: Person) -> list[str]:
    """What the two records share, as codes the review page explains."""
    reasons = []
    if left.phone_index and left.phone_index == right.phone_index:
        reasons.append("same_phone")
    if left.name and right.name:
        if latin_key(left.name) == latin_key(right.name):
            reasons.append("same_name_spelling")
        else:
            reasons.append("similar_name")
    if left.birth_year and left.birth_year == right.birth_year:
        reasons.append("same_birth_year")
    elif left.birth_year and right.birth_year:
        reasons.append("close_birth_year")
    if left.area_id and left.area_id == right.area_id:
        reasons.append("same_area")
    if left.sex and left.sex == right.sex:
        reasons.append("same_sex")
    return reasons


def active_people(organisation: Organisation):  # type: ignore[no-untyped-def]
    return Person.objects.filter(
        organisation=organisation, merged_into__isnull=True, withdrawn_at__isnull=True
    ).select_related("area")


@transaction.atomic
def find_duplicate_suggestions(
    actor: User | None, organisation: Organisation, request: HttpRequest | None = None
) -> int:
    """Run the matcher over the organisation's registry; queue pairs not decided before.

    Returns the number of new suggestions. Pairs already rejected stay rejected.
    """
    people = {str(p.pk): p for p in active_people(organisation)}
    result = find_duplicates([engine_record(p) for p in people.values()])
    likely = {(p.left, p.right) for p in result.matches}
    created = 0
    for pair in [*result.matches, *result.review]:
        a, b = people[pair.left], people[pair.right]
        if a.pk > b.pk:
            a, b = b, a
        suggestion, new = DuplicateSuggestion.objects.get_or_create(
            left=a,
            right=b,
            defaults={
                "organisation": organisation,
                "score": pair.score,
                "likely": (pair.left, pair.right) in likely,
                "reasons": reasons_for(a, b),
            },
        )
        if new:
            created += 1
        elif suggestion.status == SuggestionStatus.PENDING:
            suggestion.score = pair.score
            suggestion.reasons = reasons_for(a, b)
            suggestion.save(update_fields=["score", "reasons"])
    audit.record(
        actor,
        "people.dedup_run",
        organisation,
        request=request,
        people=len(people),
        new_suggestions=created,
    )
    return created


def _merge_conflicts(survivor: Person, merged: Person) -> list[str]:
    """Activities both records attended: merging them would count one person twice at once."""
    from jusoor.events.models import Attendance, Meeting, Registration

    problems = []
    sessions = Attendance.objects.filter(person=survivor).values("session_id")
    for attendance in Attendance.objects.filter(person=merged, session__in=sessions).select_related(
        "session__event"
    ):
        session = attendance.session
        problems.append(
            _(
                "Both attended the session “%(session)s” of %(event)s at the same time "
                "(%(when)s), so they cannot be one person."
            )
            % {
                "session": session.topic,
                "event": session.event,
                "when": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    for meeting in Meeting.objects.filter(attendees=survivor).filter(attendees=merged):
        problems.append(
            _("Both attended the meeting “%(meeting)s” on %(date)s, so they cannot be one person.")
            % {"meeting": meeting.title, "date": meeting.date.isoformat()}
        )
    events = Registration.objects.filter(person=survivor).values("event_id")
    for registration in Registration.objects.filter(person=merged, event__in=events).select_related(
        "event"
    ):
        if not problems:
            problems.append(
                _(
                    "Both are registered for %(event)s. Cancel one of the two registrations "
                    "first, then merge."
                )
                % {"event": registration.event}
            )
    return problems


@transaction.atomic
def merge_people(
    actor: User | None,
    survivor: Person,
    merged: Person,
    *,
    suggestion: DuplicateSuggestion | None = None,
    request: HttpRequest | None = None,
) -> Merge:
    """Fold ``merged`` into ``survivor``: its attendance, registrations and meetings move over."""
    from jusoor.events.models import Attendance, Meeting, Registration

    locked = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])
    }
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    if survivor.pk == merged.pk:
        raise ValidationError(_("A record cannot be merged with itself."))
    if survivor.organisation_id != merged.organisation_id:
        raise ValidationError(_("Only records of the same organisation can be merged."))
    if not (survivor.is_active and merged.is_active):
        raise ValidationError(_("One of the two records was already merged or withdrawn."))
    problems = _merge_conflicts(survivor, merged)
    if problems:
        raise ValidationError(problems)
    moved: dict[str, Any] = {
        "attendance": list(Attendance.objects.filter(person=merged).values_list("pk", flat=True)),
        "registrations": list(
            Registration.objects.filter(person=merged).values_list("pk", flat=True)
        ),
        "meetings": list(Meeting.objects.filter(attendees=merged).values_list("pk", flat=True)),
    }
    Attendance.objects.filter(pk__in=moved["attendance"]).update(person=survivor)
    Registration.objects.filter(pk__in=moved["registrations"]).update(person=survivor)
    for meeting in Meeting.objects.filter(pk__in=moved["meetings"]):
        meeting.attendees.remove(merged)
        meeting.attendees.add(survivor)
    # Fill gaps in the survivor from the merged record; remember which, to undo.
    filled = []
    for field in ("phone", "address", "birth_year", "sex", "target_group", "affiliation"):
        if not getattr(survivor, field) and getattr(merged, field):
            setattr(survivor, field, getattr(merged, field))
            filled.append(field)
    if not survivor.area_id and merged.area_id:
        survivor.area_id = merged.area_id
        filled.append("area_id")
    moved["filled"] = filled
    survivor.save()
    merged.merged_into = survivor
    merged.save(update_fields=["merged_into"])
    if suggestion is None:
        a, b = sorted([survivor, merged], key=lambda p: p.pk)
        suggestion = DuplicateSuggestion.objects.filter(left=a, right=b).first()
    if suggestion is not None:
        suggestion.status = SuggestionStatus.CONFIRMED
        suggestion.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        suggestion.decided_at = timezone.now()
        suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    merge = Merge.objects.create(
        organisation_id=survivor.organisation_id,
        survivor=survivor,
        merged=merged,
        suggestion=suggestion,
        moved=moved,
        merged_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor,
        "person.merge",
        survivor,
        request=request,
        merged=merged.code,
        moved={k: len(v) for k, v in moved.items()},
    )
    return merge


@transaction.atomic
def undo_merge(actor: User | None, merge: Merge, request: HttpRequest | None = None) -> Merge:
    from jusoor.events.models import Attendance, Meeting, Registration

    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise ValidationError(_("This merge was already undone."))
    survivor, merged = merge.survivor, merge.merged
    if survivor.withdrawn_at:
        raise ValidationError(_("The person withdrew consent since; there is nothing to restore."))
    if Merge.objects.filter(survivor=merged, undone_at__isnull=True).exists() or (
        survivor.merged_into_id
    ):
        raise ValidationError(_("Undo the later merges of these records first."))
    moved = merge.moved
    Attendance.objects.filter(pk__in=moved.get("attendance", []), person=survivor).update(
        person=merged
    )
    Registration.objects.filter(pk__in=moved.get("registrations", []), person=survivor).update(
        person=merged
    )
    for meeting in Meeting.objects.filter(pk__in=moved.get("meetings", [])):
        # Merges are refused when both attended a meeting, so the survivor was not there before.
        meeting.attendees.remove(survivor)
        meeting.attendees.add(merged)
    for field in moved.get("filled", []):
        setattr(survivor, field, None if field in ("birth_year", "area_id") else "")
    survivor.save()
    merged.merged_into = None
    merged.save(update_fields=["merged_into"])
    if merge.suggestion_id:
        DuplicateSuggestion.objects.filter(pk=merge.suggestion_id).update(
            status=SuggestionStatus.PENDING, decided_by=None, decided_at=None
        )
    merge.undone_at = timezone.now()
    merge.undone_by = actor if getattr(actor, "is_authenticated", False) else None
    merge.save(update_fields=["undone_at", "undone_by"])
    audit.record(actor, "person.merge_undo", survivor, request=request, merged=merged.code)
    return merge


@transaction.atomic
def reject_suggestion(
    actor: User | None, suggestion: DuplicateSuggestion, request: HttpRequest | None = None
) -> DuplicateSuggestion:
    suggestion.status = SuggestionStatus.REJECTED
    suggestion.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        actor,
        "person.not_duplicate",
        suggestion.left,
        request=request,
        other=suggestion.right.code,
    )
    return suggestion
