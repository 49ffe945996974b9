"""The weighted share of respondents who gave an answer, through the statistics engine.

Respondents are post-stratified to the project's target-area population by area × sex × age
band when every respondent's cell has a population figure; otherwise the share is unweighted and
the indicator says so (``Outcome.note`` holds a key of ``labels.NOTES``). The design is stratified by area (each area sampled on its own), and the
interval is the engine's logit interval on the design's degrees of freedom.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from jusoor.engines.stats import StatsError, SurveyDesign, estimate_proportions, poststratify
from jusoor.geo.models import AreaPopulation
from jusoor.programmes.models import Project


def _chosen(answer: Any, multiple: bool, wanted: set[str]) -> int:
    if answer in (None, ""):
        return -1
    values = str(answer).split() if multiple else [str(answer)]
    return 1 if wanted.intersection(values) else 0


def _weights(project: Project, rows: list[dict]) -> tuple[np.ndarray, str]:
    n = len(rows)
    base = np.ones(n)
    population: dict[tuple[str, str, str], float] = {}
    for area, sex, band, count in AreaPopulation.objects.filter(area__project=project).values_list(
        "area__unit__pcode", "sex", "age_band", "count"
    ):
        population[(area, sex, band)] = population.get((area, sex, band), 0) + count
    if not population:
        return base, "unweighted_no_population"
    keys = [(r.get("area", ""), r.get("sex", ""), r.get("age_band", "")) for r in rows]
    present = set(keys)
    if not present.issubset(population):
        return base, "unweighted_missing_cells"
    margin = {key: float(population[key]) for key in present}
    try:
        weights = poststratify(
            base,
            {
                "area": [k[0] for k in keys],
                "sex": [k[1] for k in keys],
                "age_band": [k[2] for k in keys],
            },
            margin,
        )
    except StatsError:
        return base, "unweighted_unusable"
    return weights, "weighted"


def _percent(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value * 100, 1)))


def weighted_share(
    project: Project,
    rows: list[dict],
    path: str,
    multiple: bool,
    wanted: set[str],
    dimensions: list[str],
    *,
    weighted: bool = True,
):  # type: ignore[no-untyped-def]
    from jusoor.programmes.computations import Outcome

    if not rows:
        return Outcome(Decimal(0), note="no_respondents")
    codes = np.array([_chosen(r["answers"].get(path), multiple, wanted) for r in rows])
    if weighted:
        weights, note = _weights(project, rows)
    else:
        weights, note = np.ones(len(rows)), "unweighted"
    strata = [r.get("area", "") or "-" for r in rows]
    try:
        design = SurveyDesign.from_columns(weights, strata=strata, lonely_psu="certainty")
    except StatsError:
        design = SurveyDesign.from_columns(weights)
    categories = [0, 1]
    total = [e for e in estimate_proportions(design, codes, categories) if e.category == 1][0]
    outcome = Outcome(
        _percent(total.estimate) or Decimal(0),
        lower=_percent(total.lower),
        upper=_percent(total.upper),
        note=note,
    )
    for dimension in dimensions:
        labels = [r.get(dimension) or "" for r in rows]
        levels = sorted({label for label in labels if label})
        if not levels:
            continue
        index = {level: position for position, level in enumerate(levels)}
        domain = np.array([index.get(label, -1) for label in labels])
        for estimate in estimate_proportions(
            design, codes, categories, domain=domain, domain_labels=levels
        ):
            if estimate.category != 1 or estimate.empty or estimate.estimate is None:
                continue
            category = str(dict(estimate.domain).get("domain", ""))
            if not category:
                continue
            key = (dimension, category)
            outcome.cells[key] = _percent(estimate.estimate) or Decimal(0)
            outcome.intervals[key] = (_percent(estimate.lower), _percent(estimate.upper))
    return outcome
