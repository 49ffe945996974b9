"""Programmes, projects, the organisations taking part, and the results framework."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from jusoor.accounts.models import Bilingual, Organisation, translated
from jusoor.accounts.roles import Role


class Programme(Bilingual, models.Model):
    """A broader programme grouping projects across governorates and organisations."""

    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    title_ar = models.CharField(_("title (Arabic)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_ar = models.TextField(_("summary (Arabic)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    governorates = models.ManyToManyField(
        "geo.AdminUnit", verbose_name=_("governorates"), blank=True, related_name="+"
    )

    class Meta:
        ordering = ["title_en"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.in_language("title")

    summary = translated()


class ProjectStatus(models.IntegerChoices):
    """IATI ActivityStatus codes."""

    PIPELINE = 1, _("In preparation")
    IMPLEMENTATION = 2, _("Being implemented")
    FINALISATION = 3, _("Finishing")
    CLOSED = 4, _("Closed")
    CANCELLED = 5, _("Cancelled")
    SUSPENDED = 6, _("Suspended")


class Project(Bilingual, models.Model):
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    code = models.CharField(_("project code"), max_length=60, blank=True)
    title_ar = models.CharField(_("title (Arabic)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_ar = models.TextField(_("summary (Arabic)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    impact_ar = models.TextField(_("impact (Arabic)"), blank=True)
    impact_en = models.TextField(_("impact (English)"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.PositiveSmallIntegerField(
        _("status"), choices=ProjectStatus.choices, default=ProjectStatus.IMPLEMENTATION
    )
    governorates = models.ManyToManyField(
        "geo.AdminUnit", verbose_name=_("governorates"), blank=True, related_name="+"
    )
    sector = models.CharField(
        _("sector (DAC code)"),
        max_length=5,
        default="15220",
        help_text=_("15220: civilian peace-building, conflict prevention and resolution."),
    )
    is_public = models.BooleanField(_("public page"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "title_en"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.in_language("title")

    summary = translated()

    impact = translated()


class ParticipationRole(models.TextChoices):
    FUNDING = "funding", _("Funding")
    ACCOUNTABLE = "accountable", _("Accountable")
    EXTENDING = "extending", _("Extending")
    IMPLEMENTING = "implementing", _("Implementing")
    SUPPORTING = "supporting", _("Supporting")


# IATI OrganisationRole codes; "supporting" has none and is shown as such.
IATI_ROLE_CODE = {"funding": 1, "accountable": 2, "extending": 3, "implementing": 4}


class ProjectOrganisation(models.Model):
    """An organisation's part in a project and, optionally, its access to the workspace."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    role = models.CharField(
        _("role in the project"), max_length=20, choices=ParticipationRole.choices
    )
    access_role = models.CharField(
        _("access to the workspace"),
        max_length=30,
        choices=Role.choices,
        blank=True,
        help_text=_("Members of this organisation see the project with at most this role."),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "role"], name="one_role_per_organisation"
            )
        ]
        verbose_name = _("participating organisation")
        verbose_name_plural = _("participating organisations")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"

    @property
    def iati_code(self) -> int | None:
        return IATI_ROLE_CODE.get(self.role)


class NodeKind(models.TextChoices):
    OBJECTIVE = "objective", _("Objective")
    RESULT = "result", _("Result")
    ACTIVITY = "activity", _("Activity")


# Which kind may sit under which: objective → result → activity.
PARENT_KIND = {
    NodeKind.OBJECTIVE: None,
    NodeKind.RESULT: NodeKind.OBJECTIVE,
    NodeKind.ACTIVITY: NodeKind.RESULT,
}


class ResultNode(Bilingual, models.Model):
    """One node of the results framework. Codes (1, 1.1, 1.1.2) follow the order of siblings."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("under"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=NodeKind.choices)
    code = models.CharField(_("code"), max_length=20, editable=False)
    order = models.PositiveSmallIntegerField(_("position"), default=1)
    title_ar = models.TextField(_("statement (Arabic)"))
    title_en = models.TextField(_("statement (English)"), blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("results framework entry")
        verbose_name_plural = _("results framework entries")

    def __str__(self) -> str:
        return f"{self.code} {self.in_language('title')}"

    title = translated()

    description = translated()


class Measure(models.TextChoices):
    COUNT = "count", _("Count")
    PERCENTAGE = "percentage", _("Percentage")
    MEAN = "mean", _("Mean")
    QUALITATIVE = "qualitative", _("Qualitative")


class Dimension(models.TextChoices):
    SEX = "sex", _("Sex")
    AGE_BAND = "age_band", _("Age band")
    AREA = "area", _("Area")
    TARGET_GROUP = "target_group", _("Target group")


class TargetGroup(models.TextChoices):
    YOUTH = "youth", _("Youth")
    WOMENS_GROUP = "womens_group", _("Women's group")
    LOCAL_LEADER = "local_leader", _("Local leader")
    TRIBAL_LEADER = "tribal_leader", _("Tribal leader")
    RELIGIOUS_LEADER = "religious_leader", _("Religious leader")
    GOVERNMENT_OFFICIAL = "government_official", _("Government official")
    SUB_COMMITTEE = "sub_committee", _("Sub-committee member")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    MEDIA = "media", _("Media")
    ACADEMIC = "academic", _("Academic")
    OTHER = "other", _("Other")


class Indicator(Bilingual, models.Model):
    node = models.ForeignKey(
        ResultNode,
        verbose_name=_("results framework entry"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    code = models.CharField(_("code"), max_length=20, blank=True)
    name_ar = models.CharField(_("indicator (Arabic)"), max_length=300)
    name_en = models.CharField(_("indicator (English)"), max_length=300, blank=True)
    definition_ar = models.TextField(_("definition (Arabic)"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    measure = models.CharField(
        _("measure"), max_length=12, choices=Measure.choices, default=Measure.COUNT
    )
    unit_ar = models.CharField(_("unit (Arabic)"), max_length=60, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=60, blank=True)
    counts_people = models.BooleanField(
        _("counts people"),
        default=False,
        help_text=_("Small numbers of people are hidden outside the workspace."),
    )
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_note = models.CharField(_("baseline note"), max_length=200, blank=True)
    disaggregations = models.JSONField(_("disaggregated by"), default=list, blank=True)
    means_of_verification = models.TextField(_("means of verification"), blank=True)
    headline = models.BooleanField(_("show on the public page"), default=False)
    order = models.PositiveSmallIntegerField(_("position"), default=1)
    # Empty: figures are entered by hand. Otherwise a key of programmes.computations.REGISTRY.
    computation = models.CharField(_("computed from the data"), max_length=40, blank=True)
    parameters = models.JSONField(_("computation parameters"), default=dict, blank=True)
    stale = models.BooleanField(default=False, db_index=True)
    computed_at = models.DateTimeField(_("last computed"), null=True, blank=True)
    computation_error = models.TextField(_("computation problem"), blank=True)

    class Meta:
        ordering = ["node__code", "order", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.in_language("name")

    @property
    def project(self) -> Project:
        return self.node.project

    @property
    def is_computed(self) -> bool:
        return bool(self.computation)

    def latest_actual(self) -> Decimal | None:
        value = (
            self.values.filter(dimension="", category="")
            .order_by("-period__end_date")
            .values_list("value", flat=True)
            .first()
        )
        return value


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    LOCKED = "locked", _("Locked")


class ReportingPeriod(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="periods")
    label = models.CharField(_("name"), max_length=80)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=12, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    submitted_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    locked_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("locked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")

    def __str__(self) -> str:
        return self.label

    @property
    def is_open(self) -> bool:
        return self.status == PeriodStatus.OPEN

    @property
    def is_locked(self) -> bool:
        return self.status == PeriodStatus.LOCKED


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_target_per_period")
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.indicator} {self.period}: {self.value}"


class IndicatorValue(models.Model):
    """An actual value for a period; ``dimension``/``category`` empty for the total."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(
        _("disaggregated by"), max_length=20, blank=True, choices=Dimension.choices
    )
    category = models.CharField(_("group"), max_length=40, blank=True)
    value = models.DecimalField(_("actual"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Computed values carry the interval of a survey estimate (percentages), when there is one.
    lower = models.DecimalField(
        _("interval from"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    upper = models.DecimalField(
        _("interval to"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    computed = models.BooleanField(_("computed from the data"), default=False)
    evidence = models.FileField(
        _("evidence"), upload_to="indicators/evidence/%Y/", max_length=300, blank=True
    )
    entered_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period__start_date", "dimension", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "dimension", "category"], name="one_value_per_cell"
            )
        ]
        verbose_name = _("actual value")
        verbose_name_plural = _("actual values")

    def __str__(self) -> str:
        return f"{self.indicator} {self.period} {self.dimension}:{self.category} = {self.value}"
