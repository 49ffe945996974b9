"""Roles and what each may do.

Roles are not a ladder (a moderator may not edit indicators, an M&E officer may not moderate), so
each role maps to a set of capabilities and views ask for a capability, never for a role.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    ME_OFFICER = "me_officer", _("M&E officer")
    FACILITATOR = "facilitator", _("Facilitator")
    ENUMERATOR = "enumerator", _("Enumerator")
    MODERATOR = "moderator", _("Moderator")
    VIEWER = "viewer", _("Viewer")


class Can(StrEnum):
    VIEW = "view"  # see the workspace: projects, frameworks, aggregates
    VIEW_PERSONAL_DATA = "view_personal_data"  # names, phones, addresses
    EDIT_PROJECT = "edit_project"  # project details, partners, target areas, framework
    EDIT_INDICATORS = "edit_indicators"  # indicators, targets, actual values, periods
    APPROVE_PERIODS = "approve_periods"  # approve and lock reporting periods
    MANAGE_MEMBERS = "manage_members"  # add people, change roles
    COLLECT_DATA = "collect_data"  # fill forms
    MANAGE_FORMS = "manage_forms"  # upload survey forms, review, import and export submissions
    RUN_EVENTS = "run_events"  # meetings, registration, check-in
    MANAGE_PEOPLE = "manage_people"  # participant registry: add, edit, consent, merge, import
    MODERATE = "moderate"  # the dialogue's moderation queue
    VIEW_AUDIT = "view_audit"
    MANAGE_LIBRARY = "manage_library"  # add, edit and remove library resources


_ALL = set(Can)

CAPABILITIES: dict[str, frozenset[Can]] = {
    Role.ADMIN: frozenset(_ALL),
    Role.PROGRAMME_MANAGER: frozenset(
        {
            Can.VIEW,
            Can.VIEW_PERSONAL_DATA,
            Can.EDIT_PROJECT,
            Can.EDIT_INDICATORS,
            Can.APPROVE_PERIODS,
            Can.RUN_EVENTS,
            Can.MANAGE_FORMS,
            Can.MANAGE_PEOPLE,
            Can.MANAGE_LIBRARY,
        }
    ),
    Role.ME_OFFICER: frozenset(
        {
            Can.VIEW,
            Can.VIEW_PERSONAL_DATA,
            Can.EDIT_INDICATORS,
            Can.COLLECT_DATA,
            Can.MANAGE_FORMS,
            Can.MANAGE_PEOPLE,
            Can.MANAGE_LIBRARY,
        }
    ),
    Role.FACILITATOR: frozenset(
        {Can.VIEW, Can.VIEW_PERSONAL_DATA, Can.RUN_EVENTS, Can.MANAGE_PEOPLE}
    ),
    Role.ENUMERATOR: frozenset({Can.VIEW, Can.COLLECT_DATA}),
    Role.MODERATOR: frozenset({Can.VIEW, Can.MODERATE}),
    Role.VIEWER: frozenset({Can.VIEW}),
}


def capabilities(role: str | None) -> frozenset[Can]:
    return CAPABILITIES.get(role or "", frozenset())
