"""Access to conversations and statements in the workspace, and the participant's cookie.

Workspace pages follow the project's rule (another organisation's conversation is a 404, too
little role a 403). Public pages need no account: the participant is a random token in a signed
cookie, one cookie per conversation, so nothing links a person across conversations.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from jusoor.accounts.roles import Can
from jusoor.dialogue.models import Appeal, Conversation, Participant, Statement
from jusoor.programmes.access import project_capabilities

COOKIE_SALT = "jusoor.dialogue.participant"
COOKIE_AGE = 180 * 24 * 3600


def _check(request: HttpRequest, conversation: Conversation, need: Can) -> None:
    allowed = project_capabilities(request.user, conversation.project)
    if Can.VIEW not in allowed:
        raise Http404
    if need not in allowed:
        raise PermissionDenied
    request.project_capabilities = allowed  # type: ignore[attr-defined]


def get_conversation_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Conversation:
    conversation = get_object_or_404(Conversation.objects.select_related("project__owner"), pk=pk)
    _check(request, conversation, need)
    return conversation


def get_statement_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Statement:
    statement = get_object_or_404(
        Statement.objects.select_related("conversation__project__owner"), pk=pk
    )
    _check(request, statement.conversation, need)
    return statement


def get_appeal_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Appeal:
    appeal = get_object_or_404(
        Appeal.objects.select_related("statement__conversation__project__owner"), pk=pk
    )
    _check(request, appeal.statement.conversation, need)
    return appeal


def get_public_conversation(slug: str) -> Conversation:
    return get_object_or_404(Conversation.objects.select_related("project"), slug=slug)


def cookie_name(conversation: Conversation) -> str:
    return f"jusoor_dialogue_{conversation.pk}"


def current_participant(request: HttpRequest, conversation: Conversation) -> Participant | None:
    try:
        token = request.get_signed_cookie(
            cookie_name(conversation), salt=COOKIE_SALT, max_age=COOKIE_AGE
        )
    except (KeyError, signing.BadSignature):
        return None
    return Participant.objects.filter(conversation=conversation, token=token).first()


def remember_participant(
    response: HttpResponse, conversation: Conversation, participant: Participant
) -> HttpResponse:
    response.set_signed_cookie(
        cookie_name(conversation),
        participant.token,
        salt=COOKIE_SALT,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response
