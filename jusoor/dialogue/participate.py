"""Public pages where anyone with the link (or an invitation code) takes part, without an account.

Everything works as plain forms: voting is a POST that redirects back to the next statement.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jusoor.dialogue import analysis, services
from jusoor.dialogue.access import (
    current_participant,
    get_public_conversation,
    remember_participant,
)
from jusoor.dialogue.forms import (
    AppealForm,
    JoinForm,
    ProfileForm,
    ReportForm,
    StatementForm,
    VoteForm,
)
from jusoor.dialogue.models import (
    MAX_STATEMENT_CHARS,
    REASON_EXPLANATIONS,
    Access,
    Conversation,
    DecisionKind,
    ModerationDecision,
    Participant,
    Reason,
    Statement,
    Status,
)
from jusoor.dialogue.summary import plain_summary
from jusoor.dialogue.svg import group_name, opinion_map_svg


def _participant_or_new(
    request: HttpRequest, conversation: Conversation
) -> tuple[Participant | None, bool]:
    """The visitor's participant; a new one for an open-link conversation; None if a code is needed."""
    participant = current_participant(request, conversation)
    if participant is not None:
        return participant, False
    if conversation.access == Access.CODE:
        return None, False
    return services.new_participant(conversation), True


def _page(
    request: HttpRequest,
    conversation: Conversation,
    *,
    statement_form: StatementForm | None = None,
    duplicate: Statement | None = None,
    status: int = 200,
) -> HttpResponse:
    participant = current_participant(request, conversation)
    needs_code = participant is None and conversation.access == Access.CODE
    next_statement = None
    left = 0
    if not needs_code:
        analysis.refresh_if_due(conversation)
        next_statement = duplicate or analysis.choose_next(conversation, participant)
        published = conversation.statements.filter(status=Status.PUBLISHED)
        voted = (
            participant.votes.filter(statement__status=Status.PUBLISHED).count()
            if participant
            else 0
        )
        left = max(published.count() - voted, 0)
    return render(
        request,
        "dialogue/conversation.html",
        {
            "conversation": conversation,
            "participant": participant,
            "needs_code": needs_code,
            "join_form": JoinForm(),
            "next_statement": next_statement,
            "duplicate": duplicate,
            "left": left,
            "left_message": services.votes_left_message(left),
            "statement_form": statement_form or StatementForm(),
            "report_form": ReportForm(),
        },
        status=status,
    )


def conversation_page(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, get_public_conversation(slug))


@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = get_public_conversation(slug)
    form = JoinForm(request.POST)
    response = redirect("dialogue:conversation", slug=slug)
    if current_participant(request, conversation) is not None:
        messages.info(request, _("You have already joined this conversation."))
        return response
    if not form.is_valid():
        messages.error(request, _("Enter the invitation code you were given."))
        return response
    try:
        participant = services.redeem_code(conversation, form.cleaned_data["code"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return response
    messages.success(request, _("Welcome. You can now vote and write statements."))
    return remember_participant(response, conversation, participant)


@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = get_public_conversation(slug)
    response = redirect("dialogue:conversation", slug=slug)
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose agree, disagree or pass."))
        return response
    statement = conversation.statements.filter(pk=form.cleaned_data["statement"]).first()
    participant, created = _participant_or_new(request, conversation)
    if participant is None:
        messages.error(request, _("This conversation needs an invitation code. Enter it first."))
        return response
    if statement is None:
        messages.error(request, _("This statement is no longer in the conversation."))
    else:
        try:
            services.record_vote(participant, statement, form.cleaned_data["value"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return remember_participant(response, conversation, participant) if created else response


@require_POST
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = get_public_conversation(slug)
    try:
        form = StatementForm(request.POST)
    except RequestDataTooBig:
        form = StatementForm({"text": ""})
        form.is_valid()
        form.errors["text"] = form.error_class(
            [
                _("Your statement is far too long: the limit is %(limit)d characters.")
                % {"limit": MAX_STATEMENT_CHARS}
            ]
        )
        return _page(request, conversation, statement_form=form, status=413)
    if not form.is_valid():
        return _page(request, conversation, statement_form=form)
    participant, created = _participant_or_new(request, conversation)
    if participant is None:
        messages.error(request, _("This conversation needs an invitation code. Enter it first."))
        return redirect("dialogue:conversation", slug=slug)
    try:
        statement = services.submit_statement(
            conversation, form.cleaned_data["text"], author=participant, request=request
        )
    except ValidationError as exc:
        form.add_error("text", exc)
        duplicate = None
        if exc.code == "duplicate":
            duplicate = conversation.statements.filter(
                pk=exc.params["statement"], status=Status.PUBLISHED
            ).first()
        response = _page(request, conversation, statement_form=form, duplicate=duplicate)
    else:
        messages.success(request, services.moderation_message(statement))
        response = redirect("dialogue:mine", slug=slug)
    return remember_participant(response, conversation, participant) if created else response


def mine(request: HttpRequest, slug: str) -> HttpResponse:
    """The participant's own statements, what moderation decided and why, and their profile."""
    conversation = get_public_conversation(slug)
    participant = current_participant(request, conversation)
    form = ProfileForm(request.POST or None, conversation=conversation)
    if participant is not None and request.method == "POST" and form.is_valid():
        services.update_profile(
            participant,
            form.cleaned_data["sex"],
            form.cleaned_data["age_band"],
            form.cleaned_data["area"],
        )
        messages.success(request, _("Thank you. This is only used for anonymous group counts."))
        return redirect("dialogue:mine", slug=slug)
    if participant is not None and request.method != "POST":
        form = ProfileForm(
            initial={
                "sex": participant.sex,
                "age_band": participant.age_band,
                "area": participant.area_id,
            },
            conversation=conversation,
        )
    statements = []
    if participant is not None:
        for statement in participant.statements.select_related("appeal").prefetch_related(
            "decisions"
        ):
            statements.append(_explained(statement))
    return render(
        request,
        "dialogue/mine.html",
        {
            "conversation": conversation,
            "participant": participant,
            "statements": statements,
            "form": form,
        },
    )


def _explained(statement: Statement) -> dict:
    decisions = list(statement.decisions.all())
    last = decisions[-1] if decisions else None
    reasons = [r["reason"] for r in statement.engine_reasons]
    if last is not None and last.kind != DecisionKind.ENGINE:
        reasons = [last.reason]
    explanations = list(
        dict.fromkeys(str(REASON_EXPLANATIONS[r]) for r in reasons if r in Reason.values)
    )
    appealed = hasattr(statement, "appeal")
    return {
        "statement": statement,
        "message": services.moderation_message(statement),
        "explanations": explanations,
        "can_appeal": statement.status == Status.REJECTED and not appealed,
        "appeal_form": AppealForm(auto_id=f"appeal{statement.pk}_%s"),
        "appeal": statement.appeal if appealed else None,
    }


@require_POST
def appeal(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    conversation = get_public_conversation(slug)
    participant = current_participant(request, conversation)
    statement = conversation.statements.filter(pk=pk).first()
    if participant is None or statement is None or statement.author_id != participant.pk:
        raise Http404
    form = AppealForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    try:
        services.appeal(participant, statement, text)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your appeal was sent. A second moderator will read it."))
    return redirect("dialogue:mine", slug=slug)


@require_POST
def report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    conversation = get_public_conversation(slug)
    participant = current_participant(request, conversation)
    response = redirect("dialogue:conversation", slug=slug)
    if participant is None:
        messages.error(request, _("Take part in the conversation before reporting a statement."))
        return response
    statement = conversation.statements.filter(pk=pk).first()
    form = ReportForm(request.POST)
    if statement is None or not form.is_valid():
        messages.error(request, _("Choose what is wrong with the statement."))
        return response
    try:
        services.report_statement(participant, statement, form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you. Moderators will look at it."))
    return response


def opinion_map(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = get_public_conversation(slug)
    data = analysis.current_map(conversation)
    texts = dict(conversation.statements.filter(status=Status.PUBLISHED).values_list("pk", "text"))
    groups = [
        {
            "name": group_name(g["id"]),
            "size": g["size"],
            "id": g["id"],
            "statements": [
                dict(p, text=texts[p["statement"]])
                for p in g["representative"]
                if p["statement"] in texts
            ],
        }
        for g in data.get("groups", [])
    ]
    consensus = {
        direction: [dict(p, text=texts[p["statement"]]) for p in picks if p["statement"] in texts]
        for direction, picks in data.get("consensus", {}).items()
    }
    return render(
        request,
        "dialogue/map.html",
        {
            "conversation": conversation,
            "data": data,
            "svg": opinion_map_svg(data, rtl=get_language_bidi()),
            "groups": groups,
            "consensus": consensus,
            "summary": plain_summary(data, texts),
        },
    )


def moderation_stats(request: HttpRequest, slug: str) -> HttpResponse:
    """What was moderated and why: counts only, no text and no person."""
    conversation = get_public_conversation(slug)
    decisions = ModerationDecision.objects.filter(statement__conversation=conversation)
    rows = (
        decisions.exclude(reason=Reason.ACCEPTABLE)
        .values("kind", "reason")
        .annotate(n=Count("id"))
        .order_by("kind", "reason")
    )
    kinds = dict(DecisionKind.choices)
    reasons = dict(Reason.choices)
    by_status = dict(
        conversation.statements.values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return render(
        request,
        "dialogue/moderation_stats.html",
        {
            "conversation": conversation,
            "rows": [
                {
                    "kind": kinds.get(r["kind"], r["kind"]),
                    "reason": reasons.get(r["reason"], r["reason"]),
                    "n": r["n"],
                }
                for r in rows
            ],
            "statuses": [(label, by_status.get(value, 0)) for value, label in Status.choices],
            "appeals": decisions.filter(
                kind__in=[DecisionKind.APPEAL_ACCEPT, DecisionKind.APPEAL_REJECT]
            ).count(),
        },
    )
