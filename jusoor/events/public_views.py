"""Public pages of an event: its programme and commitments, registration, confirmation.

No account is needed. Nothing here shows personal data; figures are small-cell suppressed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from jusoor.events import qr, ratelimit, reach, services
from jusoor.events.forms import FeedbackForm, PublicRegistrationForm
from jusoor.events.models import Event, Registration, RegistrationStatus


def _public_event(slug: str) -> Event:
    return get_object_or_404(Event.objects.select_related("organisation", "area"), slug=slug)


def public_event(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event(slug)
    if not (event.registration_open or event.publish_commitments):
        raise Http404
    commitments = (
        event.commitments.filter(is_public=True).prefetch_related("updates")
        if event.publish_commitments
        else []
    )
    return render(
        request,
        "events/public_event.html",
        {
            "event": event,
            "sessions": event.sessions.all(),
            "commitments": commitments,
            "reach": reach.event_reach(event, public=True),
        },
    )


def register(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event(slug)
    if not event.registration_open:
        return render(request, "events/registration_closed.html", {"event": event}, status=200)
    if request.method == "POST" and (limited := _rate_limited(request, "register", event)):
        return limited
    form = PublicRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.find_or_create_person(
                None,
                event.organisation,
                form.cleaned_data,
                channel=_("public registration form"),
                request=request,
            )
            registration, _new = services.register(None, event, person, request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("events:confirmation", slug=event.slug, code=registration.code)
    return render(request, "events/register.html", {"event": event, "form": form})


def _rate_limited(request: HttpRequest, form: str, event: Event) -> HttpResponse | None:
    """A 429 page when this address has sent this form too often; None when it may go on."""
    limit = ratelimit.hit(request, form, event.pk)
    if limit.allowed:
        return None
    minutes = max(1, round(limit.retry_after / 60))
    response = render(
        request, "events/rate_limited.html", {"event": event, "minutes": minutes}, status=429
    )
    response["Retry-After"] = str(limit.retry_after)
    return response


def confirmation(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    registration = get_object_or_404(
        Registration.objects.select_related("event"), event__slug=slug, code=code.upper()
    )
    svg = ""
    if registration.status == RegistrationStatus.CONFIRMED:
        svg = mark_safe(qr.qr_svg(qr.check_in_url(request, registration)))  # noqa: S308 (generated SVG)
    return render(
        request,
        "events/confirmation.html",
        {
            "registration": registration,
            "event": registration.event,
            "qr": svg,
            "feedback_open": not services.feedback_refusal(registration),
        },
    )


def feedback(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The short form after the event, reached from the confirmation page or the certificate.

    The registration code in the address is the key: one set of answers per registration.
    """
    registration = get_object_or_404(
        Registration.objects.select_related("event"), event__slug=slug, code=code.upper()
    )
    event = registration.event
    refusal = services.feedback_refusal(registration)
    if refusal:
        return render(request, "events/feedback_closed.html", {"event": event, "reason": refusal})
    if request.method == "POST" and (limited := _rate_limited(request, "feedback", event)):
        return limited
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_feedback(
                registration,
                usefulness=data["usefulness"],
                join_dialogue=data["join_dialogue"],
                learned=data["learned"],
                improve=data["improve"],
                request=request,
            )
        except services.FeedbackClosed as exc:
            return render(
                request, "events/feedback_closed.html", {"event": event, "reason": str(exc)}
            )
        return render(request, "events/feedback_thanks.html", {"event": event})
    return render(request, "events/feedback_form.html", {"event": event, "form": form})
