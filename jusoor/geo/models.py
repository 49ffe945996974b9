"""Iraq's administrative units, keyed by OCHA p-codes (COD-AB)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from jusoor.accounts.models import Bilingual, translated


class Level(models.IntegerChoices):
    GOVERNORATE = 1, _("Governorate")
    DISTRICT = 2, _("District")
    SUB_DISTRICT = 3, _("Sub-district")


# Governorate IQG01, district IQG01Q03, sub-district IQG01Q03N03.
PCODE_PATTERNS = {
    Level.GOVERNORATE: re.compile(r"IQG\d{2}"),
    Level.DISTRICT: re.compile(r"IQG\d{2}Q\d{2}"),
    Level.SUB_DISTRICT: re.compile(r"IQG\d{2}Q\d{2}N\d{2}"),
}


def level_of_pcode(pcode: str) -> int | None:
    for level, pattern in PCODE_PATTERNS.items():
        if pattern.fullmatch(pcode):
            return int(level)
    return None


class AdminUnit(Bilingual, models.Model):
    pcode = models.CharField(_("p-code"), max_length=16, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120)

    class Meta:
        ordering = ["pcode"]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")

    def __str__(self) -> str:
        return self.in_language("name")

    name = translated()

    def clean(self) -> None:
        if level_of_pcode(self.pcode) != self.level:
            raise ValidationError({"pcode": _("This p-code does not have the form of its level.")})
        if self.level == Level.GOVERNORATE and self.parent_id:
            raise ValidationError({"parent": _("A governorate has no parent.")})
        if self.level > Level.GOVERNORATE:
            if not self.parent or self.parent.level != self.level - 1:
                raise ValidationError({"parent": _("The parent must be one level up.")})
            if not self.pcode.startswith(self.parent.pcode):
                raise ValidationError({"pcode": _("The p-code must start with its parent's.")})

    def ancestors(self) -> list[AdminUnit]:
        chain, unit = [], self.parent
        while unit is not None:
            chain.append(unit)
            unit = unit.parent
        return chain

    @property
    def governorate(self) -> AdminUnit:
        chain = [self, *self.ancestors()]
        return chain[-1]


class Sex(models.TextChoices):
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")


class AgeBand(models.TextChoices):
    """Bands that add up to the usual donor groupings (youth 15–29, under 18, adults)."""

    UNDER_15 = "0-14", _("Under 15")
    FROM_15 = "15-17", _("15–17")
    FROM_18 = "18-24", _("18–24")
    FROM_25 = "25-29", _("25–29")
    FROM_30 = "30-44", _("30–44")
    FROM_45 = "45-59", _("45–59")
    FROM_60 = "60+", _("60 and over")


class TargetArea(models.Model):
    project = models.ForeignKey(
        "programmes.Project", on_delete=models.CASCADE, related_name="target_areas"
    )
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["unit__pcode"]
        constraints = [
            models.UniqueConstraint(fields=["project", "unit"], name="one_target_area_per_unit")
        ]
        verbose_name = _("target area")
        verbose_name_plural = _("target areas")

    def __str__(self) -> str:
        return str(self.unit)

    @property
    def population_total(self) -> int:
        return sum(figure.count for figure in self.population.all())


class AreaPopulation(models.Model):
    """Population of a target area by sex and age band, the margins used to weight surveys."""

    area = models.ForeignKey(TargetArea, on_delete=models.CASCADE, related_name="population")
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices)
    count = models.PositiveIntegerField(_("people"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["sex", "age_band"]
        constraints = [
            models.UniqueConstraint(fields=["area", "sex", "age_band"], name="one_figure_per_cell")
        ]
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")

    def __str__(self) -> str:
        return f"{self.area} {self.sex} {self.age_band}: {self.count}"
