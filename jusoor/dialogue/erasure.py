"""The dialogue in erasure and retention (see ``jusoor.core.erasure``).

Taking part needs no account, so no participant row is linked to a registry person. What can
name the person is text: statements, appeals, moderators' notes and the computed opinion map.
There the person's full name or phone is redacted (a statement keeps its votes and its place in
the map). The moderation record is append-only for edits; erasure is the one exception it allows.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.utils.translation import gettext_lazy as _

from jusoor.core.erasure import ANONYMISE, Dataset, Subject, redact_fields, register_dataset
from jusoor.core.erasure import register_eraser as _register
from jusoor.dialogue.models import Appeal, Conversation, ModerationDecision, Participant, Statement


def erase(subject: Subject) -> dict[str, int]:
    from jusoor.dialogue.services import statement_key

    org = subject.organisation_id
    statements = 0
    for statement in Statement.objects.filter(conversation__project__owner_id=org).only(
        "pk", "text"
    ):
        text, count = subject.redact(statement.text)
        if count:
            Statement.objects.filter(pk=statement.pk).update(
                text=text, normalised_key=statement_key(text)
            )
            statements += 1
    return {
        "statements": statements,
        "appeals": redact_fields(
            subject, Appeal.objects.filter(statement__conversation__project__owner_id=org), ["text"]
        ),
        "moderation_notes": redact_fields(
            subject,
            ModerationDecision._base_manager.filter(statement__conversation__project__owner_id=org),
            ["note", "data"],
        ),
        "opinion_maps": redact_fields(
            subject,
            Conversation.objects.filter(project__owner_id=org),
            ["opinion_state", "map_data"],
        ),
    }


def _participant_tokens(organisation: Any, cutoff: dt.datetime, dry_run: bool) -> int:
    """Closed conversations: the browser cookie that tied votes together is cut off."""
    participants = Participant.objects.filter(
        conversation__project__owner=organisation,
        conversation__is_open=False,
        created_at__lt=cutoff,
    ).exclude(token__startswith="~")  # noqa: S106 (a marker, not a password)
    count = participants.count()
    if not dry_run:
        for pk in list(participants.values_list("pk", flat=True)):
            # "~" never starts a browser's token: no cookie matches, and the next run skips it.
            Participant.objects.filter(pk=pk).update(token="~" + secrets.token_urlsafe(31))
    return count


def register() -> None:
    _register("dialogue", erase)
    register_dataset(
        Dataset(
            "dialogue.participant_links",
            _("Links between a participant's votes in closed dialogues (the browser token)"),
            ANONYMISE,
            365,
            _participant_tokens,
        )
    )
