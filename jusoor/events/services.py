"""Every change to meetings and events: validated, saved in a transaction, audited.

Registration locks the event row while it counts places, so that two people registering at once
cannot oversell a quota; check-in writes with one conditional update (only while the code is not
checked in yet), so that two doors scanning one code count it once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jusoor.accounts.models import Organisation, User
from jusoor.core import audit, writelock
from jusoor.engines.arabic import latin_key, to_western_digits
from jusoor.events.models import (
    Attendance,
    Commitment,
    CommitmentUpdate,
    Event,
    Feedback,
    Meeting,
    Quota,
    Registration,
    RegistrationStatus,
    Session,
    TextReview,
)
from jusoor.people import services as people
from jusoor.people.models import Person, Stakeholder


@transaction.atomic
def save(actor: User | None, instance: Any, action: str, request: HttpRequest | None = None) -> Any:
    """Validate, save and audit one model instance (what changed, field by field)."""
    return audit.save_audited(actor, instance, action, request)


def save_event(actor: User | None, event: Event, request=None) -> Event:  # type: ignore[no-untyped-def]
    if event.end_date and event.start_date and event.end_date < event.start_date:
        raise ValidationError({"end_date": _("The last day is before the first day.")})
    return save(actor, event, "event", request)


def save_session(actor: User | None, session: Session, request=None) -> Session:  # type: ignore[no-untyped-def]
    if session.ends_at <= session.starts_at:
        raise ValidationError({"ends_at": _("The session ends before it starts.")})
    day = timezone.localtime(session.starts_at).date()
    if not session.event.start_date <= day <= session.event.end_date:
        raise ValidationError(
            {
                "starts_at": _("The session is not on a day of the event (%(first)s – %(last)s).")
                % {"first": session.event.start_date, "last": session.event.end_date}
            }
        )
    return save(actor, session, "event.session", request)


@transaction.atomic
def set_quotas(
    actor: User | None, event: Event, places: dict[str, int | None], request=None
) -> None:  # type: ignore[no-untyped-def]
    for group, count in places.items():
        if count is None:
            Quota.objects.filter(event=event, target_group=group).delete()
        else:
            Quota.objects.update_or_create(
                event=event, target_group=group, defaults={"places": count}
            )
    audit.record(
        actor,
        "event.quotas",
        event,
        request=request,
        quotas={k: v for k, v in places.items() if v is not None},
    )


# --- meetings ------------------------------------------------------------------------------


@transaction.atomic
def add_meeting_attendees(
    actor: User | None, meeting: Meeting, codes: list[str], request=None
) -> list[Person]:  # type: ignore[no-untyped-def]
    wanted = {normalise_code(c, prefix="P-") for c in codes if c.strip()}
    found = list(people.active_people(meeting.organisation).filter(code__in=wanted))
    missing = wanted - {p.code for p in found}
    if missing:
        raise ValidationError(
            _("No participant of this organisation has the code %(codes)s.")
            % {"codes": ", ".join(sorted(missing))}
        )
    meeting.attendees.add(*found)
    audit.record(
        actor, "meeting.attendees", meeting, request=request, added=[p.code for p in found]
    )
    return found


@transaction.atomic
def add_meeting_stakeholders(
    actor: User | None, meeting: Meeting, stakeholders: list[Stakeholder], request=None
) -> list[Stakeholder]:  # type: ignore[no-untyped-def]
    """People from the stakeholder directory who were at the meeting (not counted in reach)."""
    for stakeholder in stakeholders:
        if stakeholder.organisation_id != meeting.organisation_id:
            raise ValidationError(_("This stakeholder is in another organisation's directory."))
        if not stakeholder.is_active:
            raise ValidationError(
                _("%(name)s is no longer active in the directory.") % {"name": stakeholder.name}
            )
    meeting.stakeholders.add(*stakeholders)
    audit.record(
        actor,
        "meeting.stakeholders",
        meeting,
        request=request,
        added=[s.pk for s in stakeholders],
    )
    return stakeholders


@transaction.atomic
def remove_meeting_stakeholder(
    actor: User | None, meeting: Meeting, stakeholder: Stakeholder, request=None
) -> None:  # type: ignore[no-untyped-def]
    meeting.stakeholders.remove(stakeholder)
    audit.record(actor, "meeting.stakeholders", meeting, request=request, removed=[stakeholder.pk])


# --- registration --------------------------------------------------------------------------


def normalise_code(text: str, prefix: str = "") -> str:
    """A code as typed or scanned: any case, Arabic digits, spaces, or the whole check-in URL."""
    text = to_western_digits(text or "").strip()
    if found := re.search(r"[?&]code=([A-Za-z0-9-]+)", text):
        text = found.group(1)
    text = re.sub(r"[^A-Za-z0-9-]", "", text).upper()
    if prefix and not text.startswith(prefix):
        text = prefix + text.removeprefix(prefix.rstrip("-"))
    return text


def _status_for(event: Event, person: Person, is_guest: bool) -> str:
    """Confirmed while there is room in the person's quota and the event; else waiting."""
    if is_guest:
        return RegistrationStatus.CONFIRMED
    confirmed = Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED, is_guest=False
    )
    if event.capacity is not None and confirmed.count() >= event.capacity:
        return RegistrationStatus.WAITING
    quota = Quota.objects.filter(event=event, target_group=person.target_group).first()
    if quota and confirmed.filter(person__target_group=person.target_group).count() >= quota.places:
        return RegistrationStatus.WAITING
    return RegistrationStatus.CONFIRMED


@transaction.atomic
def register(
    actor: User | None,
    event: Event,
    person: Person,
    *,
    is_guest: bool = False,
    guest_of: Organisation | None = None,
    walk_in: bool = False,
    request: HttpRequest | None = None,
) -> tuple[Registration, bool]:
    """Register a person; returns the registration and whether it is new.

    The event row is locked first, so concurrent registrations are counted one after another.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if person.organisation_id != event.organisation_id:
        raise ValidationError(_("This person is in another organisation's registry."))
    existing = Registration.objects.filter(event=event, person=person).first()
    if existing and existing.status != RegistrationStatus.CANCELLED:
        return existing, False
    status = _status_for(event, person, is_guest)
    if existing:
        registration = existing
        registration.status = status
        registration.is_guest, registration.guest_of, registration.walk_in = (
            is_guest,
            guest_of,
            walk_in,
        )
        registration.save()
    else:
        registration = Registration.objects.create(
            event=event,
            person=person,
            status=status,
            is_guest=is_guest,
            guest_of=guest_of,
            walk_in=walk_in,
        )
    audit.record(
        actor,
        "event.register",
        event,
        request=request,
        person=person.code,
        status=status,
        guest=is_guest,
        walk_in=walk_in,
    )
    return registration, True


def find_or_create_person(
    actor: User | None,
    organisation: Organisation,
    data: dict[str, Any],
    *,
    channel: str,
    request: HttpRequest | None = None,
) -> Person:
    """The registry's person with this phone and name, or a new one with the consent given."""
    phone_hash = Person._meta.get_field("phone_index").hash_of(data.get("phone") or "")
    if phone_hash:
        for candidate in people.active_people(organisation).filter(phone_index=phone_hash):
            if candidate.name and latin_key(candidate.name) == latin_key(data["name"]):
                return candidate
    fields = (
        "name",
        "phone",
        "sex",
        "birth_year",
        "age_band",
        "target_group",
        "affiliation",
        "area",
        "displacement",
        "disability",
    )
    person = Person(
        organisation=organisation, **{k: data[k] for k in fields if data.get(k) not in (None, "")}
    )
    return people.save_person(
        actor,
        person,
        request,
        participation=True,
        photos=bool(data.get("photos")),
        follow_up=bool(data.get("follow_up")),
        channel=channel,
    )


@transaction.atomic
def cancel_registration(
    actor: User | None, registration: Registration, request=None
) -> Registration | None:  # type: ignore[no-untyped-def]
    """Cancel, and give the freed place to the first on the waiting list who fits it."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.checked_in_at:
        raise ValidationError(_("This person has already checked in."))
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status"])
    audit.record(actor, "event.cancel", event, request=request, registration=registration.code)
    promoted = None
    if was_confirmed and not registration.is_guest:
        for waiting in (
            Registration.objects.filter(event=event, status=RegistrationStatus.WAITING)
            .select_related("person")
            .order_by("created_at", "id")
        ):
            if _status_for(event, waiting.person, False) == RegistrationStatus.CONFIRMED:
                waiting.status = RegistrationStatus.CONFIRMED
                waiting.save(update_fields=["status"])
                audit.record(
                    actor, "event.promote", event, request=request, registration=waiting.code
                )
                promoted = waiting
                break
    return promoted


# --- check-in ------------------------------------------------------------------------------


class CheckInError(Exception):
    """A code that cannot be checked in, with the reason for the person at the door."""


@dataclass
class CheckIn:
    registration: Registration
    session: Session | None


def check_in(
    actor: User | None,
    event: Event,
    typed: str,
    *,
    session: Session | None = None,
    request: HttpRequest | None = None,
) -> CheckIn:
    """Check a code in at the door, or at a session.

    The code is read and judged before any write lock is taken; the write is one conditional
    UPDATE (only while nobody has checked the code in and the place is still confirmed), so two
    doors scanning one code count it once, and the database's writer lock is held only for that
    update and its audit event.
    """
    code = normalise_code(typed)
    if not code:
        raise CheckInError(_("Type or scan a code."))
    # Only what the door needs: no event row, and none of the person's encrypted fields to
    # decrypt (the answer shows the code and the target group, never a name).
    registration = (
        Registration.objects.select_related("person")
        .only(
            "code",
            "event",
            "status",
            "is_guest",
            "checked_in_at",
            "checked_in_by",
            "person__organisation",
            "person__target_group",
        )
        .filter(code=code)
        .first()
    )
    if registration is None:
        raise CheckInError(_("No registration has the code %(code)s.") % {"code": code})
    if registration.event_id != event.pk:
        raise CheckInError(
            _("The code %(code)s is for another event (%(event)s), not this one.")
            % {"code": code, "event": registration.event}
        )
    if registration.status == RegistrationStatus.CANCELLED:
        raise CheckInError(_("The registration %(code)s was cancelled.") % {"code": code})
    if registration.status == RegistrationStatus.WAITING:
        raise CheckInError(
            _("%(code)s is on the waiting list: there is no confirmed place yet.") % {"code": code}
        )
    if session is not None and session.event_id != event.pk:
        raise CheckInError(_("This session belongs to another event."))
    if session is None and registration.checked_in_at is not None:
        raise _already_used(code, registration.checked_in_at)
    by = actor if getattr(actor, "is_authenticated", False) else None
    with writelock.serial_writes(), transaction.atomic():
        if session is not None:
            try:
                with transaction.atomic():
                    Attendance.objects.create(
                        session=session,
                        person=registration.person,
                        registration=registration,
                        recorded_by=by,
                    )
            except IntegrityError:
                raise CheckInError(
                    _("%(code)s is already recorded at the session “%(session)s”.")
                    % {"code": code, "session": session.topic}
                ) from None
        if registration.checked_in_at is None:
            now = timezone.now()
            arrived = Registration.objects.filter(
                pk=registration.pk,
                checked_in_at__isnull=True,
                status=RegistrationStatus.CONFIRMED,
            ).update(checked_in_at=now, checked_in_by=by)
            if arrived:
                registration.checked_in_at, registration.checked_in_by = now, by
            elif session is None:
                # Another door was faster, or the place was cancelled a moment ago.
                current = Registration.objects.filter(pk=registration.pk).values(
                    "checked_in_at", "status"
                )[0]
                if current["checked_in_at"] is not None:
                    raise _already_used(code, current["checked_in_at"])
                raise CheckInError(_("The registration %(code)s was cancelled.") % {"code": code})
        audit.record(
            actor,
            "event.check_in",
            event,
            request=request,
            registration=code,
            session=session.pk if session else None,
        )
    return CheckIn(registration, session)


def _already_used(code: str, when) -> CheckInError:  # type: ignore[no-untyped-def]
    return CheckInError(
        _("The code %(code)s was already used: checked in at %(time)s.")
        % {"code": code, "time": timezone.localtime(when).strftime("%H:%M")}
    )


# --- feedback after the event ------------------------------------------------------------


class FeedbackClosed(Exception):
    """The registration cannot answer the feedback form, with the reason for the person."""


def feedback_refusal(registration: Registration) -> str:
    """Why this registration may not answer (yet), or "" when it may."""
    if registration.status != RegistrationStatus.CONFIRMED:
        return _("Only confirmed participants can answer the feedback form.")
    if timezone.localdate() < registration.event.start_date:
        return _("The feedback form opens on the first day of the event (%(date)s).") % {
            "date": registration.event.start_date.isoformat()
        }
    if Feedback.objects.filter(registration=registration).exists():
        return _("Thank you: we already have your answers for this registration.")
    return ""


def _engine_opinion(texts: list[str]) -> dict[str, Any]:
    """The moderation engine's view of the written answers, to help whoever reviews them."""
    from jusoor.engines import moderation

    text = "\n".join(t for t in texts if t)
    decision = moderation.route(text, moderation.STRICT)
    return {
        "action": decision.action,
        "p_offensive": round(decision.p_offensive, 3),
        "p_hate": round(decision.p_hate, 3),
        "reasons": sorted(
            {r.category or r.code for r in decision.reasons if r.action != "publish"}
        ),
    }


@transaction.atomic
def submit_feedback(
    registration: Registration,
    *,
    usefulness: int,
    join_dialogue: str,
    learned: str = "",
    improve: str = "",
    request: HttpRequest | None = None,
) -> Feedback:
    """Record one registration's answers. Written answers wait for review before anyone reads
    them on the results page, whatever the engine thinks of them."""
    registration = (
        Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
    )
    refusal = feedback_refusal(registration)
    if refusal:
        raise FeedbackClosed(refusal)
    learned, improve = learned.strip(), improve.strip()
    has_text = bool(learned or improve)
    feedback = Feedback.objects.create(
        event=registration.event,
        registration=registration,
        usefulness=usefulness,
        join_dialogue=join_dialogue,
        learned=learned,
        improve=improve,
        text_review=TextReview.PENDING if has_text else TextReview.NONE,
        engine=_engine_opinion([learned, improve]) if has_text else {},
    )
    audit.record(
        None,
        "event.feedback",
        registration.event,
        request=request,
        registration=registration.code,
        usefulness=usefulness,
        written=has_text,
    )
    return feedback


@transaction.atomic
def review_feedback(
    actor: User | None, feedback: Feedback, approve: bool, request: HttpRequest | None = None
) -> Feedback:
    if feedback.text_review == TextReview.NONE:
        raise ValidationError(_("This answer has no written part to review."))
    feedback.text_review = TextReview.APPROVED if approve else TextReview.REJECTED
    feedback.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
    feedback.reviewed_at = timezone.now()
    feedback.save(update_fields=["text_review", "reviewed_by", "reviewed_at"])
    audit.record(
        actor,
        "event.feedback_review",
        feedback.event,
        request=request,
        feedback=feedback.pk,
        decision=feedback.text_review,
    )
    return feedback


# --- commitments and media -----------------------------------------------------------------


@transaction.atomic
def add_commitment_update(
    actor: User | None, update: CommitmentUpdate, status: str | None, request=None
) -> CommitmentUpdate:  # type: ignore[no-untyped-def]
    update.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    save(actor, update, "commitment.progress", request)
    commitment = update.commitment
    if status and status != commitment.status:
        commitment.status = status
        save(actor, commitment, "commitment", request)
    return update


def commitment_from_takeaway(takeaway) -> Commitment:  # type: ignore[no-untyped-def]
    event = takeaway.session.event if takeaway.session_id else None
    return Commitment(
        organisation=takeaway.organisation, event=event, takeaway=takeaway, what=takeaway.text
    )
