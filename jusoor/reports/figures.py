"""The results framework with its figures, as every report and export reads it.

One place builds, for a project (and a reporting period), each indicator's baseline, target,
actual, percent achieved and disaggregation, so that the IATI file, the HXL sheet, the donor report
and its annex never disagree. Counts of people below ``SMALL_CELL_THRESHOLD`` are hidden here when
``disclose`` is asked for, because those figures leave the workspace.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

from jusoor.geo.models import AdminUnit, AgeBand, Sex
from jusoor.programmes.models import (
    Dimension,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Measure,
    Project,
    ReportingPeriod,
    ResultNode,
    TargetGroup,
)

CATEGORY_LABELS = {
    Dimension.SEX: dict(Sex.choices),
    Dimension.AGE_BAND: dict(AgeBand.choices),
    Dimension.TARGET_GROUP: dict(TargetGroup.choices),
}


@dataclass
class Cell:
    """One figure as it may be shown: ``value`` is None when it is missing or hidden."""

    value: Decimal | None
    suppressed: bool = False

    def text(self) -> str:
        if self.suppressed:
            return _("fewer than %(n)s") % {"n": settings.SMALL_CELL_THRESHOLD}
        if self.value is None:
            return "—"
        return plain_number(self.value)


@dataclass
class Breakdown:
    dimension: str
    dimension_label: str
    category: str
    category_label: str
    cell: Cell


@dataclass
class IndicatorFigures:
    indicator: Indicator
    node: ResultNode
    baseline: Cell
    target: Cell
    actual: Cell
    percent: Decimal | None
    breakdown: list[Breakdown] = field(default_factory=list)

    @property
    def quantitative(self) -> bool:
        return self.indicator.measure != Measure.QUALITATIVE

    def breakdown_text(self) -> str:
        return "; ".join(
            f"{b.category_label}: {b.cell.text()}" for b in self.breakdown if b.category_label
        )


def plain_number(value: Decimal) -> str:
    """12.00 → "12", 12.50 → "12.5": the way people write figures."""
    if value == value.to_integral():
        return str(value.quantize(Decimal(1)))
    return str(value.normalize())


def cell(value: Decimal | None, counts_people: bool, disclose: bool) -> Cell:
    if value is None:
        return Cell(None)
    if disclose and counts_people and 0 < value < settings.SMALL_CELL_THRESHOLD:
        return Cell(None, suppressed=True)
    return Cell(value)


def category_label(dimension: str, category: str, areas: dict[str, AdminUnit]) -> str:
    if dimension == Dimension.AREA:
        unit = areas.get(category)
        return str(unit) if unit else category
    return str(CATEGORY_LABELS.get(dimension, {}).get(category, category))


def ordered_nodes(project: Project) -> list[ResultNode]:
    nodes = list(project.nodes.all())
    return sorted(nodes, key=lambda n: [int(p) for p in n.code.split(".") if p.isdigit()])


def project_figures(
    project: Project,
    period: ReportingPeriod | None = None,
    *,
    disclose: bool = True,
    language: str | None = None,
) -> list[IndicatorFigures]:
    """Every indicator of the project in framework order, with its figures for ``period``
    (or, without a period, the latest actual and the target of the latest period)."""
    with override(language) if language else nullcontext():
        return _project_figures(project, period, disclose)


def _project_figures(
    project: Project, period: ReportingPeriod | None, disclose: bool
) -> list[IndicatorFigures]:
    nodes = ordered_nodes(project)
    position = {node.pk: index for index, node in enumerate(nodes)}
    indicators = sorted(
        Indicator.objects.filter(node__project=project).select_related("node"),
        key=lambda i: (position.get(i.node_id, 0), i.order, i.pk),
    )
    period_ids = [period.pk] if period else list(project.periods.values_list("pk", flat=True))
    targets: dict[int, Decimal] = {}
    for target in IndicatorTarget.objects.filter(
        indicator__node__project=project, period_id__in=period_ids
    ).order_by("period__end_date"):
        targets[target.indicator_id] = target.value  # the latest period wins
    values: dict[int, list[IndicatorValue]] = {}
    for row in IndicatorValue.objects.filter(
        indicator__node__project=project, period_id__in=period_ids
    ).order_by("period__end_date", "dimension", "category"):
        values.setdefault(row.indicator_id, []).append(row)
    area_codes = {
        row.category for rows in values.values() for row in rows if row.dimension == Dimension.AREA
    }
    areas = {unit.pcode: unit for unit in AdminUnit.objects.filter(pcode__in=area_codes)}

    result = []
    for indicator in indicators:
        rows = values.get(indicator.pk, [])
        totals = [row for row in rows if not row.dimension]
        latest_period = rows[-1].period_id if rows else None
        actual = totals[-1].value if totals else None
        people = indicator.counts_people
        target = targets.get(indicator.pk)
        percent = None
        quantitative = indicator.measure != Measure.QUALITATIVE
        if quantitative and actual is not None and target:
            percent = (actual / target * 100).quantize(Decimal("0.1"))
        actual_cell = cell(actual, people, disclose)
        if actual_cell.suppressed:
            percent = None
        breakdown = [
            Breakdown(
                dimension=row.dimension,
                dimension_label=str(Dimension(row.dimension).label)
                if row.dimension in Dimension.values
                else row.dimension,
                category=row.category,
                category_label=category_label(row.dimension, row.category, areas),
                cell=cell(row.value, people, disclose),
            )
            for row in rows
            if row.dimension and row.period_id == latest_period
        ]
        result.append(
            IndicatorFigures(
                indicator=indicator,
                node=indicator.node,
                baseline=cell(indicator.baseline, people, disclose),
                target=Cell(target),
                actual=actual_cell,
                percent=percent,
                breakdown=breakdown,
            )
        )
    return result
