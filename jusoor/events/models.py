"""Meetings, events with sessions, registration and attendance, takeaways, commitments, media."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jusoor.accounts.models import Bilingual, translated
from jusoor.core.fields import EncryptedTextField
from jusoor.people.models import new_code
from jusoor.programmes.models import TargetGroup


class Meeting(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="meetings"
    )
    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    activity = models.ForeignKey(
        "programmes.ResultNode",
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
        limit_choices_to={"kind": "activity"},
    )
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    area = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    attendees = models.ManyToManyField(
        "people.Person", verbose_name=_("attendees"), blank=True, related_name="meetings"
    )
    stakeholders = models.ManyToManyField(
        "people.Stakeholder",
        verbose_name=_("stakeholders present"),
        blank=True,
        related_name="meetings",
        help_text=_("From the stakeholder directory; not counted in reach."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.title


class EventKind(models.TextChoices):
    CONFERENCE = "conference", _("Conference")
    WORKSHOP = "workshop", _("Workshop")
    DIALOGUE = "dialogue", _("Dialogue session")
    TRAINING = "training", _("Training")


class Event(Bilingual, models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="events"
    )
    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    activity = models.ForeignKey(
        "programmes.ResultNode",
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        limit_choices_to={"kind": "activity"},
    )
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    kind = models.CharField(
        _("kind"), max_length=12, choices=EventKind.choices, default=EventKind.CONFERENCE
    )
    title_ar = models.CharField(_("title (Arabic)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    area = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    capacity = models.PositiveIntegerField(
        _("places for participants"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    registration_open = models.BooleanField(_("public registration open"), default=False)
    publish_commitments = models.BooleanField(_("publish the commitments"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "title_en"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.in_language("title")

    title = translated()

    description = translated()


class SessionKind(models.TextChoices):
    PLENARY = "plenary", _("Plenary")
    PANEL = "panel", _("Panel")
    WORKSHOP = "workshop", _("Workshop")


class Session(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(
        _("kind"), max_length=10, choices=SessionKind.choices, default=SessionKind.PANEL
    )
    topic = models.CharField(_("topic"), max_length=300)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.CharField(_("room"), max_length=100, blank=True)
    moderator = models.CharField(_("moderator"), max_length=200, blank=True)
    speakers = models.TextField(_("speakers"), blank=True, help_text=_("One per line."))

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return self.topic

    @property
    def speaker_list(self) -> list[str]:
        return [line.strip() for line in self.speakers.splitlines() if line.strip()]


class Quota(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="quotas")
    target_group = models.CharField(_("target group"), max_length=30, choices=TargetGroup.choices)
    places = models.PositiveIntegerField(_("places"))

    class Meta:
        ordering = ["target_group"]
        constraints = [
            models.UniqueConstraint(fields=["event", "target_group"], name="one_quota_per_group")
        ]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")

    def __str__(self) -> str:
        return f"{self.get_target_group_display()}: {self.places}"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="registrations"
    )
    code = models.CharField(_("check-in code"), max_length=16, unique=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.CONFIRMED,
    )
    is_guest = models.BooleanField(
        _("guest of a partner organisation"),
        default=False,
        help_text=_("Guests are counted apart from participants."),
    )
    guest_of = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("guest team of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    walk_in = models.BooleanField(_("registered at the door"), default=False)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="one_registration_per_person")
        ]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if not self.code:
            self.code = new_code("", 8)
            while Registration.objects.filter(code=self.code).exists():
                self.code = new_code("", 8)
        super().save(*args, **kwargs)


class Attendance(models.Model):
    """One person present at one session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="attendance")
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="attendance"
    )
    at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["session", "at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="present_once_per_session")
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.person} @ {self.session}"


class TakeawayKind(models.TextChoices):
    CAUSE = "cause", _("Cause")
    CHALLENGE = "challenge", _("Challenge")
    SOLUTION = "solution", _("Solution")
    RECOMMENDATION = "recommendation", _("Recommendation")


class Takeaway(models.Model):
    """A structured output of a meeting or a panel."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="takeaways"
    )
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="takeaways"
    )
    kind = models.CharField(_("kind"), max_length=15, choices=TakeawayKind.choices)
    text = models.TextField(_("what was said"))
    theme = models.CharField(_("theme"), max_length=100, blank=True)
    area = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(meeting__isnull=False) | models.Q(session__isnull=False),
                name="takeaway_has_a_source",
            )
        ]
        verbose_name = _("takeaway")
        verbose_name_plural = _("takeaways")

    def __str__(self) -> str:
        return self.text[:80]


class CommitmentStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Commitment(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments"
    )
    takeaway = models.ForeignKey(
        Takeaway,
        verbose_name=_("from the solution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
    )
    what = models.TextField(_("what will be done"))
    owner = models.CharField(_("owned by (organisation or office)"), max_length=200)
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.PLANNED,
    )
    is_public = models.BooleanField(_("show on the public list"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self) -> str:
        return self.what[:80]


class CommitmentUpdate(models.Model):
    """Evidence of progress on a commitment."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("date"))
    note = models.TextField(_("progress"))
    link = models.URLField(_("evidence (link)"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.date} {self.note[:60]}"


class MediaKind(models.TextChoices):
    TV = "tv", _("Television")
    RADIO = "radio", _("Radio")
    PRESS = "press", _("Press")
    ONLINE = "online", _("Online")
    SOCIAL = "social", _("Social media")


class MediaEntry(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    outlet = models.CharField(_("outlet"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=MediaKind.choices)
    link = models.URLField(_("link"), blank=True)
    date = models.DateField(_("date"))
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=[("ar", _("Arabic")), ("en", _("English")), ("ku", _("Kurdish"))],
        default="ar",
    )
    reach = models.PositiveIntegerField(_("estimated reach"), null=True, blank=True)
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="media"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="media"
    )
    activity = models.ForeignKey(
        "programmes.ResultNode",
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="media",
        limit_choices_to={"kind": "activity"},
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-date", "id"]
        verbose_name = _("media entry")
        verbose_name_plural = _("media log")

    def __str__(self) -> str:
        return f"{self.outlet} {self.date}"


class Usefulness(models.IntegerChoices):
    NOT_USEFUL = 1, _("1 — not useful")
    LITTLE = 2, _("2 — a little useful")
    FAIRLY = 3, _("3 — fairly useful")
    USEFUL = 4, _("4 — useful")
    VERY = 5, _("5 — very useful")


class JoinDialogue(models.TextChoices):
    YES = "yes", _("Yes")
    MAYBE = "maybe", _("Perhaps")
    NO = "no", _("No")


class TextReview(models.TextChoices):
    NONE = "none", _("No written answer")
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved for reading")
    REJECTED = "rejected", _("Not shown")


class Feedback(models.Model):
    """One participant's answers after an event: one per registration, no account needed.

    The written answers are encrypted (they come from a known registration and may name
    people) and stay hidden until someone reviews them; the moderation engine's opinion is kept
    beside them to help the reviewer.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback")
    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    usefulness = models.PositiveSmallIntegerField(
        _("How useful was the event for you?"), choices=Usefulness.choices
    )
    learned = EncryptedTextField(_("What did you learn?"), blank=True)
    improve = EncryptedTextField(_("What should we do better?"), blank=True)
    join_dialogue = models.CharField(
        _("Would you join the community dialogue?"), max_length=5, choices=JoinDialogue.choices
    )
    text_review = models.CharField(
        _("written answers"), max_length=10, choices=TextReview.choices, default=TextReview.NONE
    )
    engine = models.JSONField(_("moderation engine's opinion"), default=dict, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{self.registration} {self.usefulness}"
