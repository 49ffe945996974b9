"""The donor report's sections from meetings and events: what was held in the period, with dates
and figures, the commitments that came out of the panels, media coverage and participants'
feedback. The report leaves the workspace, so counts of people are small-cell suppressed."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from jusoor.events.feedback import feedback_summary
from jusoor.events.models import Commitment, Event, MediaEntry, Meeting
from jusoor.events.reach import suppress_value
from jusoor.programmes.models import ReportingPeriod
from jusoor.reports.donor import Section


def _people(count: int) -> str:
    shown = suppress_value(count)
    return str(shown) if shown is not None else _("fewer than %(n)s") % {"n": 5}


def _events(period: ReportingPeriod) -> list[Event]:
    return list(
        Event.objects.filter(
            project=period.project,
            start_date__lte=period.end_date,
            end_date__gte=period.start_date,
        ).order_by("start_date", "pk")
    )


def meetings_section(period: ReportingPeriod, language: str) -> Section | None:
    meetings = (
        Meeting.objects.filter(
            project=period.project, date__gte=period.start_date, date__lte=period.end_date
        )
        .select_related("area")
        .annotate(present=Count("attendees", distinct=True))
        .order_by("date", "pk")
    )
    lines = []
    for meeting in meetings:
        line = f"{date_format(meeting.date)} — {meeting.title}"
        if meeting.area:
            line += f" ({meeting.area})"
        line += " — " + _("participants: %(count)s") % {"count": _people(meeting.present)}
        lines.append(line)
    return Section(_("Meetings held"), lines) if lines else None


def events_section(period: ReportingPeriod, language: str) -> Section | None:
    lines = []
    for event in _events(period):
        counts = event.registrations.aggregate(
            participants=Count("pk", filter=Q(checked_in_at__isnull=False, is_guest=False)),
            guests=Count("pk", filter=Q(checked_in_at__isnull=False, is_guest=True)),
        )
        lines.append(
            _("%(start)s – %(end)s — %(event)s: %(participants)s participants, %(guests)s guests")
            % {
                "start": date_format(event.start_date),
                "end": date_format(event.end_date),
                "event": event.in_language("title", language),
                "participants": _people(counts["participants"]),
                "guests": _people(counts["guests"]),
            }
        )
    return Section(_("Events held"), lines) if lines else None


def feedback_section(period: ReportingPeriod, language: str) -> Section | None:
    lines = []
    for event in _events(period):
        summary = feedback_summary(event, public=True)
        if not summary.responses:
            continue
        line = _("%(event)s: %(responses)s answers to the feedback form") % {
            "event": event.in_language("title", language),
            "responses": summary.responses,
        }
        if summary.mean_usefulness is not None:
            line += "; " + _("usefulness %(mean)s out of 5 on average") % {
                "mean": summary.mean_usefulness
            }
        lines.append(line)
    return Section(_("Participants' feedback"), lines) if lines else None


def commitments_section(period: ReportingPeriod, language: str) -> Section | None:
    commitments = Commitment.objects.filter(event__project=period.project).order_by(
        "due_date", "pk"
    )
    lines = []
    for commitment in commitments:
        line = f"{commitment.what} — {commitment.owner} — {commitment.get_status_display()}"
        if commitment.due_date:
            line += " — " + _("due %(date)s") % {"date": date_format(commitment.due_date)}
        lines.append(line)
    return Section(_("Commitments and their progress"), lines) if lines else None


def media_section(period: ReportingPeriod, language: str) -> Section | None:
    project = period.project
    entries = MediaEntry.objects.filter(
        Q(event__project=project) | Q(meeting__project=project) | Q(activity__project=project),
        date__gte=period.start_date,
        date__lte=period.end_date,
    ).order_by("date", "pk")
    lines = []
    for entry in entries:
        line = f"{date_format(entry.date)} — {entry.outlet} ({entry.get_kind_display()})"
        if entry.reach:
            line += " — " + _("estimated reach %(reach)s") % {"reach": f"{entry.reach:,}"}
        lines.append(line)
    return Section(_("Media coverage"), lines) if lines else None


PROVIDERS = [meetings_section, events_section, feedback_section, commitments_section, media_section]
