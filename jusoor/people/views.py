"""Workspace pages of the participant registry, its deduplication queue and list imports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jusoor.accounts.access import get_organisation_for_user
from jusoor.accounts.roles import Can, capabilities
from jusoor.engines.arabic import normalise_phone
from jusoor.people import importing, services, stakeholders
from jusoor.people.access import (
    get_import_for_user,
    get_merge_for_user,
    get_person_for_user,
    get_stakeholder_for_user,
    get_suggestion_for_user,
)
from jusoor.people.forms import (
    ConsentForm,
    NewPersonForm,
    PersonForm,
    SearchForm,
    StakeholderFilterForm,
    StakeholderForm,
)
from jusoor.people.models import DuplicateSuggestion, Merge, Person, Stakeholder, SuggestionStatus

PAGE_SIZE = 50


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@login_required
def person_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, role = get_organisation_for_user(request, slug)
    can = capabilities(role)
    show_personal = Can.VIEW_PERSONAL_DATA in can
    people = services.active_people(organisation).order_by("code")
    search = SearchForm(request.GET or None)
    if search.is_valid() and (q := search.cleaned_data["q"].strip()):
        if show_personal and normalise_phone(q):
            people = people.filter(phone_index=Person._meta.get_field("phone_index").hash_of(q))
        else:
            people = people.filter(code__iexact=q if q.upper().startswith("P-") else f"P-{q}")
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    if show_personal:
        services.audit_personal_data_view(
            request.user, organisation, page.object_list, "people.list", request
        )
    return render(
        request,
        "people/list.html",
        {
            "organisation": organisation,
            "page": page,
            "search": search,
            "can": can,
            "show_personal": show_personal,
            "pending": DuplicateSuggestion.objects.filter(
                organisation=organisation, status=SuggestionStatus.PENDING
            ).count(),
        },
    )


@login_required
def person_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug, Can.MANAGE_PEOPLE)
    form = NewPersonForm(request.POST or None, instance=Person(organisation=organisation))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.save_person(
                request.user, form.save(commit=False), request, **form.consent()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Participant %(code)s added.") % {"code": person.code})
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/form.html",
        {"form": form, "organisation": organisation, "title": _("New participant")},
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request, pk)
    can = request.capabilities  # type: ignore[attr-defined]
    show_personal = Can.VIEW_PERSONAL_DATA in can and bool(person.name or person.phone)
    if show_personal:
        services.audit_personal_data_view(
            request.user, person.organisation, [person], "people.detail", request
        )
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "can": can,
            "show_personal": show_personal,
            "consents": person.consents.select_related("recorded_by"),
            "registrations": person.registrations.select_related("event"),
            "meetings": person.meetings.all(),
            "merges": Merge.objects.filter(survivor=person).select_related("merged", "merged_by"),
        },
    )


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request, pk, Can.MANAGE_PEOPLE)
    if not person.is_active:
        messages.error(request, _("This record can no longer be changed."))
        return redirect("people:detail", pk=person.pk)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_person(request.user, form.save(commit=False), request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Participant saved."))
            return redirect("people:detail", pk=person.pk)
    else:
        services.audit_personal_data_view(
            request.user, person.organisation, [person], "people.edit", request
        )
    return render(
        request,
        "people/form.html",
        {"form": form, "person": person, "title": _("Edit %(code)s") % {"code": person.code}},
    )


@login_required
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request, pk, Can.MANAGE_PEOPLE)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_consent(request.user, person, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/form.html",
        {
            "form": form,
            "person": person,
            "title": _("Record consent of %(code)s") % {"code": person.code},
        },
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request, pk, Can.MANAGE_PEOPLE)
    services.withdraw_consent(request.user, person, request)
    messages.success(
        request,
        _("%(code)s withdrew consent: name, phone and address are erased everywhere.")
        % {"code": person.code},
    )
    return redirect("people:detail", pk=person.pk)


# --- deduplication -------------------------------------------------------------------------


@login_required
def duplicates(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug, Can.MANAGE_PEOPLE)
    pending = DuplicateSuggestion.objects.filter(
        organisation=organisation, status=SuggestionStatus.PENDING
    ).select_related("left__area", "right__area")
    page = Paginator(pending, 25).get_page(request.GET.get("page"))
    shown = [p for s in page.object_list for p in (s.left, s.right)]
    services.audit_personal_data_view(
        request.user, organisation, shown, "people.duplicates", request
    )
    merges = Merge.objects.filter(organisation=organisation).select_related(
        "survivor", "merged", "merged_by"
    )[:20]
    return render(
        request,
        "people/duplicates.html",
        {"organisation": organisation, "page": page, "merges": merges},
    )


@login_required
@require_POST
def find_duplicates(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug, Can.MANAGE_PEOPLE)
    created = services.find_duplicate_suggestions(request.user, organisation, request)
    messages.success(
        request, _("%(count)d new possible duplicates to review.") % {"count": created}
    )
    return redirect("people:duplicates", slug=organisation.slug)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_suggestion_for_user(request, pk)
    slug = suggestion.organisation.slug
    decision = request.POST.get("decision")
    if suggestion.status != SuggestionStatus.PENDING:
        messages.error(request, _("This pair was already decided."))
    elif decision == "reject":
        services.reject_suggestion(request.user, suggestion, request)
        messages.success(request, _("Marked as different people."))
    elif decision == "merge":
        keep_right = request.POST.get("keep") == "right"
        survivor, merged = (
            (suggestion.right, suggestion.left)
            if keep_right
            else (suggestion.left, suggestion.right)
        )
        try:
            services.merge_people(
                request.user, survivor, merged, suggestion=suggestion, request=request
            )
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(merged)s was merged into %(survivor)s.")
                % {"merged": merged.code, "survivor": survivor.code},
            )
    else:
        messages.error(request, _("Choose “same person” or “different people”."))
    return redirect("people:duplicates", slug=slug)


@login_required
@require_POST
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    merge = get_merge_for_user(request, pk)
    try:
        services.undo_merge(request.user, merge, request)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The merge was undone: %(merged)s is a record of its own again.")
            % {"merged": merge.merged.code},
        )
    return redirect("people:detail", pk=merge.survivor_id)


# --- imports -------------------------------------------------------------------------------


@login_required
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug, Can.MANAGE_PEOPLE)
    form = importing.UploadForm(
        request.POST or None, request.FILES or None, organisation=organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            batch = importing.start_import(
                request.user,
                organisation,
                form.cleaned_data["file"],
                meeting=form.cleaned_data.get("meeting"),
                request=request,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("people:import_preview", pk=batch.pk)
    return render(
        request,
        "people/form.html",
        {
            "form": form,
            "organisation": organisation,
            "title": _("Import a participant list"),
            "multipart": True,
            "intro": _(
                "An Excel (.xlsx) or CSV file with one participant a row and a header row, for "
                "example الاسم، رقم الهاتف، الجنس، العمر، المنطقة. CSV may be UTF-8 or Windows-1256."
            ),
        },
    )


@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_import_for_user(request, pk)
    table = importing.read_batch(batch)
    form = importing.MappingForm(request.POST or None, headers=table.headers, initial=batch.mapping)
    if request.method == "POST" and form.is_valid():
        importing.set_mapping(batch, form.mapping())
    preview = importing.preview(batch)
    services.audit_personal_data_view(
        request.user,
        batch.organisation,
        [row.match for row in preview.rows if row.match],
        "people.import",
        request,
    )
    return render(
        request,
        "people/import_preview.html",
        {"batch": batch, "form": form, "preview": preview},
    )


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_import_for_user(request, pk)
    try:
        result = importing.commit(request.user, batch, request)
    except ValidationError as exc:
        for message in _errors(exc)[:20]:
            messages.error(request, message)
        return redirect("people:import_preview", pk=batch.pk)
    messages.success(
        request,
        _("%(created)d participants added, %(matched)d matched to the registry.") % result,
    )
    return redirect("people:list", slug=batch.organisation.slug)


# --- stakeholder directory -------------------------------------------------------------------


@login_required
def stakeholder_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, role = get_organisation_for_user(request, slug)
    can = capabilities(role)
    show_personal = Can.VIEW_PERSONAL_DATA in can
    rows = Stakeholder.objects.filter(organisation=organisation).select_related("area", "partner")
    filters = StakeholderFilterForm(request.GET or None)
    query = ""
    if filters.is_valid():
        data = filters.cleaned_data
        if data["kind"]:
            rows = rows.filter(kind=data["kind"])
        if data["area"]:
            rows = rows.filter(area=data["area"])
        if not data["inactive"]:
            rows = rows.filter(is_active=True)
        query = data["q"]
    else:
        rows = rows.filter(is_active=True)
    found = stakeholders.search(rows.order_by("kind", "name", "id"), query, by_phone=show_personal)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    if show_personal:
        stakeholders.audit_contact_view(
            request.user, organisation, page.object_list, "people.stakeholders", request
        )
    return render(
        request,
        "people/stakeholder_list.html",
        {
            "organisation": organisation,
            "page": page,
            "filters": filters,
            "can": can,
            "show_personal": show_personal,
            "query_string": _without_page(request),
        },
    )


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def stakeholder_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, role = get_organisation_for_user(request, slug, Can.MANAGE_PEOPLE)
    form = StakeholderForm(
        request.POST or None,
        instance=Stakeholder(organisation=organisation),
        personal=Can.VIEW_PERSONAL_DATA in capabilities(role),
    )
    if request.method == "POST" and form.is_valid():
        stakeholder = stakeholders.save_stakeholder(request.user, form.save(commit=False), request)
        messages.success(
            request, _("%(name)s added to the directory.") % {"name": stakeholder.name}
        )
        return redirect("people:stakeholder", pk=stakeholder.pk)
    return render(
        request,
        "people/stakeholder_form.html",
        {"form": form, "organisation": organisation, "title": _("New stakeholder")},
    )


@login_required
def stakeholder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    stakeholder = get_stakeholder_for_user(request, pk)
    can = request.capabilities  # type: ignore[attr-defined]
    show_personal = Can.VIEW_PERSONAL_DATA in can
    if show_personal:
        stakeholders.audit_contact_view(
            request.user, stakeholder.organisation, [stakeholder], "people.stakeholder", request
        )
    return render(
        request,
        "people/stakeholder_detail.html",
        {
            "stakeholder": stakeholder,
            "can": can,
            "show_personal": show_personal,
            "meetings": stakeholder.meetings.order_by("-date"),
        },
    )


@login_required
def stakeholder_edit(request: HttpRequest, pk: int) -> HttpResponse:
    stakeholder = get_stakeholder_for_user(request, pk, Can.MANAGE_PEOPLE)
    personal = Can.VIEW_PERSONAL_DATA in request.capabilities  # type: ignore[attr-defined]
    form = StakeholderForm(request.POST or None, instance=stakeholder, personal=personal)
    if request.method == "POST" and form.is_valid():
        stakeholders.save_stakeholder(request.user, form.save(commit=False), request)
        messages.success(request, _("Stakeholder saved."))
        return redirect("people:stakeholder", pk=stakeholder.pk)
    if request.method == "GET" and personal:
        stakeholders.audit_contact_view(
            request.user,
            stakeholder.organisation,
            [stakeholder],
            "people.stakeholder_edit",
            request,
        )
    return render(
        request,
        "people/stakeholder_form.html",
        {
            "form": form,
            "stakeholder": stakeholder,
            "title": _("Edit %(name)s") % {"name": stakeholder.name},
        },
    )


@login_required
@require_POST
def stakeholder_active(request: HttpRequest, pk: int) -> HttpResponse:
    stakeholder = get_stakeholder_for_user(request, pk, Can.MANAGE_PEOPLE)
    active = request.POST.get("active") == "1"
    stakeholders.set_stakeholder_active(request.user, stakeholder, active, request)
    messages.success(
        request,
        (_("%(name)s is active again.") if active else _("%(name)s was deactivated."))
        % {"name": stakeholder.name},
    )
    return redirect("people:stakeholder", pk=stakeholder.pk)
