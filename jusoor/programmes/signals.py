"""Computed indicators go stale when the records they count change.

Every save or delete of an attendance, registration, meeting, event, commitment, survey
submission or form, library resource, dialogue participant or person flags the computed
indicators of the projects concerned (one UPDATE), and attendance changes drop the dashboards'
cached reach figures. The figures are recomputed when someone next reads them (indicator page,
dashboards, public page) or by ``manage.py recompute_indicators``.
Bulk writes (``bulk_create``, ``QuerySet.update``) send no signals: the command, run after an
import or on a schedule, catches those.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save


def _projects(sender: Any, instance: Any) -> list[int] | None:
    name = sender._meta.label
    if name == "events.Attendance":
        return [instance.session.event.project_id]
    if name == "events.Registration":
        return [instance.event.project_id]
    if name in {"events.Meeting", "events.Event", "library.Resource"}:
        return [instance.project_id]
    if name == "events.Commitment":
        projects = [instance.event.project_id] if instance.event_id else []
        if instance.takeaway_id:
            takeaway = instance.takeaway
            if takeaway.meeting_id:
                projects.append(takeaway.meeting.project_id)
            if takeaway.session_id:
                projects.append(takeaway.session.event.project_id)
        return projects
    if name == "events.CommitmentUpdate":
        return _projects(type(instance.commitment), instance.commitment)
    if name in {"surveys.Submission"}:
        return [instance.form.project_id]
    if name == "surveys.Form":
        return [instance.project_id]
    if name == "dialogue.Participant":
        return [instance.conversation.project_id]
    return None


ATTENDANCE = ["unique_attendees", "meetings_held"]
COMPUTATIONS = {
    "events.Attendance": ATTENDANCE,
    "events.Registration": ATTENDANCE,
    "events.Meeting": ATTENDANCE,
    "events.Event": ATTENDANCE,
    "people.Person": ATTENDANCE,
    "events.Commitment": ["commitments_completed"],
    "events.CommitmentUpdate": ["commitments_completed"],
    "surveys.Submission": ["survey_respondents", "survey_share"],
    "surveys.Form": ["survey_respondents", "survey_share"],
    "library.Resource": ["resources_published"],
    "dialogue.Participant": ["dialogue_participants"],
}


def _reach_changed() -> None:
    from django.apps import apps

    if apps.is_installed("jusoor.reports"):
        from jusoor.reports.dashboards import bump_reach_version

        bump_reach_version()


def _changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from jusoor.programmes.services import mark_stale

    if kwargs.get("raw"):
        return
    label = sender._meta.label
    computations = COMPUTATIONS.get(label)
    if computations is ATTENDANCE:
        _reach_changed()
    try:
        if label == "people.Person":
            mark_stale(organisation_id=instance.organisation_id, computations=computations)
            return
        projects = _projects(sender, instance)
    except Exception:  # noqa: BLE001  (a related row already gone: mark every project)
        projects = None
    if projects is None:
        mark_stale(computations=computations)
    else:
        mark_stale(project_ids=projects, computations=computations)


def _attendees_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    from jusoor.programmes.services import mark_stale

    if action in {"post_add", "post_remove", "post_clear"}:
        _reach_changed()
        project_id = getattr(instance, "project_id", None)
        mark_stale(project_ids=[project_id] if project_id else None, computations=ATTENDANCE)


WATCHED = [
    "events.Attendance",
    "events.Registration",
    "events.Meeting",
    "events.Event",
    "events.Commitment",
    "events.CommitmentUpdate",
    "people.Person",
    "surveys.Submission",
    "surveys.Form",
    "library.Resource",
    "dialogue.Participant",
]


def connect() -> None:
    from django.apps import apps

    for label in WATCHED:
        if not apps.is_installed(f"jusoor.{label.split('.')[0]}"):
            continue
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"stale-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"stale-delete-{label}")
    if apps.is_installed("jusoor.events"):
        from jusoor.events.models import Meeting

        m2m_changed.connect(
            _attendees_changed, sender=Meeting.attendees.through, dispatch_uid="stale-attendees"
        )
