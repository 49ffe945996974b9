"""The audit log for an organisation's administrators: filter, read, export, check the seals."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jusoor.accounts.access import get_organisation_for_user
from jusoor.accounts.models import Organisation
from jusoor.accounts.roles import Can
from jusoor.core import audit
from jusoor.core.forms import BaseForm
from jusoor.core.models import AuditEvent, verify_chain

PAGE_SIZE = 100
EXPORT_LIMIT = 100_000
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class AuditFilterForm(BaseForm):
    actor = forms.CharField(label=gettext_lazy("who"), required=False, max_length=150)
    action = forms.ChoiceField(label=gettext_lazy("action"), required=False)
    since = forms.DateField(
        label=gettext_lazy("from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("any"))] + [(a, a) for a in actions]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date is before the start date."))
        return data


def _events(organisation: Organisation, form: AuditFilterForm) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(organisation_id=organisation.pk)
    if not form.is_valid():
        return events
    data = form.cleaned_data
    if data.get("actor"):
        events = events.filter(actor_label__icontains=data["actor"].strip())
    if data.get("action"):
        events = events.filter(action=data["action"])
    zone = timezone.get_current_timezone()
    if data.get("since"):
        events = events.filter(
            created_at__gte=dt.datetime.combine(data["since"], dt.time.min, tzinfo=zone)
        )
    if data.get("until"):
        events = events.filter(
            created_at__lt=dt.datetime.combine(
                data["until"] + dt.timedelta(days=1), dt.time.min, tzinfo=zone
            )
        )
    return events


def _filters(organisation: Organisation, request: HttpRequest) -> AuditFilterForm:
    actions = sorted(
        set(
            AuditEvent.objects.filter(organisation_id=organisation.pk)
            .values_list("action", flat=True)
            .distinct()
        )
    )
    return AuditFilterForm(request.GET or None, actions=actions)


def chain_status(organisation: Organisation) -> dict[str, Any]:
    """Whether every seal holds; where it breaks, named only if the event is this organisation's."""
    checked, broken = verify_chain()
    if broken is None:
        return {"intact": True, "checked": checked}
    return {
        "intact": False,
        "checked": checked,
        "at": broken.created_at if broken.organisation_id == organisation.pk else None,
    }


@login_required
def audit_events(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug, Can.VIEW_AUDIT)
    form = _filters(organisation, request)
    events = _events(organisation, form)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_events.html",
        {
            "organisation": organisation,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "chain": chain_status(organisation),
        },
    )


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


@login_required
def audit_export(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug, Can.VIEW_AUDIT)
    form = _filters(organisation, request)
    events = list(_events(organisation, form)[:EXPORT_LIMIT])
    filters = {k: v for k, v in request.GET.items() if k != "page" and v}
    # The export is itself an event, recorded before the file leaves.
    audit.record(
        request.user,
        "audit.export",
        organisation,
        request=request,
        filters=filters,
        rows=len(events),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-{organisation.slug}-{stamp}.csv"'
    )
    response.write("\ufeff")  # Excel reads UTF-8 Arabic only with the byte-order mark
    writer = csv.writer(response)
    writer.writerow(
        [
            "id",
            "when",
            "who",
            "action",
            "object_type",
            "object_id",
            "object",
            "from",
            "details",
            "hash",
        ]
    )
    for event in events:
        writer.writerow(
            [
                _cell(v)
                for v in (
                    event.pk,
                    event.created_at.isoformat(),
                    event.actor_label,
                    event.action,
                    event.object_type,
                    event.object_id,
                    event.object_repr,
                    event.ip_address,
                    audit_details(event),
                    event.hash,
                )
            ]
        )
    return response


def audit_details(event: AuditEvent) -> str:
    import json

    return json.dumps(event.data, ensure_ascii=False, sort_keys=True) if event.data else ""
