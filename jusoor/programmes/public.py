"""What the public project page shows, built from the data (never typed in twice).

Everything here leaves the workspace, so counts of people below the small-cell threshold are
shown as "fewer than N" instead of the number.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Q

from jusoor.programmes.labels import category_labeller
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
    label = category_labeller()
    for node in nodes:
        for indicator in node.indicators.all():
            if indicator.headline:
                values = sorted(indicator.values.all(), key=lambda v: v.period.end_date)
                totals = [v for v in values if not v.dimension]
                latest = totals[-1] if totals else None
                groups = [
                    {
                        "dimension": v.dimension,
                        "label": label(v.dimension, v.category),
                        **disclosed(v.value, indicator.counts_people),
                    }
                    for v in values
                    if v.dimension and latest and v.period_id == latest.period_id
                ]
                figures.append(
                    {
                        "indicator": indicator,
                        "computed": bool(latest and latest.computed),
                        "groups": _complementary(groups),
                        **disclosed(latest.value if latest else None, indicator.counts_people),
                    }
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
        "commitments": public_commitments(project),
        "media": media_coverage(project),
        "findings": findings(project),
    }


def _complementary(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """When a single group of a disaggregation is hidden, hide the next smallest too, or the total
    would give it away."""
    for dimension in {g["dimension"] for g in groups}:
        same = [g for g in groups if g["dimension"] == dimension]
        if sum(1 for g in same if g["suppressed"]) == 1:
            shown = sorted((g for g in same if g["value"] is not None), key=lambda g: g["value"])
            if shown:
                shown[0].update(
                    value=None, suppressed=True, threshold=settings.SMALL_CELL_THRESHOLD
                )
    return groups


def public_commitments(project: Project) -> list[Any]:
    """Commitments shown on the public list, of events whose commitments are published."""
    if not apps.is_installed("jusoor.events"):
        return []
    from jusoor.events.models import Commitment

    return list(
        Commitment.objects.filter(is_public=True)
        .filter(
            Q(event__project=project, event__publish_commitments=True)
            | Q(
                takeaway__session__event__project=project,
                takeaway__session__event__publish_commitments=True,
            )
        )
        .distinct()
        .order_by("due_date", "id")
    )


def media_coverage(project: Project) -> list[Any]:
    if not apps.is_installed("jusoor.events"):
        return []
    from jusoor.events.models import MediaEntry

    return list(
        MediaEntry.objects.filter(
            Q(event__project=project) | Q(meeting__project=project) | Q(activity__project=project)
        )
        .distinct()
        .order_by("-date", "id")
    )


def findings(project: Project) -> list[Any]:
    """Published research findings, when the research app is part of this installation."""
    if not apps.is_installed("jusoor.research"):
        return []
    try:
        from jusoor.research.public import published_findings
    except ImportError:  # an installation whose research app publishes nothing yet
        return []
    return list(published_findings(project))
