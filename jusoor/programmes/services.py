"""Every change to projects and their results frameworks: validated, saved, audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jusoor.accounts.models import User
from jusoor.core import audit
from jusoor.geo.models import AdminUnit, AreaPopulation, TargetArea
from jusoor.programmes.models import (
    PARENT_KIND,
    Dimension,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    PeriodStatus,
    Project,
    ProjectOrganisation,
    ReportingPeriod,
    ResultNode,
)


@transaction.atomic
def save_model(actor: User | None, instance: Any, action: str, request=None) -> Any:  # type: ignore[no-untyped-def]
    return audit.save_audited(actor, instance, action, request)


@transaction.atomic
def save_project(actor: User, project: Project, governorates=None, request=None) -> Project:  # type: ignore[no-untyped-def]
    if project.end_date and project.start_date and project.end_date < project.start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    save_model(actor, project, "project", request)
    if governorates is not None:
        project.governorates.set(governorates)
    return project


@transaction.atomic
def add_participant(
    actor: User, participation: ProjectOrganisation, request=None
) -> ProjectOrganisation:  # type: ignore[no-untyped-def]
    if (
        ProjectOrganisation.objects.filter(
            project=participation.project,
            organisation=participation.organisation,
            role=participation.role,
        )
        .exclude(pk=participation.pk)
        .exists()
    ):
        raise ValidationError(_("This organisation already has this role in the project."))
    save_model(actor, participation, "project.participant", request)
    if participation.access_role:
        audit.record(
            actor,
            "project.share",
            participation.project,
            request=request,
            organisation=participation.project.owner,
            shared_with=participation.organisation.slug,
            role=participation.access_role,
        )
    return participation


@transaction.atomic
def remove_participant(actor: User, participation: ProjectOrganisation, request=None) -> None:  # type: ignore[no-untyped-def]
    audit.record(
        actor,
        "project.participant.delete",
        participation,
        request=request,
        organisation=participation.project.owner,
        removed=participation.organisation.slug,
        role=participation.role,
        access_role=participation.access_role,
    )
    participation.delete()


def _check_parent(node: ResultNode) -> None:
    wanted = PARENT_KIND[node.kind]
    parent = node.parent
    if wanted is None and parent is not None:
        raise ValidationError({"parent": _("An objective sits at the top of the framework.")})
    if wanted is not None and (parent is None or parent.kind != wanted):
        raise ValidationError(
            {
                "parent": _("A %(kind)s must sit under a %(parent)s.")
                % {
                    "kind": node.get_kind_display().lower(),
                    "parent": ResultNode(kind=wanted).get_kind_display().lower(),
                }
            }
        )
    if parent is not None and parent.project_id != node.project_id:
        raise ValidationError({"parent": _("The parent belongs to another project.")})


def renumber(project: Project) -> None:
    """Codes follow sibling order: objectives 1, 2; results 1.1; activities 1.1.1."""
    nodes = list(project.nodes.all().order_by("order", "id"))
    children: dict[int | None, list[ResultNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)

    def walk(parent_id: int | None, prefix: str) -> None:
        for position, node in enumerate(children.get(parent_id, []), start=1):
            code = f"{prefix}{position}"
            if node.code != code:
                node.code = code
                ResultNode.objects.filter(pk=node.pk).update(code=code)
            walk(node.pk, f"{code}.")

    walk(None, "")


@transaction.atomic
def save_node(actor: User, node: ResultNode, request=None) -> ResultNode:  # type: ignore[no-untyped-def]
    _check_parent(node)
    if not node.code:
        node.code = "?"
    save_model(actor, node, "framework.node", request)
    renumber(node.project)
    node.refresh_from_db(fields=["code"])
    return node


@transaction.atomic
def delete_node(actor: User, node: ResultNode, request=None) -> None:  # type: ignore[no-untyped-def]
    project = node.project
    audit.record(
        actor, "framework.node.delete", node, request=request, code=node.code, title=node.title_ar
    )
    node.delete()
    renumber(project)


@transaction.atomic
def save_indicator(actor: User, indicator: Indicator, request=None) -> Indicator:  # type: ignore[no-untyped-def]
    if indicator.computation:
        from jusoor.programmes import computations

        computation = computations.REGISTRY.get(indicator.computation)
        if computation is None:
            raise ValidationError({"computation": _("Unknown computation.")})
        indicator.parameters = computations.clean_parameters(
            indicator.computation, indicator.parameters or {}, indicator.node.project
        )
        indicator.measure = computation.measure
        indicator.counts_people = computation.counts_people
        indicator.stale = True
    else:
        indicator.parameters = {}
        indicator.computation_error = ""
    return save_model(actor, indicator, "indicator", request)


# --- computed indicators -------------------------------------------------------------------------


def mark_stale(project_ids=None, organisation_id=None, computations=None) -> int:  # type: ignore[no-untyped-def]
    """Flag the computed indicators whose data may have changed (of some projects or of an
    organisation's projects; only the given computations, when named): one UPDATE, no
    recomputation.

    Written as SQL: it runs with every submission received, and building the equivalent
    querysets cost more than the database takes to run the statement.
    """
    quote = connection.ops.quote_name
    nodes = quote(ResultNode._meta.db_table)
    conditions = ["stale = %s", "computation <> %s"]
    params: list[Any] = [False, ""]
    if computations is not None:
        if not computations:
            return 0
        conditions.append(f"computation IN ({', '.join(['%s'] * len(computations))})")
        params += list(computations)
    if project_ids is not None:
        ids = [pk for pk in project_ids if pk]
        if not ids:
            return 0
        conditions.append(
            f"node_id IN (SELECT id FROM {nodes} WHERE project_id IN "  # noqa: S608 (names from models)
            f"({', '.join(['%s'] * len(ids))}))"
        )
        params += ids
    elif organisation_id is not None:
        conditions.append(
            f"node_id IN (SELECT n.id FROM {nodes} n JOIN {quote(Project._meta.db_table)} p "  # noqa: S608
            "ON p.id = n.project_id WHERE p.owner_id = %s)"
        )
        params.append(organisation_id)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Indicator._meta.db_table)} SET stale = %s "  # noqa: S608
            f"WHERE {' AND '.join(conditions)}",
            [True, *params],
        )
        return cursor.rowcount


def recompute_indicator(indicator: Indicator, actor: User | None = None) -> bool:
    """Compute the indicator for every open period of its project and store the values.

    Submitted, approved and locked periods are skipped: their figures are what was reported.
    Returns False, with the reason in ``computation_error``, when the computation cannot run.
    """
    from jusoor.programmes import computations

    if not indicator.computation:
        return True
    error = ""
    changed: list[str] = []
    try:
        computation = computations.computation_for(indicator)
        computations.check_dimensions(indicator, computation)
        periods = list(
            ReportingPeriod.objects.filter(
                project_id=indicator.node.project_id, status=PeriodStatus.OPEN
            )
        )
        outcomes = [
            (period, computation.compute(indicator, period, indicator.parameters or {}))
            for period in periods
        ]
    except computations.ComputationError as exc:
        error = str(exc)
    else:
        with transaction.atomic():
            for period, outcome in outcomes:
                if _store(indicator, period, outcome):
                    changed.append(period.label)
    Indicator.objects.filter(pk=indicator.pk).update(
        stale=False, computed_at=timezone.now(), computation_error=error
    )
    indicator.stale, indicator.computation_error = False, error
    if changed:
        audit.record(actor, "indicator.recompute", indicator, periods=changed)
    return not error


def _store(indicator: Indicator, period: ReportingPeriod, outcome) -> bool:  # type: ignore[no-untyped-def]
    """Replace the period's values with the outcome; True when anything changed."""
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if not period.is_open:
        return False
    wanted = {("", ""): (outcome.total, outcome.lower, outcome.upper, outcome.note[:300])}
    for key, value in outcome.cells.items():
        lower, upper = outcome.intervals.get(key, (None, None))
        wanted[key] = (value, lower, upper, "")
    current = {
        (row.dimension, row.category): row
        for row in IndicatorValue.objects.filter(indicator=indicator, period=period)
    }
    stale = [row.pk for key, row in current.items() if key not in wanted or not row.computed]
    new, changed = [], bool(stale)
    for key, (value, lower, upper, note) in wanted.items():
        row = current.get(key)
        if row is not None and row.pk not in stale:
            if (row.value, row.lower, row.upper, row.note) != (value, lower, upper, note):
                IndicatorValue.objects.filter(pk=row.pk).update(
                    value=value, lower=lower, upper=upper, note=note
                )
                changed = True
            continue
        new.append(
            IndicatorValue(
                indicator=indicator,
                period=period,
                dimension=key[0],
                category=key[1],
                value=value,
                lower=lower,
                upper=upper,
                note=note,
                computed=True,
            )
        )
    if stale:
        IndicatorValue.objects.filter(pk__in=stale).delete()
    if new:
        IndicatorValue.objects.bulk_create(new)
        changed = True
    return changed


def recompute_stale(project: Project | None = None, *, everything: bool = False) -> int:
    """Recompute the stale computed indicators (of a project, or all); the number recomputed."""
    indicators = Indicator.objects.exclude(computation="").select_related("node__project")
    if project is not None:
        indicators = indicators.filter(node__project=project)
    if not everything:
        indicators = indicators.filter(stale=True)
    count = 0
    for indicator in indicators:
        recompute_indicator(indicator)
        count += 1
    return count


def _require_open(period: ReportingPeriod) -> None:
    if period.is_locked:
        raise ValidationError(
            {
                "period": _(
                    "The period “%(period)s” is locked: its figures were reported and can no "
                    "longer change."
                )
                % {"period": period.label}
            }
        )
    if not period.is_open:
        raise ValidationError(
            {
                "period": _(
                    "The period “%(period)s” is %(status)s; its figures can no longer change."
                )
                % {"period": period.label, "status": period.get_status_display().lower()}
            }
        )


@transaction.atomic
def set_target(
    actor: User, indicator: Indicator, period: ReportingPeriod, value: Decimal, request=None
) -> IndicatorTarget:  # type: ignore[no-untyped-def]
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.project_id != indicator.node.project_id:
        raise ValidationError({"period": _("This period belongs to another project.")})
    _require_open(period)
    target, _created = IndicatorTarget.objects.update_or_create(
        indicator=indicator, period=period, defaults={"value": value}
    )
    audit.record(
        actor,
        "indicator.target.set",
        indicator,
        request=request,
        period=period.label,
        value=str(value),
    )
    return target


@transaction.atomic
def set_actual(
    actor: User,
    indicator: Indicator,
    period: ReportingPeriod,
    value: Decimal,
    dimension: str = "",
    category: str = "",
    note: str = "",
    request=None,
    evidence=None,  # type: ignore[no-untyped-def]
) -> IndicatorValue:  # type: ignore[no-untyped-def]
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.project_id != indicator.node.project_id:
        raise ValidationError({"period": _("This period belongs to another project.")})
    _require_open(period)
    if indicator.is_computed:
        raise ValidationError(
            {
                "value": _(
                    "This indicator is computed from the data; its actual values cannot be "
                    "typed in."
                )
            }
        )
    if dimension and dimension not in indicator.disaggregations:
        label = Dimension(dimension).label if dimension in Dimension.values else dimension
        raise ValidationError(
            {
                "dimension": _("This indicator is not disaggregated by %(dimension)s.")
                % {"dimension": str(label).lower()}
            }
        )
    if bool(dimension) != bool(category):
        raise ValidationError(
            {"category": _("Give both the disaggregation and its group, or neither.")}
        )
    row, _created = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        period=period,
        dimension=dimension,
        category=category,
        defaults={
            "value": value,
            "note": note,
            "entered_by": actor if actor and actor.pk else None,
        },
    )
    if evidence:
        row.evidence.save(evidence.name, evidence, save=True)
    audit.record(
        actor,
        "indicator.actual.set",
        indicator,
        request=request,
        period=period.label,
        dimension=dimension,
        category=category,
        value=str(value),
        evidence=row.evidence.name if row.evidence else "",
    )
    return row


PERIOD_TRANSITIONS = {
    PeriodStatus.OPEN: {PeriodStatus.SUBMITTED},
    PeriodStatus.SUBMITTED: {PeriodStatus.OPEN, PeriodStatus.APPROVED},
    PeriodStatus.APPROVED: {PeriodStatus.LOCKED, PeriodStatus.SUBMITTED},
    PeriodStatus.LOCKED: set(),
}


@transaction.atomic
def change_period_status(
    actor: User, period: ReportingPeriod, status: str, request=None
) -> ReportingPeriod:  # type: ignore[no-untyped-def]
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if status not in PERIOD_TRANSITIONS[PeriodStatus(period.status)]:
        raise ValidationError(
            _("A period that is %(old)s cannot become %(new)s.")
            % {
                "old": period.get_status_display().lower(),
                "new": PeriodStatus(status).label.lower(),
            }
        )
    old = period.status
    period.status = status
    fields = ["status"]
    stamp = {
        PeriodStatus.SUBMITTED: "submitted",
        PeriodStatus.APPROVED: "approved",
        PeriodStatus.LOCKED: "locked",
    }.get(PeriodStatus(status))
    if stamp:
        setattr(period, f"{stamp}_by", actor if actor and actor.pk else None)
        setattr(period, f"{stamp}_at", timezone.now())
        fields += [f"{stamp}_by", f"{stamp}_at"]
    period.save(update_fields=fields)
    audit.record(actor, "period.status", period, request=request, status=[old, status])
    if status == PeriodStatus.OPEN:
        # Reopened: computed figures catch up with the data on the next read.
        mark_stale(project_ids=[period.project_id])
    return period


@transaction.atomic
def add_target_area(actor: User, project: Project, unit: AdminUnit, request=None) -> TargetArea:  # type: ignore[no-untyped-def]
    if project.target_areas.filter(unit=unit).exists():
        raise ValidationError({"unit": _("This area is already a target area of the project.")})
    area = TargetArea.objects.create(project=project, unit=unit)
    audit.record(
        actor,
        "project.target_area.create",
        area,
        request=request,
        organisation=project.owner,
        pcode=unit.pcode,
    )
    return area


@transaction.atomic
def remove_target_area(actor: User, area: TargetArea, request=None) -> None:  # type: ignore[no-untyped-def]
    audit.record(
        actor,
        "project.target_area.delete",
        area,
        request=request,
        organisation=area.project.owner,
        pcode=area.unit.pcode,
    )
    area.delete()


@transaction.atomic
def save_programme(actor: User, programme, governorates=None, request=None):  # type: ignore[no-untyped-def]
    save_model(actor, programme, "programme", request)
    if governorates is not None:
        programme.governorates.set(governorates)
    return programme


@transaction.atomic
def set_population(
    actor: User,
    area: TargetArea,
    figures: dict[tuple[str, str], int | None],
    source: str = "",
    request=None,  # type: ignore[no-untyped-def]
) -> None:
    """Replace the area's population table; an empty cell removes that figure."""
    for (sex, band), count in figures.items():
        if count is None:
            AreaPopulation.objects.filter(area=area, sex=sex, age_band=band).delete()
        else:
            AreaPopulation.objects.update_or_create(
                area=area, sex=sex, age_band=band, defaults={"count": count, "source": source}
            )
    audit.record(
        actor,
        "project.target_area.population",
        area,
        request=request,
        organisation=area.project.owner,
        total=sum(c for c in figures.values() if c),
    )
