"""Readable names for the groups of a disaggregation (area p-codes become place names)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from jusoor.geo.models import AdminUnit, AgeBand, Sex
from jusoor.programmes.models import Dimension, TargetGroup

CATEGORY_CHOICES = {
    Dimension.SEX: dict(Sex.choices),
    Dimension.AGE_BAND: dict(AgeBand.choices),
    Dimension.TARGET_GROUP: dict(TargetGroup.choices),
}


def label_for(dimension: str, category: str, areas: dict[str, AdminUnit] | None = None) -> str:
    if dimension == Dimension.AREA:
        unit = (areas or {}).get(category)
        return str(unit) if unit else category
    return str(CATEGORY_CHOICES.get(dimension, {}).get(category, category))


def category_labeller(indicator=None) -> Callable[[str, str], str]:  # type: ignore[no-untyped-def]
    areas = {u.pcode: u for u in AdminUnit.objects.filter(level__gte=2)}
    return lambda dimension, category: label_for(dimension, category, areas)


# What a computed value's note means (stored as a key, shown in the reader's language).
NOTES = {
    "weighted": _("weighted to the target areas' population by area, sex and age band"),
    "unweighted": _("unweighted"),
    "unweighted_no_population": _("unweighted: the target areas have no population figures"),
    "unweighted_missing_cells": _(
        "unweighted: some respondents' area, sex or age band has no population figure"
    ),
    "unweighted_unusable": _("unweighted: the population figures could not be used"),
    "no_respondents": _("no respondents in the period"),
}


def note_text(note: str) -> str:
    return str(NOTES.get(note, note))
