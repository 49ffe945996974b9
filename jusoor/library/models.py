"""The knowledge resource: resources, their file versions, and the search document of each."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jusoor.accounts.models import Bilingual, translated


class Kind(models.TextChoices):
    TOOLKIT = "toolkit", _("Toolkit")
    GUIDE = "guide", _("Guide")
    TRAINING = "training", _("Training material")
    RESEARCH = "research", _("Research")
    POLICY = "policy", _("Policy")
    REPORT = "report", _("Report")
    MEDIA = "media", _("Media")


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    ENGLISH = "en", _("English")
    BOTH = "ar_en", _("Arabic and English")


class Audience(models.TextChoices):
    YOUTH = "youth", _("Youth")
    WOMEN = "women", _("Women")
    LOCAL_LEADERS = "local_leaders", _("Local leaders")
    TEACHERS = "teachers", _("Teachers")
    RELIGIOUS_LEADERS = "religious_leaders", _("Religious leaders")
    OFFICIALS = "officials", _("Officials")


class Theme(models.TextChoices):
    CAUSES = "causes", _("Causes of violent extremism")
    PREVENTION = "prevention", _("Prevention")
    HATE_SPEECH = "hate_speech", _("Hate speech")
    SOCIAL_COHESION = "social_cohesion", _("Social cohesion")
    REINTEGRATION = "reintegration", _("Reintegration of returnees")
    GENDER = "gender", _("Women and gender")
    EDUCATION = "education", _("Education")
    RELIGIOUS_DISCOURSE = "religious_discourse", _("Religious discourse")
    MEDIA = "media", _("Media and social media")
    RESEARCH_METHODS = "research_methods", _("Research and monitoring")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone, without an account")
    ORGANISATION = "organisation", _("Our organisation only")
    PROJECT = "project", _("Everyone who sees the related project")


class TextStatus(models.TextChoices):
    EXTRACTED = "extracted", _("Text extracted")
    NO_TEXT = "no_text", _("No text (scanned or image only)")
    NOT_APPLICABLE = "none", _("Not a text document")


def _split(value: str) -> list[str]:
    return [item for item in value.strip(",").split(",") if item]


def join_tags(values: list[str]) -> str:
    """Tags are stored as ",a,b," so that one tag is an indexed-free ``contains`` on both databases."""
    return "," + ",".join(values) + "," if values else ""


class Resource(Bilingual, models.Model):
    owner = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="library_resources",
    )
    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("related project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_resources",
    )
    title_ar = models.CharField(_("title (Arabic)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_ar = models.TextField(_("summary (Arabic)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    themes = models.CharField(_("themes"), max_length=300, blank=True)
    licence = models.CharField(
        _("licence"), max_length=100, blank=True, help_text=_("For example CC BY 4.0.")
    )
    link = models.URLField(_("web address"), max_length=500, blank=True)
    visibility = models.CharField(
        _("who may see it"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    published_on = models.DateField(_("publication date"))
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    is_demo = models.BooleanField(_("demo content"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [models.Index(fields=["visibility", "owner"])]

    def __str__(self) -> str:
        return self.in_language("title") or f"#{self.pk}"

    title = translated()

    summary = translated()

    @property
    def audience_list(self) -> list[str]:
        return _split(self.audience)

    @property
    def theme_list(self) -> list[str]:
        return _split(self.themes)

    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [str(labels.get(a, a)) for a in self.audience_list]

    def theme_labels(self) -> list[str]:
        labels = dict(Theme.choices)
        return [str(labels.get(t, t)) for t in self.theme_list]

    @property
    def current_version(self) -> ResourceVersion | None:
        versions = getattr(self, "_prefetched_objects_cache", {}).get("versions")
        if versions is not None:
            return max(versions, key=lambda v: v.number, default=None)
        return self.versions.order_by("-number").first()


def version_path(version: ResourceVersion, filename: str) -> str:
    return f"library/{version.resource_id}/v{version.number}/{filename}"


class FileFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    XLSX = "xlsx", "Excel (XLSX)"
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"
    GIF = "gif", "GIF"
    WEBP = "webp", "WebP"


class ResourceVersion(models.Model):
    """One uploaded file of a resource. A new file is a new version; old versions are kept."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=version_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10, choices=FileFormat.choices)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    text = models.TextField(_("extracted text"), blank=True)
    text_status = models.CharField(_("text"), max_length=20, choices=TextStatus.choices)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="one_number_per_version")
        ]
        verbose_name = _("version")
        verbose_name_plural = _("versions")

    def __str__(self) -> str:
        return f"{self.filename} (v{self.number})"


class SearchDocument(models.Model):
    """The engine's search terms of a resource, space separated, as the full-text index reads them.

    On SQLite an FTS5 table (``library_fts``) indexes this table as its external content, kept in
    step by triggers; on PostgreSQL a generated ``tsvector`` column with a GIN index does. Both are
    created in the migrations, per vendor.
    """

    resource = models.OneToOneField(
        Resource, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    # Who may see it and its facets, as words (vprivate, o3, pv7, kreport, y2024...): on SQLite
    # they let the full-text index itself apply visibility and filters, with no join.
    tags = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"search document of resource {self.resource_id}"
