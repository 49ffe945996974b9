"""Conversations, their anonymous participants, statements, votes, and moderation.

Taking part needs no account and no personal data: a participant is a random token kept in a
signed cookie, and the only facts about them are what they choose to report (sex, age band,
area), used for aggregated, small-cell-suppressed group breakdowns.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jusoor.accounts.models import Bilingual, translated
from jusoor.geo.models import AgeBand, Sex

MAX_STATEMENT_CHARS = 300
MIN_STATEMENT_CHARS = 5


class Access(models.TextChoices):
    LINK = "link", _("Anyone with the link")
    CODE = "code", _("Holders of an invitation code")


class Mode(models.TextChoices):
    """How new statements are treated before the engine's own routing is applied."""

    HOLD = "hold", _("Hold every statement until a moderator has read it")
    QUEUE = "queue", _("Publish, and queue every statement for review")
    PUBLISH = "publish", _("Publish unless the moderation engine holds or queues it")


class EnginePolicy(models.TextChoices):
    STANDARD = "standard", _("Standard")
    STRICT = "strict", _("Strict (youth conversations)")
    OPEN = "open", _("Open (closed debates among adults)")


class Conversation(Bilingual, models.Model):
    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="conversations",
    )
    slug = models.SlugField(_("short name in the link"), max_length=60, unique=True)
    topic_ar = models.CharField(_("topic (Arabic)"), max_length=300)
    topic_en = models.CharField(_("topic (English)"), max_length=300, blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    is_open = models.BooleanField(_("open for statements and votes"), default=True)
    access = models.CharField(
        _("who may take part"), max_length=10, choices=Access.choices, default=Access.LINK
    )
    mode = models.CharField(
        _("moderation of new statements"), max_length=10, choices=Mode.choices, default=Mode.QUEUE
    )
    engine_policy = models.CharField(
        _("moderation engine thresholds"),
        max_length=10,
        choices=EnginePolicy.choices,
        default=EnginePolicy.STANDARD,
    )
    report_threshold = models.PositiveSmallIntegerField(
        _("hide a statement after this many reports"), default=3
    )
    is_synthetic = models.BooleanField(_("synthetic demonstration data"), default=False)
    opinion_state = models.JSONField(default=dict, blank=True, editable=False)
    map_data = models.JSONField(default=dict, blank=True, editable=False)
    map_computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    votes_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return self.in_language("topic")

    topic = translated()

    description = translated()

    @property
    def map_is_stale(self) -> bool:
        if not self.map_computed_at:
            return True
        return bool(self.votes_changed_at and self.votes_changed_at > self.map_computed_at)


class InvitationCode(models.Model):
    """A code handed out at an event. Only its keyed hash is stored; the code is shown once."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(_("where it was handed out"), max_length=200, blank=True)
    max_uses = models.PositiveIntegerField(_("how many people may use it"), default=1)
    uses = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.label or f"#{self.pk}"

    @property
    def remaining(self) -> int:
        return max(self.max_uses - self.uses, 0)


class Participant(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    token = models.CharField(max_length=43, unique=True)
    invitation = models.ForeignKey(
        InvitationCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    age_band = models.CharField(_("age"), max_length=8, choices=AgeBand.choices, blank=True)
    area = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_synthetic = models.BooleanField(default=False)
    vote_window_start = models.DateTimeField(null=True, blank=True)
    vote_window_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"P{self.pk}"


class Status(models.TextChoices):
    HELD = "held", _("Held until a moderator reads it")
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden after reports, waiting for a moderator")
    REJECTED = "rejected", _("Not published")


class Source(models.TextChoices):
    ONLINE = "online", _("Written online")
    SEED = "seed", _("Seed statement")
    OFFLINE = "offline", _("Entered from an offline session")


class Statement(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="statements"
    )
    author = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("statement"))
    normalised_key = models.CharField(max_length=64, db_index=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ONLINE)
    offline_session = models.CharField(_("offline session"), max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    needs_review = models.BooleanField(default=False)
    human_reviewed = models.BooleanField(default=False)
    engine_action = models.CharField(max_length=10, blank=True)
    engine_reasons = models.JSONField(default=list, blank=True)
    p_offensive = models.FloatField(null=True, blank=True)
    p_hate = models.FloatField(null=True, blank=True)
    report_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["conversation", "status"])]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED


class VoteValue(models.IntegerChoices):
    AGREE = 1, _("Agree")
    DISAGREE = -1, _("Disagree")
    PASS = 0, _("Pass / unsure")


class Vote(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=VoteValue.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "statement"], name="one_vote_each")
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.statement_id} {self.value}"


class OfflineTally(models.Model):
    """Paper votes counted at a panel or community session: totals, not people."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="tallies")
    session = models.CharField(_("session"), max_length=200)
    agree = models.PositiveIntegerField(_("agree"), default=0)
    disagree = models.PositiveIntegerField(_("disagree"), default=0)
    passed = models.PositiveIntegerField(_("pass"), default=0)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.session}: +{self.agree} -{self.disagree} ={self.passed}"


class ReportReason(models.TextChoices):
    OFFENSIVE = "offensive", _("Insulting or offensive")
    HATE = "hate", _("Hate against a group")
    VIOLENCE = "violence", _("Calls for violence")
    PERSONAL = "personal", _("Reveals who someone is")
    SPAM = "spam", _("Spam or off topic")


class Report(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="reports")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=12, choices=ReportReason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["statement", "participant"], name="one_report_each")
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} {self.reason}"


class Reason(models.TextChoices):
    """Why a statement was held, queued or not published; shown to its author."""

    OFFENSIVE = "offensive", _("Offensive language")
    HATE = "hate", _("Hate speech")
    INSULT = "insult", _("Insult")
    SECTARIAN = "sectarian_ethnic_hate", _("Sectarian or ethnic hate")
    INCITEMENT = "incitement", _("Incitement to violence")
    PROPAGANDA = "extremist_propaganda", _("Extremist propaganda")
    PROFANITY = "profanity", _("Profanity")
    LINK = "link", _("Contains a link")
    PHONE = "phone", _("Contains a phone number")
    TOO_LONG = "too_long", _("Too long")
    REPORTS = "reports", _("Reported by participants")
    PERSONAL = "personal", _("Could identify a person")
    OFF_TOPIC = "off_topic", _("Off topic or spam")
    POLICY = "policy", _("Every statement is read first")
    ACCEPTABLE = "acceptable", _("Acceptable")
    OTHER = "other", _("Other")


REASON_EXPLANATIONS = {
    Reason.OFFENSIVE: _("It reads as insulting or offensive towards someone."),
    Reason.HATE: _("It reads as hate against a group of people."),
    Reason.INSULT: _("It contains an insult."),
    Reason.SECTARIAN: _("It contains a sectarian or ethnic slur."),
    Reason.INCITEMENT: _("It calls for violence against people."),
    Reason.PROPAGANDA: _("It repeats the language of extremist groups."),
    Reason.PROFANITY: _("It contains profanity."),
    Reason.LINK: _("Links are checked before publishing, to keep recruiters and scams out."),
    Reason.PHONE: _("Phone numbers are never published, to protect people."),
    Reason.TOO_LONG: _("It is longer than a moderator can check automatically."),
    Reason.REPORTS: _("Several participants reported it."),
    Reason.PERSONAL: _("It could identify a person, which can put them in danger."),
    Reason.OFF_TOPIC: _("It is not about the topic of this conversation."),
    Reason.POLICY: _("In this conversation a moderator reads every statement first."),
    Reason.ACCEPTABLE: _("A moderator read it and found it acceptable."),
    Reason.OTHER: _("A moderator judged it against the rules of this conversation."),
}


class DecisionKind(models.TextChoices):
    ENGINE = "engine", _("Automatic moderation")
    AUTO_HIDE = "auto_hide", _("Hidden after reports")
    ACCEPT = "accept", _("Accepted by a moderator")
    REJECT = "reject", _("Rejected by a moderator")
    APPEAL_ACCEPT = "appeal_accept", _("Appeal upheld: published")
    APPEAL_REJECT = "appeal_reject", _("Appeal refused")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("Moderation decisions cannot be changed.")

    def delete(self):  # type: ignore[no-untyped-def]
        raise PermissionError("Moderation decisions cannot be deleted.")


class ModerationDecision(models.Model):
    """One line of the append-only record of every moderation decision: who, when, why."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=16, choices=DecisionKind.choices)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=24, choices=Reason.choices)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.reason}"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise PermissionError("Moderation decisions cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("Moderation decisions cannot be deleted.")

    @property
    def explanation(self) -> str:
        return str(REASON_EXPLANATIONS.get(self.reason, ""))


class Appeal(models.Model):
    """An author's one appeal against a rejection, decided by a second moderator."""

    statement = models.OneToOneField(Statement, on_delete=models.CASCADE, related_name="appeal")
    text = models.TextField(_("why it should be published"), blank=True)
    first_moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"appeal {self.statement_id}"


class EngineModelStatus(models.TextChoices):
    CANDIDATE = "candidate", _("candidate (not switched on)")
    ACTIVE = "active", _("switched on")
    RETIRED = "retired", _("retired")


class OrganisationModerationModel(models.Model):
    """A moderation model retrained on one organisation's confirmed decisions.

    Its files (``moderation.npz`` and ``moderation.json``) live under MEDIA_ROOT in ``files``;
    ``metrics`` holds the new and the previous model's cross-validated metrics, so that a person
    sees both before switching it on. At most one per organisation is active.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="moderation_models",
    )
    created_at = models.DateTimeField(_("trained at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trained by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EngineModelStatus.choices,
        default=EngineModelStatus.CANDIDATE,
    )
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    confirmed_count = models.PositiveIntegerField(_("confirmed decisions used"), default=0)
    files = models.CharField(_("folder under the media root"), max_length=255, blank=True)
    activated_at = models.DateTimeField(_("switched on at"), null=True, blank=True)

    class Meta:
        verbose_name = _("organisation moderation model")
        verbose_name_plural = _("organisation moderation models")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status="active"),
                name="dialogue_one_active_moderation_model",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} #{self.pk} ({self.status})"

    @property
    def new_metrics(self) -> dict:
        return self.metrics.get("new", {})

    @property
    def previous_metrics(self) -> dict:
        return self.metrics.get("previous", {})
