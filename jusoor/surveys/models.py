"""Survey forms (from XLSForm), their versions, submissions and their review, imports, app tokens."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jusoor.core.fields import EncryptedTextField
from jusoor.programmes.models import Project


class Form(models.Model):
    """A questionnaire, known to ODK Collect by its ``form_id``; its content lives in versions."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="survey_forms")
    form_id = models.CharField(_("form ID"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    is_key_informant_guide = models.BooleanField(_("key-informant interview guide"), default=False)
    is_open = models.BooleanField(_("open for collection"), default=True)
    enumerators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_survey_forms",
        verbose_name=_("assigned enumerators"),
        help_text=_("Leave empty to let every enumerator of the project collect."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "form_id"], name="survey_form_id_per_project"
            )
        ]
        ordering = ["title"]
        verbose_name = _("survey form")

    def __str__(self) -> str:
        return self.title

    @property
    def current_version(self) -> FormVersion | None:
        cached = getattr(self, "_current_version", None)
        if cached is None:
            cached = self.versions.order_by("-pk").first()
            self._current_version = cached
        return cached


class FormVersion(models.Model):
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(_("version"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    default_language = models.CharField(_("default language"), max_length=60, blank=True)
    languages = models.JSONField(_("languages"), default=list)
    xlsform = models.BinaryField(_("XLSForm file"))
    xlsform_name = models.CharField(max_length=255)
    xform = models.TextField(_("XForm XML"))
    xform_md5 = models.CharField(max_length=32)
    root_name = models.CharField(max_length=100)
    definition = models.JSONField(default=dict)  # pyxform's JSON, as pyxform produced it
    questions = models.JSONField(default=list)  # flattened: see xlsform.flatten
    unsupported = models.JSONField(default=list)  # [{row, name, type, reason}]
    warnings = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["form", "version"], name="survey_version_per_form")
        ]
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.form.form_id} v{self.version}"

    def question_map(self) -> dict[str, dict[str, Any]]:
        return {q["path"]: q for q in self.questions}


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    APPROVED = "approved", _("Approved")
    ON_HOLD = "on_hold", _("On hold")
    REJECTED = "rejected", _("Rejected")


class Channel(models.TextChoices):
    OPENROSA = "openrosa", _("ODK Collect / KoboCollect")
    WEB = "web", _("Web form")
    IMPORT = "import", _("Import")
    DEMO = "demo", _("Synthetic demo data")
    SELF = "self", _("Self-completed (public link)")


class Submission(models.Model):
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="submissions")
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="submissions")
    instance_id = models.CharField(_("instance ID"), max_length=100)
    # The XML holds every answer, personal ones included, so it is sealed like them.
    xml = EncryptedTextField(_("submitted XML"))
    xml_sha256 = models.CharField(max_length=64)
    answers = models.JSONField(_("answers"), default=dict)  # without personal data
    pii = EncryptedTextField(_("personal-data answers"), blank=True, default="")
    enumerator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_submissions",
        verbose_name=_("enumerator"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"), db_index=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.RECEIVED,
        db_index=True,
    )
    synthetic = models.BooleanField(_("synthetic"), default=False)
    # An edit (meta/deprecatedID) is a new submission; the one it replaces stays, marked.
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    is_current = models.BooleanField(default=True, db_index=True)
    import_batch = models.ForeignKey(
        "KoboImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    # The instanceID of the submission's first version when that version is not stored here:
    # an ODK Central export gives an edited submission under its current instanceID with the
    # first one in KEY, and a later export names it by that KEY alone. Empty otherwise.
    first_instance_id = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        indexes = [
            # Partial: the rows that have one are few, and no other insert pays for it.
            models.Index(
                fields=["form", "first_instance_id"],
                condition=~models.Q(first_instance_id=""),
                name="survey_first_instance",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["form", "instance_id"], name="survey_instance_per_form")
        ]
        ordering = ["-received_at", "-pk"]
        verbose_name = _("submission")

    def __str__(self) -> str:
        return self.instance_id

    def personal_answers(self) -> dict[str, Any]:
        return json.loads(self.pii) if self.pii else {}


class SubmissionReview(models.Model):
    """One status change with its comment: the history of a submission's review."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    status = models.CharField(max_length=10, choices=SubmissionStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.status}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"surveys/{instance.submission.form_id}/{instance.submission.instance_id}/{filename}"


class Attachment(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=255)
    file = models.FileField(upload_to=_attachment_path, max_length=400)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "name"], name="survey_attachment_name")
        ]

    def __str__(self) -> str:
        return self.name


class AppToken(models.Model):
    """A key for ODK Collect, put in the server URL (``/openrosa/key/<token>/…``), or typed as
    the password beside ``collect_username`` (HTTP Digest, or Basic over TLS).

    Only a keyed hash is stored, and for Digest the HA1 (MD5 of user name, realm and token)
    sealed like personal data: the token is shown once, when it is made.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_tokens"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="survey_tokens")
    label = models.CharField(_("label"), max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    # The user name at issue time: renaming the account must not break the phone's Digest.
    collect_username = models.CharField(max_length=150, blank=True, default="", db_index=True)
    digest_ha1 = EncryptedTextField(blank=True, default="")
    forms = models.ManyToManyField(Form, related_name="tokens", verbose_name=_("forms"))
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label or f"token {self.pk}"


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Being checked")
    PREVIEW = "preview", _("Preview")
    DONE = "done", _("Imported")


class KoboImport(models.Model):
    """An uploaded KoboToolbox export: checked by a background job (``checking``), previewed,
    then written all at once (``done``)."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=255)
    # The file itself is in ``parts`` (``import_files``); 0 once it is no longer kept.
    size = models.PositiveBigIntegerField(default=0)
    content_sha256 = models.CharField(max_length=64)
    preview = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default="preview")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    imported_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


class KoboImportPart(models.Model):
    """One piece of an uploaded file, encrypted on its own (exports carry personal data), so
    that the file is read a piece at a time and never has to be in memory whole."""

    batch = models.ForeignKey(KoboImport, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveIntegerField()
    content = EncryptedTextField()  # base64 of the piece

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="one_part_per_place"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.number}"


class WebDraft(models.Model):
    """A half-filled web form, kept on the server so that a lost connection loses nothing."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_drafts"
    )
    answers = EncryptedTextField(default="")  # JSON; may hold personal data
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["form", "user"], name="survey_one_draft_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.form} · {self.user}"

    def values(self) -> dict[str, Any]:
        return json.loads(self.answers) if self.answers else {}


class SelfCompletionLink(models.Model):
    """The public link through which respondents fill a form themselves, without an account.

    The link's token is looked up by its keyed hash; the token itself is kept sealed, like
    personal data, so that the form's managers can copy the link again later. A closed link
    stays known, and answers "closed" rather than "not found".
    """

    form = models.OneToOneField(Form, on_delete=models.CASCADE, related_name="self_completion")
    token_hash = models.CharField(max_length=64, unique=True)
    token = EncryptedTextField()
    is_open = models.BooleanField(_("open for self-completion"), default=True)
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("self-completion link")

    def __str__(self) -> str:
        return f"{self.form} · self-completion"


class SelfCompletionDraft(models.Model):
    """A respondent's half-filled form, found by the keyed hash of a random key held in a
    cookie on the respondent's phone: no account, and nothing in the database leads to them."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="self_drafts")
    key_hash = models.CharField(max_length=64, unique=True)
    answers = EncryptedTextField(default="")  # JSON; may hold personal data
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.form} · draft {self.pk}"

    def values(self) -> dict[str, Any]:
        return json.loads(self.answers) if self.answers else {}


class DigestNonceUse(models.Model):
    """One HTTP Digest answer taken by the OpenRosa server, so that the same one is not taken
    twice (a captured ``Authorization`` header replayed). The unique key makes the refusal hold
    across processes and servers; a row is worth keeping only until its nonce expires."""

    key = models.CharField(max_length=64, unique=True)  # openrosa.nonce_use_key
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"digest nonce use until {self.expires_at:%Y-%m-%d %H:%M:%S}"
