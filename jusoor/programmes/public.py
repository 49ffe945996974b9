"""What the public project page shows, built from the data (never typed in twice).

Everything here leaves the workspace, so counts of people below the small-cell threshold are
shown as "fewer than N" instead of the number.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings

from jusoor.programmes.models import NodeKind, ParticipationRole, Project


def disclosed(value: Decimal | None, counts_people: bool) -> dict[str, Any]:
    threshold = settings.SMALL_CELL_THRESHOLD
    if value is None:
        return {"value": None, "suppressed": False}
    if counts_people and 0 < value < threshold:
        return {"value": None, "suppressed": True, "threshold": threshold}
    return {
        "value": value.normalize() if value == value.to_integral() else value,
        "suppressed": False,
    }


def public_project_context(project: Project) -> dict[str, Any]:
    nodes = list(
        project.nodes.prefetch_related("indicators__values__period").order_by("order", "id")
    )
    children: dict[int | None, list] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    objectives = children.get(None, [])
    results = []
    for objective in objectives:
        for result in children.get(objective.pk, []):
            results.append({"node": result, "activities": children.get(result.pk, [])})

    figures = []
    for node in nodes:
        for indicator in node.indicators.all():
            if indicator.headline:
                totals = [v for v in indicator.values.all() if not v.dimension]
                totals.sort(key=lambda v: v.period.end_date)
                latest = totals[-1].value if totals else None
                figures.append(
                    {"indicator": indicator, **disclosed(latest, indicator.counts_people)}
                )
    participants = list(project.participants.select_related("organisation"))
    by_role = {
        role: [p.organisation for p in participants if p.role == role]
        for role in ParticipationRole.values
    }
    return {
        "project": project,
        "objectives": objectives,
        "results": results,
        "figures": figures,
        "area_count": project.target_areas.count(),
        "areas": project.target_areas.select_related("unit"),
        "implementers": by_role["implementing"] + by_role["accountable"],
        "partners": by_role["extending"],
        "funders": by_role["funding"],
        "supporters": by_role["supporting"],
        "governorates": project.governorates.all(),
        "programme": project.programme,
        "kinds": NodeKind,
    }
