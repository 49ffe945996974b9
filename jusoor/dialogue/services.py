"""Every change to a dialogue: validated, saved inside a transaction, audited.

Participants are anonymous, so their actions are audited without an actor; nothing in the audit
log names or identifies them. Every new statement goes through the moderation engine.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jusoor.accounts.models import User
from jusoor.core import audit
from jusoor.core.crypto import blind_index
from jusoor.dialogue.learning import active_model
from jusoor.dialogue.models import (
    MAX_STATEMENT_CHARS,
    MIN_STATEMENT_CHARS,
    Access,
    Appeal,
    Conversation,
    DecisionKind,
    InvitationCode,
    Mode,
    ModerationDecision,
    OfflineTally,
    Participant,
    Reason,
    Report,
    Source,
    Statement,
    Status,
    Vote,
)
from jusoor.engines import moderation
from jusoor.engines.arabic import normalise
from jusoor.geo.models import AdminUnit

VOTE_LIMIT = 30  # votes per participant per window: faster than anyone can read
VOTE_WINDOW = timedelta(seconds=60)
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud at events
CODE_LENGTH = 8

# Characters that show nothing: format (Cf), controls, separators, combining marks on their own,
# tatweel, and the blank look-alikes that pass for letters (Hangul fillers, Braille blank).
_BLANK_LOOKALIKES = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u0640"}
_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w]+")


def _visible(ch: str) -> bool:
    if ch in _BLANK_LOOKALIKES or ch.isspace():
        return False
    return unicodedata.category(ch)[0] not in ("C", "Z")


def clean_statement_text(raw: str) -> str:
    """The statement as it will be stored, or a ValidationError saying what is wrong with it."""
    if len(raw) > MAX_STATEMENT_CHARS * 20:
        # Refuse enormous input before scanning it character by character.
        raise ValidationError(
            _("Your statement is far too long: the limit is %(limit)d characters.")
            % {"limit": MAX_STATEMENT_CHARS},
            code="too_long",
        )
    text = "".join(ch for ch in raw if unicodedata.category(ch) not in ("Cf", "Cc") or ch in "\n")
    text = _SPACES.sub(" ", text).strip()
    if not raw.strip():
        raise ValidationError(_("Write a statement before sending it."), code="empty")
    if not any(_visible(ch) for ch in text):
        raise ValidationError(
            _("Your statement contains only invisible characters. Write it in words."),
            code="invisible",
        )
    if len(text) > MAX_STATEMENT_CHARS:
        raise ValidationError(
            _(
                "Your statement has %(length)d characters; the limit is %(limit)d. "
                "Make one short point per statement."
            )
            % {"length": len(text), "limit": MAX_STATEMENT_CHARS},
            code="too_long",
        )
    if sum(1 for ch in text if _visible(ch)) < MIN_STATEMENT_CHARS:
        raise ValidationError(
            _("Your statement is too short: write at least %(limit)d letters.")
            % {"limit": MIN_STATEMENT_CHARS},
            code="too_short",
        )
    return text


def statement_key(text: str) -> str:
    """Equal for two statements a reader would call the same (spelling, marks, punctuation)."""
    folded = _SPACES.sub(" ", _NOT_WORD.sub(" ", normalise(text)).replace("_", " ")).strip()
    return hashlib.sha256(folded.encode()).hexdigest()


def find_duplicate(conversation: Conversation, text: str) -> Statement | None:
    return (
        conversation.statements.filter(normalised_key=statement_key(text))
        .exclude(status=Status.REJECTED)
        .first()
    )


# --- moderation engine -------------------------------------------------------------------------

_ENGINE_REASONS = {
    "classifier_offensive": Reason.OFFENSIVE,
    "classifier_hate": Reason.HATE,
    "link": Reason.LINK,
    "phone": Reason.PHONE,
    "too_long": Reason.TOO_LONG,
}
_RANK = {moderation.PUBLISH: 0, moderation.REVIEW: 1, moderation.HOLD: 2}
_MODE_FLOOR = {Mode.HOLD: moderation.HOLD, Mode.QUEUE: moderation.REVIEW, Mode.PUBLISH: "publish"}


@dataclass(frozen=True)
class Routing:
    action: str  # hold, review or publish
    reasons: list[dict]
    p_offensive: float
    p_hate: float
    primary: str  # a Reason value

    @property
    def status(self) -> str:
        return Status.HELD if self.action == moderation.HOLD else Status.PUBLISHED


def _reason_of(engine_reason: moderation.Reason) -> str:
    if engine_reason.code == "lexicon":
        return engine_reason.category if engine_reason.category in Reason.values else Reason.OTHER
    return _ENGINE_REASONS.get(engine_reason.code, Reason.OTHER)


def route_statement(conversation: Conversation, text: str) -> Routing:
    """The engine's decision under the conversation's thresholds, raised to its mode's floor."""
    policy = moderation.POLICIES.get(conversation.engine_policy, moderation.STANDARD)
    model = active_model(conversation.project.owner_id)
    decision = moderation.route(text, policy, model=model)
    reasons = [
        {"reason": _reason_of(r), "action": r.action, "terms": list(r.terms), "detail": r.detail}
        for r in decision.reasons
        if r.action != moderation.PUBLISH
    ]
    action = decision.action
    floor = _MODE_FLOOR.get(conversation.mode, moderation.PUBLISH)
    if _RANK[floor] > _RANK[action]:
        action = floor
        reasons.append({"reason": Reason.POLICY, "action": floor, "terms": [], "detail": ""})
    graver = [r for r in reasons if r["action"] == action]
    primary = graver[0]["reason"] if graver else Reason.ACCEPTABLE
    return Routing(action, reasons, decision.p_offensive, decision.p_hate, primary)


# --- participants ------------------------------------------------------------------------------


def new_participant(
    conversation: Conversation, invitation: InvitationCode | None = None
) -> Participant:
    return Participant.objects.create(
        conversation=conversation, token=secrets.token_urlsafe(32), invitation=invitation
    )


def _code_hash(code: str) -> str:
    return blind_index("dialogue-code:" + normalise(code).replace(" ", "").upper())


@transaction.atomic
def create_codes(
    actor: User,
    conversation: Conversation,
    count: int,
    max_uses: int,
    label: str,
    request: HttpRequest | None = None,
) -> list[str]:
    """New invitation codes, returned in clear this once; only their keyed hashes are kept."""
    if not 1 <= count <= 500:
        raise ValidationError(_("Make between 1 and 500 codes at a time."))
    if not 1 <= max_uses <= 10_000:
        raise ValidationError(_("A code may be used between 1 and 10,000 times."))
    codes = [
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(count)
    ]
    InvitationCode.objects.bulk_create(
        InvitationCode(
            conversation=conversation, code_hash=_code_hash(c), label=label, max_uses=max_uses
        )
        for c in codes
    )
    audit.record(
        actor,
        "dialogue.codes_created",
        conversation,
        request=request,
        organisation=conversation.project.owner_id,
        count=count,
        max_uses=max_uses,
        label=label,
    )
    return codes


@transaction.atomic
def redeem_code(conversation: Conversation, code: str) -> Participant:
    """A new participant admitted by ``code``; refused when unknown, used up or withdrawn."""
    invitation = (
        InvitationCode.objects.select_for_update()
        .filter(conversation=conversation, code_hash=_code_hash(code or ""), is_active=True)
        .first()
    )
    if invitation is None:
        raise ValidationError(_("This invitation code is not valid for this conversation."))
    if invitation.uses >= invitation.max_uses:
        raise ValidationError(_("This invitation code has already been used."))
    InvitationCode.objects.filter(pk=invitation.pk).update(uses=F("uses") + 1)
    return new_participant(conversation, invitation)


def update_profile(
    participant: Participant, sex: str, age_band: str, area: AdminUnit | None
) -> Participant:
    """Self-reported, optional, used only for suppressed group counts."""
    participant.sex, participant.age_band, participant.area = sex, age_band, area
    participant.save(update_fields=["sex", "age_band", "area"])
    return participant


# --- conversations -----------------------------------------------------------------------------


@transaction.atomic
def save_conversation(
    actor: User,
    conversation: Conversation,
    seeds: list[str],
    request: HttpRequest | None = None,
) -> Conversation:
    """Create or update a conversation and add its seed statements (moderated like any other)."""
    created = conversation.pk is None
    if conversation.access not in Access.values:
        raise ValidationError(_("Choose who may take part."))
    conversation.save()
    added = 0
    for line in seeds:
        if line.strip():
            submit_statement(conversation, line, source=Source.SEED, entered_by=actor)
            added += 1
    audit.record(
        actor,
        "dialogue.conversation_created" if created else "dialogue.conversation_changed",
        conversation,
        request=request,
        organisation=conversation.project.owner_id,
        seeds_added=added,
    )
    return conversation


def _touch(conversation: Conversation) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(votes_changed_at=timezone.now())


# --- statements --------------------------------------------------------------------------------


@transaction.atomic
def submit_statement(
    conversation: Conversation,
    raw_text: str,
    *,
    author: Participant | None = None,
    source: str = Source.ONLINE,
    entered_by: User | None = None,
    offline_session: str = "",
    request: HttpRequest | None = None,
) -> Statement:
    """Validate, refuse duplicates, route through moderation, save, and record the decision."""
    if source == Source.ONLINE and not conversation.is_open:
        raise ValidationError(_("This conversation is closed; it no longer takes statements."))
    text = clean_statement_text(raw_text)
    duplicate = find_duplicate(conversation, text)
    if duplicate is not None and duplicate.status != Status.PUBLISHED:
        raise ValidationError(
            _("This statement has already been sent and is waiting for a moderator."),
            code="duplicate_pending",
        )
    if duplicate is not None:
        raise ValidationError(
            _("This statement is already in the conversation (number %(number)d): vote on it.")
            % {"number": duplicate.pk},
            code="duplicate",
            params={"statement": duplicate.pk},
        )
    routing = route_statement(conversation, text)
    statement = Statement.objects.create(
        conversation=conversation,
        author=author,
        entered_by=entered_by,
        text=text,
        normalised_key=statement_key(text),
        source=source,
        offline_session=offline_session,
        status=routing.status,
        needs_review=routing.action == moderation.REVIEW,
        engine_action=routing.action,
        engine_reasons=routing.reasons,
        p_offensive=routing.p_offensive,
        p_hate=routing.p_hate,
    )
    ModerationDecision.objects.create(
        statement=statement,
        kind=DecisionKind.ENGINE,
        reason=routing.primary,
        data={
            "action": routing.action,
            "reasons": routing.reasons,
            "p_offensive": round(routing.p_offensive, 4),
            "p_hate": round(routing.p_hate, 4),
        },
    )
    if author is not None and statement.status == Status.PUBLISHED:
        Vote.objects.create(participant=author, statement=statement, value=1)  # as Pol.is does
    _touch(conversation)
    audit.record(
        entered_by,
        "dialogue.statement_submitted",
        statement,
        request=request if entered_by else None,
        organisation=conversation.project.owner_id,
        conversation=conversation.pk,
        source=source,
        moderation=routing.action,
    )
    return statement


class VoteRateLimited(ValidationError):
    pass


@transaction.atomic
def record_vote(participant: Participant, statement: Statement, value: int) -> Vote:
    """One vote per participant and statement (a new vote replaces the old), rate-limited."""
    if value not in (-1, 0, 1):
        raise ValidationError(_("Choose agree, disagree or pass."))
    conversation = statement.conversation
    if statement.conversation_id != participant.conversation_id or not statement.is_public:
        raise ValidationError(_("This statement cannot be voted on."))
    if not conversation.is_open:
        raise ValidationError(_("This conversation is closed; it no longer takes votes."))
    now = timezone.now()
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if locked.vote_window_start is None or now - locked.vote_window_start > VOTE_WINDOW:
        locked.vote_window_start, locked.vote_window_count = now, 0
    if locked.vote_window_count >= VOTE_LIMIT:
        raise VoteRateLimited(
            _("You are voting faster than anyone can read. Wait a minute, then go on.")
        )
    locked.vote_window_count += 1
    locked.save(update_fields=["vote_window_start", "vote_window_count"])
    vote, _created = Vote.objects.update_or_create(
        participant=participant, statement=statement, defaults={"value": value}
    )
    _touch(conversation)
    return vote


@transaction.atomic
def record_tally(
    actor: User,
    statement: Statement,
    session: str,
    agree: int,
    disagree: int,
    passed: int,
    request: HttpRequest | None = None,
) -> OfflineTally:
    if min(agree, disagree, passed) < 0:
        raise ValidationError(_("Counts cannot be negative."))
    if agree + disagree + passed == 0:
        raise ValidationError(_("Enter at least one vote."))
    tally = OfflineTally.objects.create(
        statement=statement,
        session=session,
        agree=agree,
        disagree=disagree,
        passed=passed,
        entered_by=actor,
    )
    audit.record(
        actor,
        "dialogue.tally_entered",
        statement,
        request=request,
        organisation=statement.conversation.project.owner_id,
        session=session,
        agree=agree,
        disagree=disagree,
        passed=passed,
    )
    return tally


# --- reports, moderation, appeals --------------------------------------------------------------


@transaction.atomic
def report_statement(participant: Participant, statement: Statement, reason: str) -> Statement:
    """Count a participant's report; enough reports hide the statement until a moderator looks."""
    if statement.conversation_id != participant.conversation_id or not statement.is_public:
        raise ValidationError(_("This statement cannot be reported."))
    _report, created = Report.objects.get_or_create(
        statement=statement, participant=participant, defaults={"reason": reason}
    )
    if not created:
        raise ValidationError(_("You have already reported this statement."))
    Statement.objects.filter(pk=statement.pk).update(report_count=F("report_count") + 1)
    statement.refresh_from_db()
    threshold = statement.conversation.report_threshold
    if threshold and statement.report_count >= threshold and not statement.human_reviewed:
        statement.status = Status.HIDDEN
        statement.save(update_fields=["status"])
        ModerationDecision.objects.create(
            statement=statement,
            kind=DecisionKind.AUTO_HIDE,
            reason=Reason.REPORTS,
            data={"reports": statement.report_count, "threshold": threshold},
        )
        _touch(statement.conversation)
        audit.record(
            None,
            "dialogue.statement_hidden",
            statement,
            organisation=statement.conversation.project.owner_id,
            reports=statement.report_count,
        )
    return statement


def _last_human_decision(statement: Statement) -> ModerationDecision | None:
    return (
        statement.decisions.filter(kind__in=[DecisionKind.ACCEPT, DecisionKind.REJECT])
        .order_by("-created_at", "-id")
        .first()
    )


@transaction.atomic
def decide(
    moderator: User,
    statement: Statement,
    accept: bool,
    reason: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> ModerationDecision:
    """A moderator accepts (publishes) or rejects a statement, saying why."""
    if reason not in Reason.values:
        raise ValidationError(_("Choose a reason."))
    if not accept and reason == Reason.ACCEPTABLE:
        raise ValidationError(_("Say why the statement is not published."))
    if hasattr(statement, "appeal") and statement.appeal.decided_at is None:
        raise ValidationError(_("This statement is under appeal; decide the appeal instead."))
    statement.status = Status.PUBLISHED if accept else Status.REJECTED
    statement.needs_review = False
    statement.human_reviewed = True
    statement.save(update_fields=["status", "needs_review", "human_reviewed"])
    decision = ModerationDecision.objects.create(
        statement=statement,
        kind=DecisionKind.ACCEPT if accept else DecisionKind.REJECT,
        moderator=moderator,
        reason=Reason.ACCEPTABLE if accept else reason,
        note=note,
    )
    _touch(statement.conversation)
    audit.record(
        moderator,
        "dialogue.statement_accepted" if accept else "dialogue.statement_rejected",
        statement,
        request=request,
        organisation=statement.conversation.project.owner_id,
        reason=decision.reason,
    )
    return decision


@transaction.atomic
def appeal(participant: Participant, statement: Statement, text: str) -> Appeal:
    """The author asks a second moderator to look again; once per statement."""
    if statement.author_id != participant.pk:
        raise ValidationError(_("Only the author of a statement can appeal."))
    if statement.status != Status.REJECTED:
        raise ValidationError(_("Only a statement that was not published can be appealed."))
    if Appeal.objects.filter(statement=statement).exists():
        raise ValidationError(
            _("You have already appealed this decision; an appeal is heard once.")
        )
    last = _last_human_decision(statement)
    return Appeal.objects.create(
        statement=statement,
        text=text.strip()[:1000],
        first_moderator=last.moderator if last else None,
    )


@transaction.atomic
def decide_appeal(
    moderator: User,
    the_appeal: Appeal,
    accept: bool,
    reason: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> ModerationDecision:
    """A second moderator, never the one who rejected the statement, decides the appeal."""
    if the_appeal.decided_at is not None:
        raise ValidationError(_("This appeal has already been decided."))
    if the_appeal.first_moderator_id == moderator.pk:
        raise ValidationError(
            _(
                "You took the first decision on this statement; a second moderator must hear the appeal."
            )
        )
    if reason not in Reason.values:
        raise ValidationError(_("Choose a reason."))
    statement = the_appeal.statement
    statement.status = Status.PUBLISHED if accept else Status.REJECTED
    statement.human_reviewed = True
    statement.save(update_fields=["status", "human_reviewed"])
    the_appeal.decided_at = timezone.now()
    the_appeal.save(update_fields=["decided_at"])
    decision = ModerationDecision.objects.create(
        statement=statement,
        kind=DecisionKind.APPEAL_ACCEPT if accept else DecisionKind.APPEAL_REJECT,
        moderator=moderator,
        reason=Reason.ACCEPTABLE if accept else reason,
        note=note,
    )
    _touch(statement.conversation)
    audit.record(
        moderator,
        "dialogue.appeal_decided",
        statement,
        request=request,
        organisation=statement.conversation.project.owner_id,
        upheld=accept,
        reason=decision.reason,
    )
    return decision


def moderation_message(statement: Statement) -> str:
    """What the author is told about their statement, in the active language."""
    if statement.status == Status.PUBLISHED:
        if statement.needs_review:
            return _("Published. A moderator will also read it.")
        return _("Published.")
    if statement.status == Status.HELD:
        return _("Waiting: a moderator reads it before it is published.")
    if statement.status == Status.HIDDEN:
        return _("Hidden after reports from participants, until a moderator reads it.")
    return _("Not published.")


def votes_left_message(count: int) -> str:
    return ngettext(
        "%(n)d statement left to vote on.", "%(n)d statements left to vote on.", count
    ) % {"n": count}
