"""Qualitative coding (codebook, segments, codings, suggestions) and findings with their evidence.

A segment is a span of a source text: a text answer of a form (key-informant interviews among
them), the minutes of a meeting, or a takeaway. Its text is copied when it is made, so that a
coding keeps its meaning if the source is corrected later; ``start``/``end`` point into the source
text as it was then.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jusoor.accounts.models import Bilingual, translated


class Category(models.TextChoices):
    CAUSE = "cause", _("Cause")
    CHALLENGE = "challenge", _("Challenge")
    SOLUTION = "solution", _("Solution")
    NEED = "need", _("Need")


class Codebook(models.Model):
    project = models.OneToOneField(
        "programmes.Project", on_delete=models.CASCADE, related_name="codebook"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("codebook")

    def __str__(self) -> str:
        return str(self.project)


class Code(Bilingual, models.Model):
    codebook = models.ForeignKey(Codebook, on_delete=models.CASCADE, related_name="codes")
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    key = models.SlugField(max_length=40, blank=True)  # seeded codes: how the demo finds them
    name_ar = models.CharField(_("name (Arabic)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description = models.TextField(_("when to use it"), blank=True)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_(
            "Words that often signal this code, separated by commas; used for suggestions."
        ),
    )
    order = models.PositiveIntegerField(default=0)
    name = translated()

    class Meta:
        ordering = ["category", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["codebook", "name_ar"], name="research_code_name")
        ]
        verbose_name = _("code")

    def __str__(self) -> str:
        return self.name


class SourceKind(models.TextChoices):
    ANSWER = "answer", _("Text answer of a form")
    MINUTES = "minutes", _("Meeting minutes")
    TAKEAWAY = "takeaway", _("Takeaway")


class Segment(models.Model):
    project = models.ForeignKey(
        "programmes.Project", on_delete=models.CASCADE, related_name="segments"
    )
    kind = models.CharField(max_length=10, choices=SourceKind.choices)
    submission = models.ForeignKey(
        "surveys.Submission", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    field = models.CharField(max_length=200, blank=True)  # question path of a text answer
    meeting = models.ForeignKey(
        "events.Meeting", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    takeaway = models.ForeignKey(
        "events.Takeaway", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField(_("passage"))
    # Groups for code frequencies, read from the source when the segment is made.
    area = models.CharField(max_length=16, blank=True)  # p-code
    sex = models.CharField(max_length=1, blank=True)
    age_band = models.CharField(max_length=8, blank=True)
    respondent_type = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "submission", "field", "meeting", "takeaway", "start", "end"],
                name="research_one_segment_per_span",
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="research_segment_not_empty"
            ),
        ]
        verbose_name = _("segment")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def source_key(self) -> str:
        target = self.submission_id or self.meeting_id or self.takeaway_id
        return f"{self.kind}-{target}-{self.field}" if self.field else f"{self.kind}-{target}"


class Coding(models.Model):
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="codings")
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="codings")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    from_suggestion = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["segment", "code"], name="research_code_once")
        ]

    def __str__(self) -> str:
        return f"{self.segment_id} × {self.code}"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("Suggested")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Suggestion(models.Model):
    """A code proposed by the computer for an uncoded segment; a person accepts or rejects it."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="suggestions")
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="suggestions")
    score = models.FloatField()
    shared_terms = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["segment", "code"], name="research_suggest_once")
        ]

    def __str__(self) -> str:
        return f"{self.segment_id} ? {self.code}"


class FindingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHED = "published", _("Published")


class Finding(Bilingual, models.Model):
    project = models.ForeignKey(
        "programmes.Project", on_delete=models.CASCADE, related_name="findings"
    )
    statement_ar = models.TextField(_("statement (Arabic)"))
    statement_en = models.TextField(_("statement (English)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.DRAFT
    )
    nodes = models.ManyToManyField(
        "programmes.ResultNode",
        blank=True,
        related_name="findings",
        verbose_name=_("results framework entries"),
    )
    synthetic = models.BooleanField(_("from synthetic data"), default=False)
    key = models.SlugField(max_length=60, blank=True)  # demo findings: how a re-run finds them
    order = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    statement = translated()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("finding")

    def __str__(self) -> str:
        return self.statement[:80]


class EvidenceKind(models.TextChoices):
    ESTIMATE = "estimate", _("Survey estimate")
    CROSSTAB = "crosstab", _("Cross-tabulation")
    QUOTES = "quotes", _("Coded quotes")


class Evidence(models.Model):
    """What backs a finding: the parameters that produce it and a snapshot of what they gave.

    The snapshot is what pages and reports show, so a published finding does not move when new
    submissions arrive; ``refresh`` recomputes it from the parameters on request.
    """

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    parameters = models.JSONField(default=dict)
    snapshot = models.JSONField(default=dict)
    computed_at = models.DateTimeField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("evidence")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.finding_id})"


class ResearchReport(Bilingual, models.Model):
    """The title and framing of a project's research report; its content comes from the data."""

    project = models.OneToOneField(
        "programmes.Project", on_delete=models.CASCADE, related_name="research_report"
    )
    title_ar = models.CharField(_("title (Arabic)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    introduction_ar = models.TextField(_("introduction (Arabic)"), blank=True)
    introduction_en = models.TextField(_("introduction (English)"), blank=True)
    limitations_ar = models.TextField(_("further limitations (Arabic)"), blank=True)
    limitations_en = models.TextField(_("further limitations (English)"), blank=True)
    presented_at = models.ForeignKey(
        "events.Event",
        verbose_name=_("presented at"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="research_reports",
    )
    title = translated()

    class Meta:
        verbose_name = _("research report")

    def __str__(self) -> str:
        return self.title
