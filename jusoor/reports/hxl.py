"""HXL-tagged CSV of a project's activities, reach and indicators.

One row per indicator, reporting period and figure: the total first, then each disaggregated
figure (by sex, age band, area or target group). Rows of indicators that count people also carry
the reach columns (``#reached``, ``#reached+f``, ``#reached+m``). The file leaves the workspace, so
counts of people below the small-cell threshold are left blank with a note. UTF-8 with a byte-order
mark, so that Excel opens the Arabic correctly.
"""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.utils.translation import gettext as _

from jusoor.geo.models import AdminUnit, Level
from jusoor.programmes.models import Dimension, Project
from jusoor.reports.figures import Cell, IndicatorFigures, plain_number, project_figures

COLUMNS = [
    ("Project code", "#activity+project+code"),
    ("Project", "#activity+project+name"),
    ("Framework code", "#activity+code"),
    ("Framework entry", "#activity+name"),
    ("Kind", "#activity+type"),
    ("Implementing organisations", "#org+impl"),
    ("Funding organisations", "#org+funder"),
    ("Governorate", "#adm1+name"),
    ("Governorate p-code", "#adm1+code"),
    ("District", "#adm2+name"),
    ("District p-code", "#adm2+code"),
    ("Sub-district p-code", "#adm3+code"),
    ("Indicator code", "#indicator+code"),
    ("Indicator", "#indicator+name"),
    ("Unit", "#indicator+unit"),
    ("Period start", "#date+start"),
    ("Period end", "#date+end"),
    ("Disaggregated by", "#indicator+dimension"),
    ("Group", "#indicator+category"),
    ("Target", "#indicator+value+target"),
    ("Value", "#indicator+value"),
    ("People reached", "#reached"),
    ("Women reached", "#reached+f"),
    ("Men reached", "#reached+m"),
    ("Note", "#meta+note"),
]


def _labels() -> list[str]:
    # The English column names are translated here, not in COLUMNS, so they follow the language.
    names = {
        "Project code": _("Project code"),
        "Project": _("Project"),
        "Framework code": _("Framework code"),
        "Framework entry": _("Framework entry"),
        "Kind": _("Kind"),
        "Implementing organisations": _("Implementing organisations"),
        "Funding organisations": _("Funding organisations"),
        "Governorate": _("Governorate"),
        "Governorate p-code": _("Governorate p-code"),
        "District": _("District"),
        "District p-code": _("District p-code"),
        "Sub-district p-code": _("Sub-district p-code"),
        "Indicator code": _("Indicator code"),
        "Indicator": _("Indicator"),
        "Unit": _("Unit"),
        "Period start": _("Period start"),
        "Period end": _("Period end"),
        "Disaggregated by": _("Disaggregated by"),
        "Group": _("Group"),
        "Target": _("Target"),
        "Value": _("Value"),
        "People reached": _("People reached"),
        "Women reached": _("Women reached"),
        "Men reached": _("Men reached"),
        "Note": _("Note"),
    }
    return [names[label] for label, _tag in COLUMNS]


def _number(cell: Cell) -> str:
    return plain_number(cell.value) if cell.value is not None else ""


def _note(*cells: Cell) -> str:
    if any(c.suppressed for c in cells):
        return _("Fewer than %(n)s people: hidden to protect them.") % {
            "n": settings.SMALL_CELL_THRESHOLD
        }
    return ""


def _places(unit: AdminUnit | None) -> dict[str, str]:
    places = dict.fromkeys(
        ("#adm1+name", "#adm1+code", "#adm2+name", "#adm2+code", "#adm3+code"), ""
    )
    if unit is None:
        return places
    for level_unit in [unit, *unit.ancestors()]:
        if level_unit.level == Level.GOVERNORATE:
            places["#adm1+name"], places["#adm1+code"] = level_unit.name, level_unit.pcode
        elif level_unit.level == Level.DISTRICT:
            places["#adm2+name"], places["#adm2+code"] = level_unit.name, level_unit.pcode
        elif level_unit.level == Level.SUB_DISTRICT:
            places["#adm3+code"] = level_unit.pcode
    return places


def rows(project: Project) -> list[dict[str, str]]:
    participants = list(project.participants.select_related("organisation"))
    implementers = " | ".join(
        str(p.organisation) for p in participants if p.role in ("implementing", "accountable")
    ) or str(project.owner)
    funders = " | ".join(str(p.organisation) for p in participants if p.role == "funding")
    governorates = list(project.governorates.all())
    if not governorates:
        governorates = list(
            {
                area.unit.governorate.pk: area.unit.governorate
                for area in project.target_areas.select_related("unit__parent__parent")
            }.values()
        )
    project_place = governorates[0] if len(governorates) == 1 else None
    units = {
        unit.pcode: unit
        for unit in AdminUnit.objects.select_related("parent__parent").filter(
            pcode__in=project.target_areas.values("unit__pcode")
        )
    }

    table: list[dict[str, str]] = []
    for period in project.periods.all():
        for figures in project_figures(project, period, disclose=True):
            if figures.target.value is None and figures.actual.value is None:
                continue
            base = _base(project, figures, implementers, funders)
            base["#date+start"] = period.start_date.isoformat()
            base["#date+end"] = period.end_date.isoformat()
            total = dict(base, **_places(project_place))
            total["#indicator+value+target"] = _number(figures.target)
            total["#indicator+value"] = _number(figures.actual)
            notes = [figures.actual]
            if figures.indicator.counts_people:
                total["#reached"] = _number(figures.actual)
                for part in figures.breakdown:
                    if part.dimension == Dimension.SEX and part.category in ("f", "m"):
                        total[f"#reached+{part.category}"] = _number(part.cell)
                        notes.append(part.cell)
            total["#meta+note"] = _note(*notes)
            table.append(total)
            for part in figures.breakdown:
                unit = units.get(part.category) if part.dimension == Dimension.AREA else None
                if part.dimension == Dimension.AREA and unit is None:
                    unit = AdminUnit.objects.filter(pcode=part.category).first()
                row = dict(base, **_places(unit or project_place))
                row["#indicator+dimension"] = part.dimension_label
                row["#indicator+category"] = part.category_label
                row["#indicator+value"] = _number(part.cell)
                row["#meta+note"] = _note(part.cell)
                table.append(row)
    return table


def _base(
    project: Project, figures: IndicatorFigures, implementers: str, funders: str
) -> dict[str, str]:
    indicator = figures.indicator
    return {
        "#activity+project+code": project.code,
        "#activity+project+name": str(project),
        "#activity+code": figures.node.code,
        "#activity+name": figures.node.title,
        "#activity+type": str(figures.node.get_kind_display()),
        "#org+impl": implementers,
        "#org+funder": funders,
        "#indicator+code": indicator.code,
        "#indicator+name": str(indicator),
        "#indicator+unit": indicator.in_language("unit"),
    }


def hxl_csv(project: Project) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_labels())
    writer.writerow([tag for _label, tag in COLUMNS])
    for row in rows(project):
        writer.writerow([row.get(tag, "") for _label, tag in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
