"""Workspace pages for meetings and events, and the public registration pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jusoor.accounts.access import get_organisation_for_user
from jusoor.accounts.roles import Can, capabilities
from jusoor.engines.arabic import search_terms
from jusoor.events import reach, services
from jusoor.events.access import (
    get_commitment_for_user,
    get_event_for_user,
    get_feedback_for_user,
    get_meeting_for_user,
    get_registration_for_user,
    get_session_for_user,
)
from jusoor.events.feedback import feedback_summary
from jusoor.events.forms import (
    AttendeesForm,
    CheckInForm,
    CommitmentForm,
    CommitmentUpdateForm,
    EventForm,
    MediaForm,
    MeetingForm,
    QuotaForm,
    SessionForm,
    StakeholderAttendeesForm,
    TakeawayForm,
    TakeawaySearchForm,
    WalkInForm,
)
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
    TextReview,
)
from jusoor.people import services as people
from jusoor.people.access import get_stakeholder_for_user
from jusoor.programmes.access import get_project_for_user


def _form_page(request: HttpRequest, form, title: str, back: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    return render(request, "events/form.html", {"form": form, "title": title, "back": back})


# --- meetings ------------------------------------------------------------------------------


@login_required
def meeting_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, role = get_organisation_for_user(request, slug)
    meetings = (
        Meeting.objects.filter(organisation=organisation)
        .select_related("area")
        .annotate(
            people=Count("attendees", distinct=True),
            officials=Count("stakeholders", distinct=True),
            outputs=Count("takeaways", distinct=True),
        )
    )
    return render(
        request,
        "events/meeting_list.html",
        {"organisation": organisation, "meetings": meetings, "can": capabilities(role)},
    )


@login_required
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug, Can.RUN_EVENTS)
    form = MeetingForm(
        request.POST or None, instance=Meeting(organisation=organisation), organisation=organisation
    )
    if request.method == "POST" and form.is_valid():
        meeting = services.save(request.user, form.save(commit=False), "meeting", request)
        messages.success(request, _("Meeting saved."))
        return redirect("events:meeting", pk=meeting.pk)
    return _form_page(request, form, _("New meeting"), reverse("events:meeting_list", args=[slug]))


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request, pk, Can.RUN_EVENTS)
    form = MeetingForm(request.POST or None, instance=meeting, organisation=meeting.organisation)
    if request.method == "POST" and form.is_valid():
        services.save(request.user, form.save(commit=False), "meeting", request)
        messages.success(request, _("Meeting saved."))
        return redirect("events:meeting", pk=meeting.pk)
    return _form_page(
        request, form, _("Edit meeting"), reverse("events:meeting", args=[meeting.pk])
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request, pk)
    can = request.capabilities  # type: ignore[attr-defined]
    attendees = list(meeting.attendees.select_related("area"))
    show_personal = Can.VIEW_PERSONAL_DATA in can
    if show_personal:
        people.audit_personal_data_view(
            request.user, meeting.organisation, attendees, "events.meeting", request
        )
    return render(
        request,
        "events/meeting_detail.html",
        {
            "meeting": meeting,
            "can": can,
            "attendees": attendees,
            "show_personal": show_personal,
            "stakeholders": meeting.stakeholders.select_related("area", "partner"),
            "stakeholders_form": StakeholderAttendeesForm(meeting=meeting),
            "takeaways": meeting.takeaways.select_related("area"),
            "attendees_form": AttendeesForm(),
            "takeaway_form": TakeawayForm(initial={"area": meeting.area_id}),
        },
    )


@login_required
@require_POST
def meeting_attendees(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request, pk, Can.RUN_EVENTS)
    form = AttendeesForm(request.POST)
    if form.is_valid():
        try:
            added = services.add_meeting_attendees(request.user, meeting, form.code_list(), request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(count)d attendees added.") % {"count": len(added)})
    else:
        messages.error(request, _("Type at least one participant code."))
    return redirect("events:meeting", pk=meeting.pk)


@login_required
@require_POST
def meeting_stakeholders(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request, pk, Can.RUN_EVENTS)
    if remove := request.POST.get("remove"):
        stakeholder = get_stakeholder_for_user(request, int(remove) if remove.isdigit() else 0)
        services.remove_meeting_stakeholder(request.user, meeting, stakeholder, request)
        messages.success(
            request, _("%(name)s removed from the meeting.") % {"name": stakeholder.name}
        )
        return redirect("events:meeting", pk=meeting.pk)
    form = StakeholderAttendeesForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            added = services.add_meeting_stakeholders(
                request.user, meeting, list(form.cleaned_data["stakeholders"]), request
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(count)d stakeholders added.") % {"count": len(added)})
    elif not request.POST.getlist("stakeholders"):
        messages.error(request, _("Choose at least one person from the directory."))
    else:
        messages.error(request, " ".join(form.errors.get("stakeholders", [])))
    return redirect("events:meeting", pk=meeting.pk)


@login_required
def meeting_takeaway_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request, pk, Can.RUN_EVENTS)
    form = TakeawayForm(
        request.POST or None,
        instance=Takeaway(organisation=meeting.organisation, meeting=meeting),
        initial={"area": meeting.area_id},
    )
    if request.method == "POST" and form.is_valid():
        services.save(request.user, form.save(commit=False), "takeaway", request)
        messages.success(request, _("Takeaway recorded."))
        return redirect("events:meeting", pk=meeting.pk)
    return _form_page(
        request, form, _("New takeaway"), reverse("events:meeting", args=[meeting.pk])
    )


@login_required
def takeaway_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug)
    takeaways = Takeaway.objects.filter(organisation=organisation).select_related(
        "area", "meeting", "session__event"
    )
    form = TakeawaySearchForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            takeaways = takeaways.filter(kind=data["kind"])
        if data["theme"]:
            takeaways = takeaways.filter(theme__icontains=data["theme"])
        if data["area"]:
            takeaways = takeaways.filter(area=data["area"])
        if data["q"]:
            # Arabic-aware: compare normalised stems, not raw substrings.
            wanted = set(search_terms(data["q"]))
            takeaways = [t for t in takeaways if wanted & set(search_terms(f"{t.text} {t.theme}"))]
    return render(
        request,
        "events/takeaway_list.html",
        {"organisation": organisation, "takeaways": takeaways, "form": form},
    )


# --- events --------------------------------------------------------------------------------


@login_required
def event_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, role = get_organisation_for_user(request, slug)
    events = Event.objects.filter(organisation=organisation).annotate(
        confirmed=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        ),
        present=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False)),
    )
    return render(
        request,
        "events/event_list.html",
        {"organisation": organisation, "events": events, "can": capabilities(role)},
    )


@login_required
def event_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug, Can.RUN_EVENTS)
    form = EventForm(
        request.POST or None, instance=Event(organisation=organisation), organisation=organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = services.save_event(request.user, form.save(commit=False), request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Event saved."))
            return redirect("events:event", pk=event.pk)
    return _form_page(request, form, _("New event"), reverse("events:event_list", args=[slug]))


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request, pk, Can.RUN_EVENTS)
    form = EventForm(request.POST or None, instance=event, organisation=event.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_event(request.user, form.save(commit=False), request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Event saved."))
            return redirect("events:event", pk=event.pk)
    return _form_page(request, form, _("Edit event"), reverse("events:event", args=[event.pk]))


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request, pk)
    registrations = Registration.objects.filter(event=event)
    by_group = dict(
        registrations.filter(status=RegistrationStatus.CONFIRMED, is_guest=False)
        .values_list("person__target_group")
        .annotate(n=Count("id"))
    )
    quotas = [(q, by_group.get(q.target_group, 0)) for q in event.quotas.all()]
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "can": request.capabilities,  # type: ignore[attr-defined]
            "sessions": event.sessions.prefetch_related("takeaways").annotate(
                present=Count("attendance")
            ),
            "quotas": quotas,
            "counts": registrations.aggregate(
                confirmed=Count(
                    "id", filter=Q(status=RegistrationStatus.CONFIRMED, is_guest=False)
                ),
                waiting=Count("id", filter=Q(status=RegistrationStatus.WAITING)),
                guests=Count("id", filter=Q(is_guest=True, status=RegistrationStatus.CONFIRMED)),
                present=Count("id", filter=Q(checked_in_at__isnull=False)),
                walk_ins=Count("id", filter=Q(walk_in=True)),
            ),
            "commitments": event.commitments.all(),
            "media": event.media.all(),
            "reach": reach.event_reach(event),
            "feedback": feedback_summary(event),
        },
    )


@login_required
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request, pk, Can.RUN_EVENTS)
    form = SessionForm(request.POST or None, instance=Session(event=event))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_session(request.user, form.save(commit=False), request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Session saved."))
            return redirect("events:event", pk=event.pk)
    return _form_page(request, form, _("New session"), reverse("events:event", args=[event.pk]))


@login_required
def session_takeaway_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, Can.RUN_EVENTS)
    form = TakeawayForm(
        request.POST or None,
        instance=Takeaway(organisation=session.event.organisation, session=session),
        initial={"area": session.event.area_id},
    )
    if request.method == "POST" and form.is_valid():
        services.save(request.user, form.save(commit=False), "takeaway", request)
        messages.success(request, _("Takeaway recorded."))
        return redirect("events:event", pk=session.event_id)
    return _form_page(
        request, form, _("New takeaway"), reverse("events:event", args=[session.event_id])
    )


@login_required
def quotas(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request, pk, Can.RUN_EVENTS)
    form = QuotaForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        services.set_quotas(request.user, event, form.places(), request)
        messages.success(request, _("Quotas saved."))
        return redirect("events:event", pk=event.pk)
    return _form_page(
        request, form, _("Places per target group"), reverse("events:event", args=[event.pk])
    )


@login_required
def registrations(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request, pk)
    can = request.capabilities  # type: ignore[attr-defined]
    rows = list(Registration.objects.filter(event=event).select_related("person__area", "guest_of"))
    show_personal = Can.VIEW_PERSONAL_DATA in can
    if show_personal:
        people.audit_personal_data_view(
            request.user,
            event.organisation,
            [r.person for r in rows],
            "events.registrations",
            request,
        )
    return render(
        request,
        "events/registrations.html",
        {"event": event, "rows": rows, "can": can, "show_personal": show_personal},
    )


@login_required
@require_POST
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_registration_for_user(request, pk, Can.RUN_EVENTS)
    try:
        promoted = services.cancel_registration(request.user, registration, request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Registration %(code)s cancelled.") % {"code": registration.code}
        )
        if promoted:
            messages.info(
                request,
                _("%(code)s moved from the waiting list to a confirmed place.")
                % {"code": promoted.code},
            )
    return redirect("events:registrations", pk=registration.event_id)


@login_required
def walk_in(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request, pk, Can.RUN_EVENTS)
    form = WalkInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["code"]:
                code = services.normalise_code(data["code"], prefix="P-")
                person = people.active_people(event.organisation).filter(code=code).first()
                if person is None:
                    raise ValidationError(
                        _("No participant has the code %(code)s.") % {"code": code}
                    )
            else:
                person = services.find_or_create_person(
                    request.user,
                    event.organisation,
                    data,
                    channel=_("at the door"),
                    request=request,
                )
            registration, new = services.register(
                request.user,
                event,
                person,
                is_guest=data["is_guest"],
                guest_of=data["guest_of"],
                walk_in=True,
                request=request,
            )
            if registration.status == RegistrationStatus.CONFIRMED:
                services.check_in(request.user, event, registration.code, request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.CheckInError as exc:
            messages.warning(request, str(exc))
            return redirect("events:walk_in", pk=event.pk)
        else:
            if registration.status == RegistrationStatus.WAITING:
                messages.warning(
                    request,
                    _("The places for this group are taken: %(code)s is on the waiting list.")
                    % {"code": person.code},
                )
            else:
                messages.success(
                    request, _("%(code)s registered and checked in.") % {"code": person.code}
                )
            return redirect("events:walk_in", pk=event.pk)
    return render(request, "events/walk_in.html", {"event": event, "form": form})


@login_required
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """The door. A POST answers in the same response (no redirect): one round trip per person
    on a slow mobile network, and posting a code again only gets "already used"."""
    event = get_event_for_user(request, pk, Can.RUN_EVENTS)
    session = None
    if request.method == "POST":
        form = CheckInForm(request.POST, event=event)
        if form.is_valid():
            session = form.cleaned_data["session"]
            try:
                done = services.check_in(
                    request.user, event, form.cleaned_data["code"], session=session, request=request
                )
            except services.CheckInError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _welcome(done, event))
            # A fresh form for the next person, on the same session.
            form = CheckInForm(event=event, initial={"session": session.pk if session else None})
    else:
        initial = {"code": request.GET.get("code", ""), "session": request.GET.get("session")}
        form = CheckInForm(event=event, initial=initial)
    present = Registration.objects.filter(event=event, checked_in_at__isnull=False).count()
    return render(
        request, "events/check_in.html", {"event": event, "form": form, "present": present}
    )


def _welcome(done: services.CheckIn, event: Event) -> str:
    person = done.registration.person
    where = done.session.topic if done.session else str(event)
    label = f"{done.registration.code} · {person.get_target_group_display()}"
    if done.registration.is_guest:
        label += " · " + _("guest")
    return _("Welcome: %(who)s checked in (%(where)s).") % {"who": label, "where": where}


# --- feedback ------------------------------------------------------------------------------


@login_required
def feedback_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Ratings for everyone who may see the event; written answers once reviewed, and the
    queue of those waiting for review for those who run events."""
    event = get_event_for_user(request, pk)
    can = request.capabilities  # type: ignore[attr-defined]
    summary = feedback_summary(event)
    answers = Feedback.objects.filter(event=event).order_by("created_at", "id")
    approved = answers.filter(text_review=TextReview.APPROVED)
    pending = answers.filter(text_review=TextReview.PENDING) if Can.RUN_EVENTS in can else []
    return render(
        request,
        "events/feedback_results.html",
        {
            "event": event,
            "can": can,
            "summary": summary,
            "approved": approved,
            "pending": pending,
        },
    )


@login_required
@require_POST
def feedback_review(request: HttpRequest, pk: int) -> HttpResponse:
    answer = get_feedback_for_user(request, pk, Can.RUN_EVENTS)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("Choose “show” or “do not show”."))
    else:
        try:
            services.review_feedback(request.user, answer, decision == "approve", request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The written answer is now shown on the results page.")
                if decision == "approve"
                else _("The written answer will not be shown."),
            )
    return redirect("events:feedback_results", pk=answer.event_id)


# --- commitments and media -----------------------------------------------------------------


@login_required
def commitment_create(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request, pk, Can.RUN_EVENTS)
    initial = Commitment(organisation=event.organisation, event=event)
    takeaway = Takeaway.objects.filter(
        pk=request.GET.get("takeaway") or 0, session__event=event
    ).first()
    if takeaway:
        initial = services.commitment_from_takeaway(takeaway)
    form = CommitmentForm(request.POST or None, instance=initial, event=event)
    if request.method == "POST" and form.is_valid():
        commitment = services.save(request.user, form.save(commit=False), "commitment", request)
        messages.success(request, _("Commitment recorded."))
        return redirect("events:commitment", pk=commitment.pk)
    return _form_page(request, form, _("New commitment"), reverse("events:event", args=[event.pk]))


@login_required
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = get_commitment_for_user(request, pk)
    can = request.capabilities  # type: ignore[attr-defined]
    form = CommitmentUpdateForm(
        request.POST or None,
        instance=CommitmentUpdate(commitment=commitment),
        initial={"status": commitment.status},
    )
    if request.method == "POST":
        if Can.RUN_EVENTS not in can:
            raise PermissionDenied
        if form.is_valid():
            services.add_commitment_update(
                request.user, form.save(commit=False), form.cleaned_data["status"], request
            )
            messages.success(request, _("Progress recorded."))
            return redirect("events:commitment", pk=commitment.pk)
    return render(
        request,
        "events/commitment_detail.html",
        {"commitment": commitment, "can": can, "form": form, "updates": commitment.updates.all()},
    )


@login_required
def media_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, role = get_organisation_for_user(request, slug)
    entries = MediaEntry.objects.filter(organisation=organisation).select_related(
        "event", "meeting", "activity"
    )
    return render(
        request,
        "events/media_list.html",
        {
            "organisation": organisation,
            "entries": entries,
            "can": capabilities(role),
            "total_reach": sum(e.reach or 0 for e in entries),
        },
    )


@login_required
def media_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug, Can.RUN_EVENTS)
    form = MediaForm(
        request.POST or None,
        instance=MediaEntry(organisation=organisation),
        organisation=organisation,
    )
    if request.method == "POST" and form.is_valid():
        services.save(request.user, form.save(commit=False), "media", request)
        messages.success(request, _("Media entry saved."))
        return redirect("events:media_list", slug=slug)
    return _form_page(
        request, form, _("New media entry"), reverse("events:media_list", args=[slug])
    )


@login_required
def project_reach(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk)
    figures = reach.project_reach(project)
    feedback = [
        (event, feedback_summary(event))
        for event in Event.objects.filter(project=project).order_by("start_date", "id")
    ]
    return render(
        request,
        "events/reach.html",
        {
            "project": project,
            "reach": figures,
            "public": reach.suppress(figures),
            "feedback": [(e, f) for e, f in feedback if f.responses],
        },
    )
