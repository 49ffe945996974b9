"""Printed documents: attendance sheet, badges, certificates (see ``pdf``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from jusoor.accounts.roles import Can
from jusoor.core import audit
from jusoor.events import pdf
from jusoor.events.access import get_event_for_user, get_registration_for_user
from jusoor.events.models import Registration, RegistrationStatus


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _present_or_confirmed(event):  # type: ignore[no-untyped-def]
    return (
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
        .select_related("person__area", "guest_of")
        .order_by("is_guest", "id")
    )


@login_required
def attendance_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The donor's sheet with names: personal data on paper only, and the export audited."""
    event = get_event_for_user(request, pk, Can.VIEW_PERSONAL_DATA)
    rows = list(_present_or_confirmed(event))
    audit.record(
        request.user,
        "export.attendance_sheet",
        event,
        request=request,
        people=[r.person.code for r in rows],
    )
    return _pdf(pdf.attendance_sheet(event, rows), f"attendance-{event.slug}.pdf")


@login_required
def badges(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request, pk, Can.RUN_EVENTS)
    rows = list(_present_or_confirmed(event))
    audit.record(request.user, "export.badges", event, request=request, count=len(rows))
    return _pdf(pdf.badges(event, rows, request), f"badges-{event.slug}.pdf")


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_registration_for_user(request, pk, Can.RUN_EVENTS)
    audit.record(
        request.user,
        "export.certificate",
        registration.event,
        request=request,
        person=registration.person.code,
    )
    feedback_url = request.build_absolute_uri(
        reverse("events:feedback", args=[registration.event.slug, registration.code])
    )
    return _pdf(
        pdf.certificate(registration, feedback_url=feedback_url),
        f"certificate-{registration.code}.pdf",
    )
