"""Every URL pattern × every role × an outsider and an anonymous visitor.

The table names, for each URL, how to build its arguments, the method, and what the request needs
(``PUBLIC``, ``LOGIN``, or a capability in the organisation or project). The expected answer
follows from that and from the role's capabilities: anonymous → sign-in page, no part in the
organisation → 404, too little role → 403, enough → success. A URL missing from the table fails
``test_every_url_pattern_is_in_the_table``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jusoor.accounts.roles import Can, Role, capabilities
from jusoor.conftest import ALL_USERS, ROLE_USERS, World
from jusoor.dialogue.tests import builders as dialogue
from jusoor.events.tests import builders as events
from jusoor.jobs.tests import builders as jobs
from jusoor.library.tests import builders as library
from jusoor.people.tests import builders as people
from jusoor.programmes.tests import builders as programmes
from jusoor.reports.tests import builders as reports
from jusoor.research.tests import builders as research
from jusoor.surveys import self_completion
from jusoor.surveys.tests import factories as surveys
from jusoor.surveys.tests.test_analysis_glue import analysis_form

PUBLIC = "public"
LOGIN = "login"


@dataclass(frozen=True)
class Case:
    args: Callable[[World], dict[str, Any]]
    need: str | Can  # PUBLIC, LOGIN or a capability
    scope: str = "project"  # "project" (shared with the partner) or "organisation" (Shams only)
    method: str = "get"
    data: Callable[[World], dict[str, Any]] | None = None
    success: int = 200
    signed_in: int | None = None  # the answer to anyone signed in, when it differs


def none(w: World) -> dict[str, Any]:
    return {}


TABLE: dict[str, Case] = {
    "programmes:home": Case(none, PUBLIC),
    "programmes:public_project": Case(lambda w: {"slug": w.project.slug}, PUBLIC, success=404),
    "geo:units": Case(none, PUBLIC),
    "geo:unit": Case(lambda w: {"pcode": "IQG01"}, PUBLIC),
    "accounts:login": Case(none, PUBLIC, signed_in=302),
    "accounts:set_language": Case(
        none, PUBLIC, method="post", data=lambda w: {"language": "en", "next": "/"}, success=302
    ),
    "accounts:logout": Case(none, PUBLIC, method="post", success=302),
    "accounts:password_change": Case(none, LOGIN),
    "accounts:password_reset": Case(none, PUBLIC),
    "accounts:password_reset_done": Case(none, PUBLIC),
    "accounts:password_reset_confirm": Case(lambda w: {"uidb64": "MQ", "token": "x-y"}, PUBLIC),
    # Without a password step in this session, the second step sends the visitor back to it.
    "accounts:two_factor_verify": Case(none, PUBLIC, success=302),
    "accounts:two_factor_setup": Case(none, LOGIN),
    "programmes:workspace": Case(none, LOGIN),
    "accounts:organisation": Case(lambda w: {"slug": "shams"}, Can.VIEW, scope="organisation"),
    "accounts:member_add": Case(
        lambda w: {"slug": "shams"}, Can.MANAGE_MEMBERS, scope="organisation"
    ),
    "accounts:audit_log": Case(lambda w: {"slug": "shams"}, Can.VIEW_AUDIT, scope="organisation"),
    "core:audit_events": Case(lambda w: {"slug": "shams"}, Can.VIEW_AUDIT, scope="organisation"),
    "core:audit_export": Case(lambda w: {"slug": "shams"}, Can.VIEW_AUDIT, scope="organisation"),
    "accounts:membership_role": Case(
        lambda w: {"pk": w.users["shams_viewer"].memberships.get().pk},
        Can.MANAGE_MEMBERS,
        scope="organisation",
        method="post",
        data=lambda w: {"role": "enumerator"},
        success=302,
    ),
    "programmes:project_create": Case(
        lambda w: {"slug": "shams"}, Can.EDIT_PROJECT, scope="organisation"
    ),
    "accounts:organisation_edit": Case(
        lambda w: {"slug": "shams"}, Can.MANAGE_MEMBERS, scope="organisation"
    ),
    "programmes:programme_create": Case(
        lambda w: {"slug": "shams"}, Can.EDIT_PROJECT, scope="organisation"
    ),
    "programmes:programme": Case(lambda w: {"slug": w.programme.slug}, Can.VIEW),
    "programmes:programme_edit": Case(lambda w: {"slug": w.programme.slug}, Can.EDIT_PROJECT),
    "programmes:area_population": Case(lambda w: {"pk": w.area.pk}, Can.EDIT_PROJECT),
    "programmes:project": Case(lambda w: {"pk": w.project.pk}, Can.VIEW),
    "programmes:project_edit": Case(lambda w: {"pk": w.project.pk}, Can.EDIT_PROJECT),
    "programmes:participant_add": Case(lambda w: {"pk": w.project.pk}, Can.EDIT_PROJECT),
    "programmes:participant_remove": Case(
        lambda w: {"pk": w.share.pk}, Can.EDIT_PROJECT, method="post", success=302
    ),
    "programmes:node_create": Case(lambda w: {"pk": w.project.pk}, Can.EDIT_PROJECT),
    "programmes:node_edit": Case(lambda w: {"pk": w.activity.pk}, Can.EDIT_PROJECT),
    "programmes:node_delete": Case(
        lambda w: {"pk": w.activity.pk}, Can.EDIT_PROJECT, method="post", success=302
    ),
    "programmes:indicator_create": Case(lambda w: {"pk": w.project.pk}, Can.EDIT_INDICATORS),
    "programmes:indicator": Case(lambda w: {"pk": w.indicator.pk}, Can.VIEW),
    "programmes:indicator_edit": Case(lambda w: {"pk": w.indicator.pk}, Can.EDIT_INDICATORS),
    "programmes:indicator_recompute": Case(
        lambda w: {"pk": w.indicator.pk}, Can.EDIT_INDICATORS, method="post", success=302
    ),
    "programmes:indicator_records": Case(
        lambda w: {"pk": w.indicator.pk, "period": w.period.pk}, Can.VIEW
    ),
    "programmes:indicator_evidence": Case(
        lambda w: {"pk": programmes.value_with_evidence(w).pk}, Can.VIEW
    ),
    "programmes:period_create": Case(lambda w: {"pk": w.project.pk}, Can.EDIT_INDICATORS),
    "programmes:period_status": Case(
        lambda w: {"pk": w.period.pk},
        Can.EDIT_INDICATORS,
        method="post",
        data=lambda w: {"status": "submitted"},
        success=302,
    ),
    "programmes:target_area_add": Case(lambda w: {"pk": w.project.pk}, Can.EDIT_PROJECT),
    "programmes:target_area_remove": Case(
        lambda w: {"pk": w.area.pk}, Can.EDIT_PROJECT, method="post", success=302
    ),
    "surveys:form_list": Case(lambda w: {"pk": w.project.pk}, Can.VIEW),
    "surveys:form_upload": Case(lambda w: {"pk": w.project.pk}, Can.MANAGE_FORMS),
    "surveys:tokens": Case(lambda w: {"pk": w.project.pk}, Can.COLLECT_DATA),
    "surveys:token_revoke": Case(
        lambda w: {"pk": surveys.table_token(w).pk}, Can.COLLECT_DATA, method="post", success=302
    ),
    "surveys:form": Case(lambda w: {"pk": surveys.table_form(w).pk}, Can.VIEW),
    "surveys:entry": Case(lambda w: {"pk": surveys.table_form(w).pk}, Can.COLLECT_DATA),
    "surveys:self_completion": Case(
        lambda w: {"pk": surveys.table_form(w).pk},
        Can.MANAGE_FORMS,
        method="post",
        data=lambda w: {"action": "open"},
        success=302,
    ),
    # Self-completion: the public link is the key, whoever is signed in.
    "surveys:self_fill": Case(
        lambda w: {"token": self_completion.open_link(None, surveys.table_form(w)).token}, PUBLIC
    ),
    "surveys:self_thanks": Case(
        lambda w: {"token": self_completion.open_link(None, surveys.table_form(w)).token}, PUBLIC
    ),
    "surveys:submissions": Case(lambda w: {"pk": surveys.table_form(w).pk}, Can.MANAGE_FORMS),
    "surveys:export": Case(lambda w: {"pk": surveys.table_form(w).pk}, Can.MANAGE_FORMS),
    "surveys:import_upload": Case(lambda w: {"pk": surveys.table_form(w).pk}, Can.MANAGE_FORMS),
    "surveys:import_preview": Case(lambda w: {"pk": surveys.table_import(w).pk}, Can.MANAGE_FORMS),
    "surveys:import_commit": Case(
        lambda w: {"pk": surveys.table_import(w).pk}, Can.MANAGE_FORMS, method="post", success=302
    ),
    "surveys:submission": Case(lambda w: {"pk": surveys.table_submission(w).pk}, Can.MANAGE_FORMS),
    "surveys:submission_status": Case(
        lambda w: {"pk": surveys.table_submission(w).pk},
        Can.MANAGE_FORMS,
        method="post",
        data=lambda w: {"status": "approved"},
        success=302,
    ),
    "jobs:status": Case(lambda w: {"pk": jobs.table_job(w).pk}, Can.MANAGE_FORMS),
    "jobs:status_json": Case(lambda w: {"pk": jobs.table_job(w).pk}, Can.MANAGE_FORMS),
    "jobs:download": Case(lambda w: {"pk": jobs.table_job(w).pk}, Can.MANAGE_FORMS),
    "jobs:cancel": Case(
        lambda w: {"pk": jobs.table_job(w).pk}, Can.MANAGE_FORMS, method="post", success=302
    ),
    # analysis: aggregates anyone who sees the project may read (small cells hidden for them)
    "surveys:analysis": Case(lambda w: {"pk": analysis_form(w).pk}, Can.VIEW),
    "surveys:analysis_download": Case(
        lambda w: {"pk": analysis_form(w).pk, "fmt": "csv"}, Can.VIEW
    ),
    "surveys:analysis_crosstab": Case(lambda w: {"pk": analysis_form(w).pk}, Can.VIEW),
    "surveys:analysis_difference": Case(lambda w: {"pk": analysis_form(w).pk}, Can.VIEW),
    # OpenRosa answers only HTTP Basic or an app token, never a session: 401 (or 403 for a
    # token that is not one) whoever is signed in.
    "surveys:openrosa_form_list": Case(lambda w: {"pk": w.project.pk}, PUBLIC, success=401),
    "surveys:openrosa_form_download": Case(
        lambda w: {"pk": w.project.pk, "form_id": surveys.table_form(w).form_id},
        PUBLIC,
        success=401,
    ),
    "surveys:openrosa_submission": Case(
        lambda w: {"pk": w.project.pk}, PUBLIC, method="post", success=401
    ),
    "surveys:openrosa_key_form_list": Case(
        lambda w: {"token": "not-a-token", "pk": w.project.pk}, PUBLIC, success=403
    ),
    "surveys:openrosa_key_form_download": Case(
        lambda w: {"token": "not-a-token", "pk": w.project.pk, "form_id": "pve_survey"},
        PUBLIC,
        success=403,
    ),
    "surveys:openrosa_key_submission": Case(
        lambda w: {"token": "not-a-token", "pk": w.project.pk}, PUBLIC, method="post", success=403
    ),
    # people: the registry is per organisation
    "people:list": Case(lambda w: {"slug": "shams"}, Can.VIEW, scope="organisation"),
    "people:create": Case(lambda w: {"slug": "shams"}, Can.MANAGE_PEOPLE, scope="organisation"),
    "people:duplicates": Case(lambda w: {"slug": "shams"}, Can.MANAGE_PEOPLE, scope="organisation"),
    "people:find_duplicates": Case(
        lambda w: {"slug": "shams"},
        Can.MANAGE_PEOPLE,
        scope="organisation",
        method="post",
        success=302,
    ),
    "people:import_upload": Case(
        lambda w: {"slug": "shams"}, Can.MANAGE_PEOPLE, scope="organisation"
    ),
    "people:detail": Case(
        lambda w: {"pk": people.make_person(w.shams).pk}, Can.VIEW, scope="organisation"
    ),
    "people:edit": Case(
        lambda w: {"pk": people.make_person(w.shams).pk}, Can.MANAGE_PEOPLE, scope="organisation"
    ),
    "people:consent": Case(
        lambda w: {"pk": people.make_person(w.shams).pk}, Can.MANAGE_PEOPLE, scope="organisation"
    ),
    "people:withdraw": Case(
        lambda w: {"pk": people.make_person(w.shams).pk},
        Can.MANAGE_PEOPLE,
        scope="organisation",
        method="post",
        success=302,
    ),
    "people:decide": Case(
        lambda w: {"pk": people.make_suggestion(w).pk},
        Can.MANAGE_PEOPLE,
        scope="organisation",
        method="post",
        data=lambda w: {"decision": "reject"},
        success=302,
    ),
    "people:merge_undo": Case(
        lambda w: {"pk": people.make_merge(w).pk},
        Can.MANAGE_PEOPLE,
        scope="organisation",
        method="post",
        success=302,
    ),
    "people:import_preview": Case(
        lambda w: {"pk": people.make_import(w).pk}, Can.MANAGE_PEOPLE, scope="organisation"
    ),
    "people:import_commit": Case(
        lambda w: {"pk": people.make_import(w).pk},
        Can.MANAGE_PEOPLE,
        scope="organisation",
        method="post",
        success=302,
    ),
    "people:stakeholder_list": Case(lambda w: {"slug": "shams"}, Can.VIEW, scope="organisation"),
    "people:stakeholder_create": Case(
        lambda w: {"slug": "shams"}, Can.MANAGE_PEOPLE, scope="organisation"
    ),
    "people:stakeholder": Case(
        lambda w: {"pk": people.make_stakeholder(w.shams).pk}, Can.VIEW, scope="organisation"
    ),
    "people:stakeholder_edit": Case(
        lambda w: {"pk": people.make_stakeholder(w.shams).pk},
        Can.MANAGE_PEOPLE,
        scope="organisation",
    ),
    "people:stakeholder_active": Case(
        lambda w: {"pk": people.make_stakeholder(w.shams).pk},
        Can.MANAGE_PEOPLE,
        scope="organisation",
        method="post",
        data=lambda w: {"active": "0"},
        success=302,
    ),
    # events: meetings, events and their outputs are per organisation
    "events:meeting_list": Case(lambda w: {"slug": "shams"}, Can.VIEW, scope="organisation"),
    "events:meeting_create": Case(
        lambda w: {"slug": "shams"}, Can.RUN_EVENTS, scope="organisation"
    ),
    "events:meeting": Case(
        lambda w: {"pk": events.make_meeting(w).pk}, Can.VIEW, scope="organisation"
    ),
    "events:meeting_edit": Case(
        lambda w: {"pk": events.make_meeting(w).pk}, Can.RUN_EVENTS, scope="organisation"
    ),
    "events:meeting_attendees": Case(
        lambda w: {"pk": events.make_meeting(w).pk},
        Can.RUN_EVENTS,
        scope="organisation",
        method="post",
        success=302,
    ),
    "events:meeting_stakeholders": Case(
        lambda w: {"pk": events.make_meeting(w).pk},
        Can.RUN_EVENTS,
        scope="organisation",
        method="post",
        success=302,
    ),
    "events:meeting_takeaway_add": Case(
        lambda w: {"pk": events.make_meeting(w).pk}, Can.RUN_EVENTS, scope="organisation"
    ),
    "events:takeaway_list": Case(lambda w: {"slug": "shams"}, Can.VIEW, scope="organisation"),
    "events:event_list": Case(lambda w: {"slug": "shams"}, Can.VIEW, scope="organisation"),
    "events:event_create": Case(lambda w: {"slug": "shams"}, Can.RUN_EVENTS, scope="organisation"),
    "events:event": Case(lambda w: {"pk": events.make_event(w).pk}, Can.VIEW, scope="organisation"),
    "events:event_edit": Case(
        lambda w: {"pk": events.make_event(w).pk}, Can.RUN_EVENTS, scope="organisation"
    ),
    "events:session_create": Case(
        lambda w: {"pk": events.make_event(w).pk}, Can.RUN_EVENTS, scope="organisation"
    ),
    "events:session_takeaway_add": Case(
        lambda w: {"pk": events.make_session(events.make_event(w)).pk},
        Can.RUN_EVENTS,
        scope="organisation",
    ),
    "events:quotas": Case(
        lambda w: {"pk": events.make_event(w).pk}, Can.RUN_EVENTS, scope="organisation"
    ),
    "events:registrations": Case(
        lambda w: {"pk": events.make_event(w).pk}, Can.VIEW, scope="organisation"
    ),
    "events:registration_cancel": Case(
        lambda w: {"pk": events.make_registration(w).pk},
        Can.RUN_EVENTS,
        scope="organisation",
        method="post",
        success=302,
    ),
    "events:walk_in": Case(
        lambda w: {"pk": events.make_event(w).pk}, Can.RUN_EVENTS, scope="organisation"
    ),
    "events:check_in": Case(
        lambda w: {"pk": events.make_event(w).pk}, Can.RUN_EVENTS, scope="organisation"
    ),
    "events:commitment_create": Case(
        lambda w: {"pk": events.make_event(w).pk}, Can.RUN_EVENTS, scope="organisation"
    ),
    "events:commitment": Case(
        lambda w: {"pk": events.make_commitment(w).pk}, Can.VIEW, scope="organisation"
    ),
    "events:media_list": Case(lambda w: {"slug": "shams"}, Can.VIEW, scope="organisation"),
    "events:media_create": Case(lambda w: {"slug": "shams"}, Can.RUN_EVENTS, scope="organisation"),
    "events:project_reach": Case(lambda w: {"pk": w.project.pk}, Can.VIEW),
    "events:attendance_sheet": Case(
        lambda w: {"pk": events.make_event(w).pk}, Can.VIEW_PERSONAL_DATA, scope="organisation"
    ),
    "events:badges": Case(
        lambda w: {"pk": events.make_event(w).pk}, Can.RUN_EVENTS, scope="organisation"
    ),
    "events:certificate": Case(
        lambda w: {"pk": events.make_registration(w).pk}, Can.RUN_EVENTS, scope="organisation"
    ),
    "events:feedback_results": Case(
        lambda w: {"pk": events.make_event(w).pk}, Can.VIEW, scope="organisation"
    ),
    "events:feedback_review": Case(
        lambda w: {"pk": events.make_feedback(w).pk},
        Can.RUN_EVENTS,
        scope="organisation",
        method="post",
        data=lambda w: {"decision": "approve"},
        success=302,
    ),
    "events:feedback": Case(
        lambda w: {"slug": events.make_event(w).slug, "code": events.make_registration(w).code},
        PUBLIC,
    ),
    "events:public_event": Case(lambda w: {"slug": events.make_event(w).slug}, PUBLIC),
    "events:register": Case(lambda w: {"slug": events.make_event(w).slug}, PUBLIC),
    "events:confirmation": Case(
        lambda w: {"slug": events.make_event(w).slug, "code": events.make_registration(w).code},
        PUBLIC,
    ),
    "library:index": Case(none, PUBLIC),
    "library:resource": Case(lambda w: {"pk": library.public_resource(w).pk}, PUBLIC),
    "library:download": Case(lambda w: {"pk": library.public_resource(w).pk}, PUBLIC, success=302),
    "library:manage": Case(none, LOGIN),
    "library:resource_create": Case(
        lambda w: {"slug": "shams"}, Can.MANAGE_LIBRARY, scope="organisation"
    ),
    "library:resource_edit": Case(
        lambda w: {"pk": library.project_resource(w).pk}, Can.MANAGE_LIBRARY
    ),
    "library:version_add": Case(
        lambda w: {"pk": library.project_resource(w).pk}, Can.MANAGE_LIBRARY
    ),
    "library:resource_delete": Case(
        lambda w: {"pk": library.project_resource(w).pk},
        Can.MANAGE_LIBRARY,
        method="post",
        success=302,
    ),
    "dialogue:conversation": Case(
        lambda w: {"slug": dialogue.dialogue_world(w)["conversation"].slug}, PUBLIC
    ),
    "dialogue:join": Case(
        lambda w: {"slug": dialogue.dialogue_world(w)["conversation"].slug},
        PUBLIC,
        method="post",
        data=lambda w: {"code": "NOT-A-CODE"},
        success=302,
    ),
    "dialogue:vote": Case(
        lambda w: {"slug": dialogue.dialogue_world(w)["conversation"].slug},
        PUBLIC,
        method="post",
        data=lambda w: {"statement": dialogue.dialogue_world(w)["statement"].pk, "value": 1},
        success=302,
    ),
    "dialogue:submit": Case(
        lambda w: {"slug": dialogue.dialogue_world(w)["conversation"].slug},
        PUBLIC,
        method="post",
        data=lambda w: {"text": "المراكز الشبابية تبعد الشباب عن العنف"},
        success=302,
    ),
    "dialogue:mine": Case(
        lambda w: {"slug": dialogue.dialogue_world(w)["conversation"].slug}, PUBLIC
    ),
    "dialogue:appeal": Case(
        lambda w: {
            "slug": dialogue.dialogue_world(w)["conversation"].slug,
            "pk": dialogue.dialogue_world(w)["rejected"].pk,
        },
        PUBLIC,
        method="post",
        success=404,  # only the author's cookie may appeal
    ),
    "dialogue:report": Case(
        lambda w: {
            "slug": dialogue.dialogue_world(w)["conversation"].slug,
            "pk": dialogue.dialogue_world(w)["statement"].pk,
        },
        PUBLIC,
        method="post",
        data=lambda w: {"reason": "spam"},
        success=302,
    ),
    "dialogue:map": Case(
        lambda w: {"slug": dialogue.dialogue_world(w)["conversation"].slug}, PUBLIC
    ),
    "dialogue:moderation_stats": Case(
        lambda w: {"slug": dialogue.dialogue_world(w)["conversation"].slug}, PUBLIC
    ),
    "dialogue:project_conversations": Case(lambda w: {"pk": w.project.pk}, Can.VIEW),
    "dialogue:create": Case(lambda w: {"pk": w.project.pk}, Can.RUN_EVENTS),
    "dialogue:detail": Case(
        lambda w: {"pk": dialogue.dialogue_world(w)["conversation"].pk}, Can.VIEW
    ),
    "dialogue:edit": Case(
        lambda w: {"pk": dialogue.dialogue_world(w)["conversation"].pk}, Can.RUN_EVENTS
    ),
    "dialogue:codes": Case(
        lambda w: {"pk": dialogue.dialogue_world(w)["conversation"].pk}, Can.RUN_EVENTS
    ),
    "dialogue:offline": Case(
        lambda w: {"pk": dialogue.dialogue_world(w)["conversation"].pk}, Can.RUN_EVENTS
    ),
    "dialogue:tally": Case(
        lambda w: {"pk": dialogue.dialogue_world(w)["statement"].pk},
        Can.RUN_EVENTS,
        method="post",
        data=lambda w: {"session": "Ramadi", "agree": 3, "disagree": 1, "passed": 0},
        success=302,
    ),
    "dialogue:queue": Case(
        lambda w: {"pk": dialogue.dialogue_world(w)["conversation"].pk}, Can.MODERATE
    ),
    "dialogue:decide": Case(
        lambda w: {"pk": dialogue.dialogue_world(w)["statement"].pk},
        Can.MODERATE,
        method="post",
        data=lambda w: {"decision": "accept", "reason": "acceptable"},
        success=302,
    ),
    "dialogue:decide_appeal": Case(
        lambda w: {"pk": dialogue.dialogue_world(w)["appeal"].pk},
        Can.MODERATE,
        method="post",
        data=lambda w: {"decision": "reject", "reason": "off_topic"},
        success=302,
    ),
    "dialogue:facilitator": Case(
        lambda w: {"pk": dialogue.dialogue_world(w)["conversation"].pk}, Can.VIEW
    ),
    "dialogue:recompute": Case(
        lambda w: {"pk": dialogue.dialogue_world(w)["conversation"].pk},
        Can.RUN_EVENTS,
        method="post",
        success=302,
    ),
    "dialogue:export": Case(
        lambda w: {"pk": dialogue.dialogue_world(w)["conversation"].pk, "kind": "votes"},
        Can.RUN_EVENTS,
    ),
    "dialogue:report_docx": Case(
        lambda w: {"pk": dialogue.dialogue_world(w)["conversation"].pk}, Can.VIEW
    ),
    "dialogue:moderation_models": Case(
        lambda w: {"slug": "shams"}, Can.MODERATE, scope="organisation"
    ),
    "dialogue:moderation_model_train": Case(
        lambda w: {"slug": "shams"}, Can.MODERATE, scope="organisation", method="post", success=302
    ),
    "dialogue:moderation_model_activate": Case(
        lambda w: {"pk": dialogue.model_candidate(w).pk},
        Can.MODERATE,
        scope="organisation",
        method="post",
        success=302,
    ),
    "dialogue:moderation_model_deactivate": Case(
        lambda w: {"slug": "shams"}, Can.MODERATE, scope="organisation", method="post", success=302
    ),
    # reports: exports and donor reports per project and period, API tokens per organisation
    "reports:project_reports": Case(lambda w: {"pk": w.project.pk}, Can.VIEW),
    "reports:project_dashboard": Case(lambda w: {"pk": w.project.pk}, Can.VIEW),
    "reports:programme_dashboard": Case(lambda w: {"slug": w.programme.slug}, Can.VIEW),
    "reports:iati": Case(lambda w: {"pk": w.project.pk}, Can.VIEW),
    "reports:hxl": Case(lambda w: {"pk": w.project.pk}, Can.VIEW),
    "reports:donor_report": Case(lambda w: {"pk": w.period.pk}, Can.VIEW),
    "reports:donor_report_edit": Case(lambda w: {"pk": w.period.pk}, Can.EDIT_INDICATORS),
    "reports:donor_report_publish": Case(
        lambda w: {"pk": reports.approved_period(w).pk},
        Can.APPROVE_PERIODS,
        scope="project",
        method="post",
        data=lambda w: {"language": "ar", "visibility": "organisation"},
        success=302,
    ),
    "reports:donor_docx": Case(lambda w: {"pk": w.period.pk}, Can.VIEW),
    "reports:donor_pdf": Case(lambda w: {"pk": w.period.pk}, Can.VIEW),
    "reports:donor_xlsx": Case(lambda w: {"pk": w.period.pk}, Can.VIEW),
    "reports:api_tokens": Case(
        lambda w: {"slug": "shams"}, Can.MANAGE_MEMBERS, scope="organisation"
    ),
    "reports:api_token_revoke": Case(
        lambda w: {"pk": reports.make_token(w).pk},
        Can.MANAGE_MEMBERS,
        scope="organisation",
        method="post",
        success=302,
    ),
    # research: coding and findings per project (analysts code; everyone who sees the project
    # reads published findings and the report)
    "research:index": Case(none, LOGIN),
    "research:home": Case(lambda w: {"pk": w.project.pk}, Can.VIEW),
    "research:codebook": Case(lambda w: {"pk": w.project.pk}, Can.VIEW),
    "research:code_create": Case(lambda w: {"pk": w.project.pk}, Can.MANAGE_FORMS),
    "research:code_edit": Case(lambda w: {"pk": research.code(w).pk}, Can.MANAGE_FORMS),
    "research:sources": Case(lambda w: {"pk": w.project.pk}, Can.MANAGE_FORMS),
    "research:source": Case(
        lambda w: {
            "pk": w.project.pk,
            "kind": "minutes",
            "object_id": research.minutes_meeting(w).pk,
        },
        Can.MANAGE_FORMS,
    ),
    "research:segment_codes": Case(
        lambda w: {"pk": research.table_segment(w).pk},
        Can.MANAGE_FORMS,
        method="post",
        data=lambda w: {"codes": [research.code(w).pk]},
        success=302,
    ),
    "research:search": Case(lambda w: {"pk": w.project.pk}, Can.MANAGE_FORMS),
    "research:frequencies": Case(lambda w: {"pk": w.project.pk}, Can.MANAGE_FORMS),
    "research:suggestions": Case(lambda w: {"pk": w.project.pk}, Can.MANAGE_FORMS),
    "research:suggestions_generate": Case(
        lambda w: {"pk": w.project.pk}, Can.MANAGE_FORMS, method="post", success=302
    ),
    "research:suggestion_decide": Case(
        lambda w: {"pk": research.table_suggestion(w).pk},
        Can.MANAGE_FORMS,
        method="post",
        data=lambda w: {"decision": "reject"},
        success=302,
    ),
    "research:finding_create": Case(lambda w: {"pk": w.project.pk}, Can.MANAGE_FORMS),
    "research:finding": Case(lambda w: {"pk": research.published_finding(w).pk}, Can.VIEW),
    "research:finding_edit": Case(lambda w: {"pk": research.draft_finding(w).pk}, Can.MANAGE_FORMS),
    "research:evidence_add": Case(lambda w: {"pk": research.draft_finding(w).pk}, Can.MANAGE_FORMS),
    "research:finding_refresh": Case(
        lambda w: {"pk": research.draft_finding(w).pk},
        Can.MANAGE_FORMS,
        method="post",
        success=302,
    ),
    "research:finding_status": Case(
        lambda w: {"pk": research.draft_finding(w).pk},
        Can.MANAGE_FORMS,
        method="post",
        data=lambda w: {"status": "reviewed"},
        success=302,
    ),
    "research:report": Case(lambda w: {"pk": w.project.pk}, Can.VIEW),
    "research:report_edit": Case(lambda w: {"pk": w.project.pk}, Can.MANAGE_FORMS),
    "research:report_docx": Case(lambda w: {"pk": w.project.pk}, Can.VIEW),
    "research:report_pdf": Case(lambda w: {"pk": w.project.pk}, Can.VIEW),
    # The API answers tokens only, never a session: 401 whoever is signed in (its own role
    # table with tokens is in reports/tests/test_api_roles.py).
    "api:openapi-json": Case(none, PUBLIC),
    "api:api-root": Case(none, PUBLIC, success=404),
    "api:projects": Case(none, PUBLIC, success=401),
    "api:project": Case(lambda w: {"project_id": w.project.pk}, PUBLIC, success=401),
    "api:framework": Case(lambda w: {"project_id": w.project.pk}, PUBLIC, success=401),
    "api:periods": Case(lambda w: {"project_id": w.project.pk}, PUBLIC, success=401),
    "api:indicators": Case(lambda w: {"project_id": w.project.pk}, PUBLIC, success=401),
    "api:indicator": Case(lambda w: {"indicator_id": w.indicator.pk}, PUBLIC, success=401),
    "api:values": Case(lambda w: {"indicator_id": w.indicator.pk}, PUBLIC, success=401),
    "api:activities": Case(lambda w: {"project_id": w.project.pk}, PUBLIC, success=401),
    "api:reach": Case(lambda w: {"project_id": w.project.pk}, PUBLIC, success=401),
    "api:submissions": Case(lambda w: {"form_id": surveys.table_form(w).pk}, PUBLIC, success=401),
    "api:analysis": Case(lambda w: {"form_id": surveys.table_form(w).pk}, PUBLIC, success=401),
    "api:resources": Case(none, PUBLIC, success=401),
}


def _names(patterns, prefix: str = "") -> list[str]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            found += _names(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append(prefix + pattern.name)
    return found


def test_every_url_pattern_is_in_the_table():
    names = set(_names(get_resolver().url_patterns))
    assert names - set(TABLE) == set(), "add these URLs to the role table"
    assert set(TABLE) - names == set(), "these table entries have no URL any more"


def expected_status(case: Case, user_name: str) -> int:
    if case.need == PUBLIC:
        if case.signed_in and user_name != "anonymous":
            return case.signed_in
        return case.success
    if user_name == "anonymous":
        return 302  # to the sign-in page
    if case.need == LOGIN:
        return case.success
    if user_name == "outsider":
        return 404
    if user_name == "partner_viewer":
        if case.scope == "organisation":
            return 404
        allowed = capabilities(Role.VIEWER) & capabilities(Role.VIEWER)
    else:
        allowed = capabilities(ROLE_USERS[user_name])
    return case.success if case.need in allowed else 403


@pytest.mark.parametrize("user_name", ALL_USERS)
@pytest.mark.parametrize("url_name", sorted(TABLE))
def test_url_answers_each_role_as_its_capabilities_say(client, world, url_name, user_name):
    case = TABLE[url_name]
    if url_name == "programmes:public_project":
        world.project.is_public = user_name != "outsider"  # both states get exercised
        world.project.save()
        expected = 404 if user_name == "outsider" else 200
    else:
        expected = expected_status(case, user_name)
    user = world.user(user_name)
    if user is not None:
        client.force_login(user)
    url = reverse(url_name, kwargs=case.args(world))
    data = case.data(world) if case.data else {}
    response = client.post(url, data) if case.method == "post" else client.get(url)
    assert response.status_code == expected, f"{url_name} as {user_name}"
    if expected == 302 and user_name == "anonymous" and case.need not in (PUBLIC,):
        assert "/accounts/login/" in response["Location"]
