"""Small builders for programme tests and the URL role table."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.base import ContentFile

from jusoor.programmes.models import IndicatorValue


def value_with_evidence(world) -> IndicatorValue:  # type: ignore[no-untyped-def]
    value, _ = IndicatorValue.objects.get_or_create(
        indicator=world.indicator,
        period=world.period,
        dimension="",
        category="",
        defaults={"value": Decimal(12)},
    )
    if not value.evidence:
        value.evidence.save("attendance-sheet.txt", ContentFile(b"12 people signed"), save=True)
    return value
