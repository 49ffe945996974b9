"""Access to meetings and events: per organisation, like the registry."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from jusoor.accounts.roles import Can
from jusoor.events.models import Commitment, Event, Feedback, Meeting, Registration, Session
from jusoor.people.access import check_organisation


def get_meeting_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("area", "project"), pk=pk)
    check_organisation(request, meeting.organisation_id, need)
    return meeting


def get_event_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Event:
    event = get_object_or_404(Event.objects.select_related("organisation", "area"), pk=pk)
    check_organisation(request, event.organisation_id, need)
    return event


def get_session_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Session:
    session = get_object_or_404(Session.objects.select_related("event"), pk=pk)
    check_organisation(request, session.event.organisation_id, need)
    return session


def get_registration_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Registration:
    registration = get_object_or_404(Registration.objects.select_related("event", "person"), pk=pk)
    check_organisation(request, registration.event.organisation_id, need)
    return registration


def get_commitment_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Commitment:
    commitment = get_object_or_404(Commitment.objects.select_related("event", "takeaway"), pk=pk)
    check_organisation(request, commitment.organisation_id, need)
    return commitment


def get_feedback_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Feedback:
    feedback = get_object_or_404(Feedback.objects.select_related("event"), pk=pk)
    check_organisation(request, feedback.event.organisation_id, need)
    return feedback
