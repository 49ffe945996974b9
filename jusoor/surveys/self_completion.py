"""Self-completion: respondents fill a form themselves through a public link, without an account.

A manager of the project's forms opens the link, may close it again, and may replace it when it
went further than meant (the old link then leads nowhere). Only a keyed hash of the link's token
is looked up; the token itself is sealed so that the managers can copy the link again.

A respondent's half-filled form is kept on the server under the keyed hash of a random key held
in a cookie on their phone, for a limited time (the retention period of
``surveys.self_completion_drafts``). The finished form goes through ``receive_submission`` like
every other channel, marked as self-completed and with no enumerator. Nothing here records who
the respondent is: no address or browser in the audit event, no answer in any log.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jusoor.core import audit, crypto
from jusoor.core.erasure import DELETE, Dataset, Subject, register_dataset, register_eraser
from jusoor.core.erasure import retention_days as _retention_days
from jusoor.surveys import openrosa
from jusoor.surveys.erasure import answer_strings
from jusoor.surveys.models import (
    Channel,
    Form,
    SelfCompletionDraft,
    SelfCompletionLink,
    Submission,
)
from jusoor.surveys.services import SubmissionRefused, receive_submission

TOKEN_BYTES = 24  # 192 bits: not to be guessed, short enough to print on a flyer as a QR code
DRAFT_KEY_BYTES = 32
DRAFT_DAYS = 7  # by default; an organisation may set another period (docs/self-completion.md)


def _token_hash(token: str) -> str:
    return crypto.blind_index("survey-self-link:" + token)


def _draft_hash(key: str) -> str:
    return crypto.blind_index("survey-self-draft:" + key)


# --- the link, managed from the workspace ----------------------------------------------------


def open_link(actor: Any, form: Form, request: HttpRequest | None = None) -> SelfCompletionLink:
    """Open the form's link, making it the first time; a closed link opens again as it was,
    so that flyers already printed keep working."""
    if form.current_version is None:
        raise ValidationError(_("Upload the form's XLSForm before opening it to respondents."))
    now = timezone.now()
    with transaction.atomic():
        link = SelfCompletionLink.objects.select_for_update().filter(form=form).first()
        if link is None:
            token = secrets.token_urlsafe(TOKEN_BYTES)
            link = SelfCompletionLink.objects.create(
                form=form, token_hash=_token_hash(token), token=token, opened_at=now
            )
        elif not link.is_open:
            link.is_open, link.opened_at, link.closed_at = True, now, None
            link.save(update_fields=["is_open", "opened_at", "closed_at"])
        audit.record(actor, "survey.self_completion.open", form, request=request)
    return link


def close_link(actor: Any, form: Form, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        closed = SelfCompletionLink.objects.filter(form=form, is_open=True).update(
            is_open=False, closed_at=timezone.now()
        )
        if closed:
            audit.record(actor, "survey.self_completion.close", form, request=request)


def replace_link(actor: Any, form: Form, request: HttpRequest | None = None) -> SelfCompletionLink:
    """A new token for the form's link: the old one answers "not found" from now on."""
    with transaction.atomic():
        link = SelfCompletionLink.objects.select_for_update().filter(form=form).first()
        if link is None:
            raise ValidationError(_("This form has no public link yet."))
        token = secrets.token_urlsafe(TOKEN_BYTES)
        link.token_hash, link.token = _token_hash(token), token
        link.save(update_fields=["token_hash", "token"])
        audit.record(actor, "survey.self_completion.replace", form, request=request)
    return link


def link_for_token(token: str) -> SelfCompletionLink | None:
    if not token or len(token) > 100:
        return None
    return (
        SelfCompletionLink.objects.select_related("form__project__owner")
        .filter(token_hash=_token_hash(token))
        .first()
    )


def accepts_answers(link: SelfCompletionLink) -> bool:
    """Open on both counts (the link, and the form for collection) and something to fill."""
    return link.is_open and link.form.is_open and link.form.current_version is not None


def self_completed_count(form: Form) -> int:
    return form.submissions.filter(channel=Channel.SELF, is_current=True).count()


# --- drafts, held by a key in the respondent's cookie ----------------------------------------


def draft_days(form: Form) -> int | None:
    return _retention_days(DRAFTS, form.project.owner)


def new_draft_key() -> str:
    return secrets.token_urlsafe(DRAFT_KEY_BYTES)


def find_draft(form: Form, key: str) -> SelfCompletionDraft | None:
    """The draft this key holds on this form, unless it is older than the period drafts keep."""
    if not key or len(key) > 100:
        return None
    drafts = SelfCompletionDraft.objects.filter(form=form, key_hash=_draft_hash(key))
    days = draft_days(form)
    if days is not None:
        drafts = drafts.filter(updated_at__gte=timezone.now() - dt.timedelta(days=days))
    return drafts.first()


def keep_draft(form: Form, key: str, answers: dict[str, Any]) -> SelfCompletionDraft:
    """Store what was typed under ``key`` (a new key's draft is made; an old one replaced)."""
    draft, _created = SelfCompletionDraft.objects.update_or_create(
        key_hash=_draft_hash(key),
        form=form,
        defaults={"answers": json.dumps(answers, ensure_ascii=False)},
    )
    return draft


# --- the finished form -----------------------------------------------------------------------


def valid_instance_id(value: str | None) -> str:
    """The instance ID the page carries (so that a second tap on "Send" stores nothing twice),
    or a new one when it carries none that is well formed."""
    try:
        return f"uuid:{uuid.UUID((value or '').removeprefix('uuid:'), version=4)}"
    except ValueError:
        return f"uuid:{uuid.uuid4()}"


def already_received(form: Form, instance_id: str) -> bool:
    return Submission.objects.filter(form=form, instance_id=instance_id).exists()


def submit(
    link: SelfCompletionLink,
    answers: dict[str, Any],
    instance_id: str,
    draft_key: str = "",
) -> Submission | None:
    """Store the respondent's answers as a submission; None when this instance was already
    received (the same form sent twice). Without an enumerator, and without the request: the
    audit event must not keep the respondent's address or browser."""
    form = link.form
    version = form.current_version
    if version is None:
        raise ValidationError(_("This form has no version to fill."))
    raw = openrosa.build_xml(
        version.definition,
        form.form_id,
        version.version,
        {**answers, "meta/instanceID": instance_id},
    )
    try:
        receipt = receive_submission(
            forms=Form.objects.filter(pk=form.pk, is_open=True),
            raw=raw,
            enumerator=None,
            channel=Channel.SELF,
        )
    except SubmissionRefused as refused:
        if refused.status == 409 and already_received(form, instance_id):
            return None
        raise ValidationError(str(refused)) from refused
    if draft_key:
        SelfCompletionDraft.objects.filter(form=form, key_hash=_draft_hash(draft_key)).delete()
    return receipt.submission


# --- erasure and retention (see jusoor.core.erasure) -----------------------------------------


def erase(subject: Subject) -> dict[str, int]:
    """Drafts that name the person go; their submissions are the surveys eraser's part."""
    drafts = 0
    for draft in SelfCompletionDraft.objects.filter(
        form__project__owner_id=subject.organisation_id
    ):
        if any(subject.is_identified_by(s) for s in answer_strings(draft.values())):
            draft.delete()
            drafts += 1
    return {"self_completion_drafts": drafts}


def _expired_drafts(organisation: Any, cutoff: dt.datetime, dry_run: bool) -> int:
    drafts = SelfCompletionDraft.objects.filter(
        form__project__owner=organisation, updated_at__lt=cutoff
    )
    count = drafts.count()
    if not dry_run:
        drafts.delete()
    return count


DRAFTS = Dataset(
    "surveys.self_completion_drafts",
    gettext_lazy("Unfinished forms of respondents filling them through a public link"),
    DELETE,
    DRAFT_DAYS,
    _expired_drafts,
)


def register() -> None:
    register_eraser("surveys.self_completion", erase)
    register_dataset(DRAFTS)
