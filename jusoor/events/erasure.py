"""Meetings and events in erasure and retention (see ``jusoor.core.erasure``).

Attendance and registrations stay linked to the person's tombstone, so reach figures do not
change; registrations for events still to come are cancelled (the person withdrew); the person's
name or phone written in minutes, agendas, takeaways, commitments, speakers and media notes is
redacted.
"""

from __future__ import annotations

from django.utils import timezone

from jusoor.core.erasure import Subject, redact_fields, register_eraser
from jusoor.events.models import (
    Commitment,
    CommitmentUpdate,
    Event,
    Feedback,
    MediaEntry,
    Meeting,
    Registration,
    RegistrationStatus,
    Session,
    Takeaway,
)


def erase(subject: Subject) -> dict[str, int]:
    org = subject.organisation_id
    cancelled = (
        Registration.objects.filter(
            person_id__in=subject.person_ids,
            event__end_date__gte=timezone.localdate(),
            checked_in_at__isnull=True,
        )
        .exclude(status=RegistrationStatus.CANCELLED)
        .update(status=RegistrationStatus.CANCELLED)
    )
    # The person's own written feedback goes; others' feedback loses mentions of the person.
    own_feedback = Feedback.objects.filter(registration__person_id__in=subject.person_ids)
    own = own_feedback.exclude(learned="", improve="").count()
    for feedback in own_feedback:
        Feedback.objects.filter(pk=feedback.pk).update(learned="", improve="")
    return {
        "future_registrations_cancelled": cancelled,
        "own_feedback_text": own,
        "feedback": redact_fields(
            subject, Feedback.objects.filter(event__organisation_id=org), ["learned", "improve"]
        ),
        "meetings": redact_fields(
            subject, Meeting.objects.filter(organisation_id=org), ["title", "agenda", "minutes"]
        ),
        "events": redact_fields(
            subject,
            Event.objects.filter(organisation_id=org),
            ["description_ar", "description_en"],
        ),
        "sessions": redact_fields(
            subject,
            Session.objects.filter(event__organisation_id=org),
            ["topic", "moderator", "speakers"],
        ),
        "takeaways": redact_fields(subject, Takeaway.objects.filter(organisation_id=org), ["text"]),
        "commitments": redact_fields(
            subject, Commitment.objects.filter(organisation_id=org), ["what", "owner"]
        ),
        "commitment_updates": redact_fields(
            subject,
            CommitmentUpdate.objects.filter(commitment__organisation_id=org),
            ["note"],
        ),
        "media": redact_fields(subject, MediaEntry.objects.filter(organisation_id=org), ["note"]),
    }


def register() -> None:
    register_eraser("events", erase)
