"""API tokens, and the donor-report sections that people write (kept in versions)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jusoor.accounts.models import Organisation, User
from jusoor.accounts.roles import Role
from jusoor.programmes.models import ReportingPeriod


class ApiToken(models.Model):
    """A key for the REST API, acting for one organisation with one role.

    Only a keyed hash of the key is stored (``core.crypto.blind_index``): the key itself is shown
    once, when it is made, and cannot be read back.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("acts as"), max_length=30, choices=Role.choices)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ReportLanguage(models.TextChoices):
    ARABIC = "ar", "العربية"
    ENGLISH = "en", "English"


class DonorReport(models.Model):
    """The donor progress report of one reporting period, in one language."""

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="donor_reports"
    )
    language = models.CharField(_("language"), max_length=2, choices=ReportLanguage.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "language"], name="one_donor_report_per_language"
            )
        ]
        verbose_name = _("donor report")
        verbose_name_plural = _("donor reports")

    def __str__(self) -> str:
        return f"{self.period.project} · {self.period} · {self.language}"

    @property
    def project(self):  # type: ignore[no-untyped-def]
        return self.period.project

    def latest(self) -> DonorReportVersion | None:
        return self.versions.order_by("-number").first()


class DonorReportVersion(models.Model):
    """One saved state of the sections people write; a save never overwrites, it adds."""

    report = models.ForeignKey(DonorReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    challenges = models.TextField(_("challenges"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="one_number_per_donor_report_version"
            )
        ]
        verbose_name = _("donor report version")
        verbose_name_plural = _("donor report versions")

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


class PublishedReport(models.Model):
    """A donor report published to the library: which period and language, and where it lives.

    Publishing the same period and language again adds a version to the same library resource.
    """

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="published_reports"
    )
    language = models.CharField(_("language"), max_length=2, choices=ReportLanguage.choices)
    resource = models.ForeignKey(
        "library.Resource", on_delete=models.CASCADE, related_name="published_reports"
    )
    published_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "language"], name="one_published_report_per_language"
            )
        ]
        verbose_name = _("published report")
        verbose_name_plural = _("published reports")

    def __str__(self) -> str:
        return f"{self.period.project} · {self.period} · {self.language} → {self.resource_id}"
