"""Workspace pages: running a conversation, the moderation queue, analysis and exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jusoor.accounts.access import get_organisation_for_user
from jusoor.accounts.roles import Can
from jusoor.core import audit
from jusoor.dialogue import analysis, exports, learning, services
from jusoor.dialogue.access import (
    get_appeal_for_user,
    get_conversation_for_user,
    get_statement_for_user,
)
from jusoor.dialogue.forms import (
    CodesForm,
    ConversationForm,
    DecisionForm,
    OfflineStatementsForm,
    TallyForm,
)
from jusoor.dialogue.models import (
    Appeal,
    Conversation,
    EngineModelStatus,
    OrganisationModerationModel,
    Reason,
    Source,
    Status,
)
from jusoor.dialogue.summary import breakdown_rows
from jusoor.dialogue.svg import group_name, opinion_map_svg
from jusoor.programmes.access import get_project_for_user

K_CHOICES = range(2, 9)


@login_required
def project_conversations(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk)
    return render(
        request,
        "dialogue/list.html",
        {
            "project": project,
            "conversations": project.conversations.all(),
            "can": request.project_capabilities,  # type: ignore[attr-defined]
        },
    )


def _conversation_form_page(
    request: HttpRequest, conversation: Conversation, title: str
) -> HttpResponse:
    form = ConversationForm(request.POST or None, instance=conversation)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_conversation(
                request.user, form.save(commit=False), form.seed_lines(), request
            )
        except ValidationError as exc:
            form.add_error("seeds", exc)
        else:
            messages.success(request, _("Conversation saved."))
            return redirect("dialogue:detail", pk=saved.pk)
    return render(
        request,
        "programmes/form.html",
        {"form": form, "title": title, "project": conversation.project},
    )


@login_required
def conversation_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk, Can.RUN_EVENTS)
    return _conversation_form_page(request, Conversation(project=project), _("New conversation"))


@login_required
def conversation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request, pk, Can.RUN_EVENTS)
    return _conversation_form_page(request, conversation, _("Edit conversation"))


@login_required
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request, pk)
    statements = conversation.statements.all()
    return render(
        request,
        "dialogue/detail.html",
        {
            "conversation": conversation,
            "can": request.project_capabilities,  # type: ignore[attr-defined]
            "counts": {
                "statements": statements.filter(status=Status.PUBLISHED).count(),
                "waiting": statements.filter(
                    Q(status__in=[Status.HELD, Status.HIDDEN]) | Q(needs_review=True)
                ).count(),
                "participants": conversation.participants.count(),
            },
            "public_url": request.build_absolute_uri(
                reverse("dialogue:conversation", kwargs={"slug": conversation.slug})
            ),
        },
    )


@login_required
def codes(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request, pk, Can.RUN_EVENTS)
    form = CodesForm(request.POST or None)
    new_codes: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            new_codes = services.create_codes(
                request.user,
                conversation,
                form.cleaned_data["count"],
                form.cleaned_data["max_uses"],
                form.cleaned_data["label"],
                request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Codes made. Print or copy them now: they are not shown again.")
            )
    return render(
        request,
        "dialogue/codes.html",
        {
            "conversation": conversation,
            "form": form,
            "new_codes": new_codes,
            "existing": conversation.codes.all(),
        },
    )


@login_required
def offline(request: HttpRequest, pk: int) -> HttpResponse:
    """A facilitator enters a panel's statements and, below, their paper vote tallies."""
    conversation = get_conversation_for_user(request, pk, Can.RUN_EVENTS)
    form = OfflineStatementsForm(request.POST or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        added = 0
        for number, line in enumerate(form.cleaned_data["statements"].splitlines(), start=1):
            if not line.strip():
                continue
            try:
                services.submit_statement(
                    conversation,
                    line,
                    source=Source.OFFLINE,
                    entered_by=request.user,
                    offline_session=form.cleaned_data["session"],
                    request=request,
                )
                added += 1
            except ValidationError as exc:
                problems.append(
                    _("Line %(line)d: %(problem)s")
                    % {"line": number, "problem": " ".join(exc.messages)}
                )
        messages.success(request, _("%(n)d statements added.") % {"n": added})
        if not problems:
            return redirect("dialogue:offline", pk=conversation.pk)
    counts = analysis.statement_counts(conversation)
    return render(
        request,
        "dialogue/offline.html",
        {
            "conversation": conversation,
            "form": form,
            "problems": problems,
            "rows": [
                (s, counts.get(s.pk, {}))
                for s in conversation.statements.filter(status=Status.PUBLISHED)
            ],
            "tally_form": TallyForm(),
        },
    )


@login_required
@require_POST
def tally(request: HttpRequest, pk: int) -> HttpResponse:
    statement = get_statement_for_user(request, pk, Can.RUN_EVENTS)
    form = TallyForm(request.POST)
    if form.is_valid():
        try:
            services.record_tally(
                request.user,
                statement,
                form.cleaned_data["session"],
                form.cleaned_data["agree"],
                form.cleaned_data["disagree"],
                form.cleaned_data["passed"],
                request,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Paper votes recorded."))
    else:
        messages.error(request, _("Enter the session and the three counts (0 or more)."))
    return redirect("dialogue:offline", pk=statement.conversation_id)


@login_required
def queue(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request, pk, Can.MODERATE)
    waiting = (
        conversation.statements.filter(
            Q(status__in=[Status.HELD, Status.HIDDEN]) | Q(needs_review=True)
        )
        .prefetch_related("reports")
        .order_by("id")
    )
    labels, actions = (
        dict(Reason.choices),
        {
            "hold": _("held"),
            "review": _("queued for review"),
            "publish": _("published"),
        },
    )
    waiting = list(waiting)
    for statement in waiting:
        statement.form = DecisionForm(auto_id=f"s{statement.pk}_%s")
        statement.reasons_shown = [
            (labels.get(r["reason"], r["reason"]), r.get("terms", []), actions.get(r["action"], ""))
            for r in statement.engine_reasons
        ]
    appeals = (
        Appeal.objects.filter(statement__conversation=conversation, decided_at__isnull=True)
        .exclude(first_moderator=request.user)
        .select_related("statement")
    )
    appeals = list(appeals)
    for appeal in appeals:
        appeal.form = DecisionForm(auto_id=f"a{appeal.pk}_%s")
    return render(
        request,
        "dialogue/queue.html",
        {
            "conversation": conversation,
            "waiting": waiting,
            "appeals": appeals,
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    statement = get_statement_for_user(request, pk, Can.MODERATE)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and a reason."))
    else:
        try:
            services.decide(
                request.user,
                statement,
                form.cleaned_data["decision"] == "accept",
                form.cleaned_data["reason"],
                form.cleaned_data["note"],
                request,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Decision recorded."))
    return redirect("dialogue:queue", pk=statement.conversation_id)


@login_required
@require_POST
def decide_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = get_appeal_for_user(request, pk, Can.MODERATE)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and a reason."))
    else:
        try:
            services.decide_appeal(
                request.user,
                appeal,
                form.cleaned_data["decision"] == "accept",
                form.cleaned_data["reason"],
                form.cleaned_data["note"],
                request,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Appeal decided."))
    return redirect("dialogue:queue", pk=appeal.statement.conversation_id)


@login_required
def facilitator(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request, pk)
    try:
        k = int(request.GET.get("k") or 0)
    except ValueError:
        k = 0
    if k and k not in K_CHOICES:
        messages.error(request, _("Choose between 2 and 8 groups."))
        k = 0
    view = analysis.facilitator_view(conversation, k or None)
    texts = dict(conversation.statements.values_list("pk", "text"))
    groups = [
        dict(
            g,
            name=group_name(g["id"]),
            statements=[dict(p, text=texts.get(p["statement"], "")) for p in g["representative"]],
        )
        for g in view.data["groups"]
    ]
    return render(
        request,
        "dialogue/facilitator.html",
        {
            "conversation": conversation,
            "view": view,
            "svg": opinion_map_svg(view.data, rtl=get_language_bidi()),
            "groups": groups,
            "breakdown": breakdown_rows(view.breakdown),
            "k_choices": K_CHOICES,
            "can": request.project_capabilities,  # type: ignore[attr-defined]
        },
    )


@login_required
@require_POST
def recompute(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request, pk, Can.RUN_EVENTS)
    analysis.compute_map(conversation)
    audit.record(
        request.user,
        "dialogue.map_recomputed",
        conversation,
        request=request,
        organisation=conversation.project.owner_id,
    )
    messages.success(request, _("The opinion map was recomputed."))
    return redirect("dialogue:facilitator", pk=conversation.pk)


@login_required
def export(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    conversation = get_conversation_for_user(request, pk, Can.RUN_EVENTS)
    if kind not in exports.EXPORTS:
        raise Http404
    body = exports.EXPORTS[kind](conversation)
    audit.record(
        request.user,
        "dialogue.exported",
        conversation,
        request=request,
        organisation=conversation.project.owner_id,
        kind=kind,
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{conversation.slug}-{kind}.csv"'
    return response


@login_required
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request, pk)
    body = exports.facilitator_docx(conversation)
    audit.record(
        request.user,
        "dialogue.report_downloaded",
        conversation,
        request=request,
        organisation=conversation.project.owner_id,
    )
    response = HttpResponse(
        body,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{conversation.slug}-report.docx"'
    return response


# --- the organisation's own moderation model -----------------------------------------------------


def _models_page(organisation) -> str:
    return reverse("dialogue:moderation_models", kwargs={"slug": organisation.slug})


@login_required
def moderation_models(request: HttpRequest, slug: str) -> HttpResponse:
    """The shipped model, the organisation's active model and its candidates, metrics side by side."""
    organisation, _role = get_organisation_for_user(request, slug, Can.MODERATE)
    rows = list(
        organisation.moderation_models.exclude(status=EngineModelStatus.RETIRED).select_related(
            "created_by"
        )
    )
    for row in rows:
        row.summary = learning.summary(row)
        row.changed_count = len(row.metrics.get("changed", []))
    return render(
        request,
        "dialogue/moderation_models.html",
        {
            "organisation": organisation,
            "shipped": learning.shipped_summary(),
            "active": next((r for r in rows if r.status == EngineModelStatus.ACTIVE), None),
            "candidates": [r for r in rows if r.status == EngineModelStatus.CANDIDATE],
            "retired_count": organisation.moderation_models.filter(
                status=EngineModelStatus.RETIRED
            ).count(),
            "confirmed_count": len(learning.confirmed_examples(organisation.pk)),
            "minimum": learning.MIN_CONFIRMED,
        },
    )


@login_required
@require_POST
def moderation_model_train(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug, Can.MODERATE)
    try:
        candidate = learning.train_candidate(request.user, organisation, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Candidate model %(number)d trained. Compare its metrics before switching it on.")
            % {"number": candidate.pk},
        )
    return redirect(_models_page(organisation))


@login_required
@require_POST
def moderation_model_activate(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(
        OrganisationModerationModel.objects.select_related("organisation"), pk=pk
    )
    get_organisation_for_user(request, candidate.organisation.slug, Can.MODERATE)
    try:
        learning.activate(request.user, candidate, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Model %(number)d is switched on: new statements are routed with it.")
            % {"number": candidate.pk},
        )
    return redirect(_models_page(candidate.organisation))


@login_required
@require_POST
def moderation_model_deactivate(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug, Can.MODERATE)
    if learning.deactivate(request.user, organisation, request=request) is None:
        messages.info(request, _("The shipped model is already in use."))
    else:
        messages.success(request, _("Back to the shipped model."))
    return redirect(_models_page(organisation))
