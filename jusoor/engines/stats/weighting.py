"""Weights from population margins: post-stratification and raking (iterative proportional fitting).

NGO samples are rarely proportional (ten areas, 50 respondents each, very different populations),
so weights are made to reproduce known population counts by area x sex x age band. Both functions
return new weights and check that the weighted sample now matches the population exactly.
Variances then treat the adjusted weights as fixed (as samplics does); R's calibrated designs would
give slightly smaller standard errors for variables related to the margins.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from jusoor.engines.stats.design import check_weights
from jusoor.engines.stats.errors import ConvergenceError, InputError, MarginError


def _column(values: Any, name: str, n: int) -> tuple[list[Any], np.ndarray]:
    arr = np.asarray(values)
    if arr.shape != (n,):
        raise InputError("length_mismatch", f"column {name!r} must have {n} values", column=name)
    labels, codes = np.unique(arr, return_inverse=True)
    return labels.tolist(), codes.astype(np.int64)


def _targets(name: str, labels: list[Any], margin: Mapping[Any, float]) -> np.ndarray:
    missing = [lab for lab in labels if lab not in margin]
    if missing:
        raise MarginError(
            "margin_category_missing",
            f"the sample has {name} = {missing} but the population margin has no total for it",
            variable=name,
            categories=missing,
        )
    absent = [key for key, total in margin.items() if key not in labels and total > 0]
    if absent:
        raise MarginError(
            "margin_category_absent",
            f"the population margin of {name} has {absent} but nobody in the sample does;"
            " merge those categories before weighting",
            variable=name,
            categories=absent,
        )
    totals = np.array([float(margin[lab]) for lab in labels])
    if not np.isfinite(totals).all() or (totals <= 0).any():
        raise MarginError(
            "margin_total_invalid",
            f"population totals of {name} must be positive numbers",
            variable=name,
        )
    return totals


def poststratify(
    weights: Any, cells: Mapping[str, Any], population: Mapping[Any, float]
) -> np.ndarray:
    """Scale weights so each post-stratum (a combination of ``cells`` columns) sums to its total.

    ``population`` is keyed by the tuple of cell values in the order of ``cells`` (or by the value
    itself for a single column): ``{("Ramadi", "F", "18-29"): 12000, ...}``.
    """
    w = check_weights(weights)
    n = w.shape[0]
    if not cells:
        raise InputError("no_cells", "poststratify needs at least one column")
    columns = [_column(v, name, n) for name, v in cells.items()]
    joint = np.zeros(n, dtype=np.int64)
    for labels, codes in columns:
        joint = joint * len(labels) + codes
    keys_codes, inverse = np.unique(joint, return_inverse=True)
    keys = []
    for code in keys_codes.tolist():
        parts = []
        for labels, _ in reversed(columns):
            parts.append(labels[code % len(labels)])
            code //= len(labels)
        parts.reverse()
        keys.append(parts[0] if len(parts) == 1 else tuple(parts))
    targets = _targets("post-stratum", keys, population)
    current = np.bincount(inverse, w)
    return w * (targets / current)[inverse]


def rake(
    weights: Any,
    columns: Mapping[str, Any],
    margins: Mapping[str, Mapping[Any, float]],
    *,
    max_iter: int = 200,
    tol: float = 1e-10,
) -> np.ndarray:
    """Iterative proportional fitting of weights to several one-way population margins.

    Each margin maps a category of its column to a population total; all margins must describe
    the same population (equal grand totals). Converges when every weighted margin is within a
    relative ``tol`` of its target.
    """
    w = check_weights(weights).copy()
    n = w.shape[0]
    if set(columns) != set(margins):
        raise MarginError(
            "margin_columns_mismatch",
            f"columns {sorted(columns)} and margins {sorted(margins)} must name the same variables",
        )
    fitted = []
    for name, values in columns.items():
        labels, codes = _column(values, name, n)
        fitted.append((name, codes, _targets(name, labels, margins[name])))
    grand = [t.sum() for _, _, t in fitted]
    if max(grand) - min(grand) > 1e-9 * max(grand):
        raise MarginError(
            "margin_total_mismatch",
            f"the margins sum to different populations: {dict(zip(columns, grand, strict=True))}",
            totals=dict(zip(columns, grand, strict=True)),
        )
    for _ in range(max_iter):
        for _name, codes, target in fitted:
            w *= (target / np.bincount(codes, w, minlength=target.size))[codes]
        worst = max(
            float(np.abs(np.bincount(c, w, minlength=t.size) / t - 1).max()) for _, c, t in fitted
        )
        if worst < tol:
            return w
    raise ConvergenceError(
        "raking_not_converged",
        f"raking did not converge in {max_iter} iterations (worst relative gap {worst:.2e});"
        " some margin combinations may be empty in the sample",
        iterations=max_iter,
        gap=worst,
    )
