"""Single-question estimates (proportions, means, totals) and the difference between two domains.

These are the building blocks the app calls for one figure; :func:`tabulate` does the same for a
whole form at once. Domains are estimated with the full design kept (never by subsetting rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from jusoor.engines.stats.design import SurveyDesign
from jusoor.engines.stats.errors import InputError
from jusoor.engines.stats.grouped import domain_var
from jusoor.engines.stats.kernel import Estimate, check_df_rule, t_quantile
from jusoor.engines.stats.tabulate import Numeric, SelectOne, tabulate


def _single(
    design: SurveyDesign,
    question: SelectOne | Numeric,
    domain: Any,
    domain_labels: Sequence[Any] | None,
    alpha: float,
    domain_df: str,
) -> list[Estimate]:
    if domain is None:
        return tabulate(design, [question], alpha=alpha, domain_df=domain_df).rows()
    labels = {"domain": domain_labels} if domain_labels is not None else None
    return tabulate(
        design,
        [question],
        {"domain": domain},
        labels=labels,
        by=["domain"],
        alpha=alpha,
        domain_df=domain_df,
    ).rows()


def estimate_proportions(
    design: SurveyDesign,
    codes: Any,
    categories: Sequence[Any],
    *,
    domain: Any = None,
    domain_labels: Sequence[Any] | None = None,
    alpha: float = 0.05,
    domain_df: str = "r",
    name: str = "y",
) -> list[Estimate]:
    """Share of every category (codes index ``categories``; -1 = not answered), per domain.

    Intervals are R's ``svyciprop(method="logit")`` with the design degrees of freedom.
    """
    return _single(
        design, SelectOne(name, codes, categories), domain, domain_labels, alpha, domain_df
    )


def estimate_means(
    design: SurveyDesign,
    values: Any,
    *,
    domain: Any = None,
    domain_labels: Sequence[Any] | None = None,
    alpha: float = 0.05,
    domain_df: str = "r",
    name: str = "y",
) -> list[Estimate]:
    """Weighted mean (NaN = not answered) with a Wald t interval on the design df."""
    return _single(design, Numeric(name, values), domain, domain_labels, alpha, domain_df)


def estimate_totals(
    design: SurveyDesign,
    values: Any,
    *,
    domain: Any = None,
    domain_labels: Sequence[Any] | None = None,
    alpha: float = 0.05,
    domain_df: str = "r",
    name: str = "y",
) -> list[Estimate]:
    """Weighted population total (NaN counts as 0 towards the total) with a Wald t interval."""
    rows = _single(
        design, Numeric(name, values, total=True), domain, domain_labels, alpha, domain_df
    )
    return [r for r in rows if r.statistic == "total"]


@dataclass(frozen=True)
class Difference:
    """Estimate in domain ``a`` minus estimate in domain ``b``, with a Wald t interval."""

    a: Any
    b: Any
    estimate_a: float
    estimate_b: float
    difference: float
    se: float
    lower: float | None
    upper: float | None
    df: int


def domain_difference(
    design: SurveyDesign,
    values: Any,
    domain: Any,
    a: Any,
    b: Any,
    *,
    category: int | None = None,
    alpha: float = 0.05,
    domain_df: str = "r",
) -> Difference:
    """Difference between two levels of one domain variable (e.g. women minus men).

    With ``category`` the values are answer codes and the statistic is the share giving that
    answer; otherwise the mean of ``values``. The variance is that of the difference of the two
    linearised scores, so it includes their covariance through shared PSUs (zero only when the
    domains lie in different strata).
    """
    check_df_rule(domain_df)
    n = design.n_rows
    var = domain_var("domain", domain, None, n)
    try:
        ia, ib = var.labels.index(a), var.labels.index(b)
    except ValueError as exc:
        raise InputError(
            "unknown_domain_level", f"domain levels {a!r}/{b!r} not both in the data"
        ) from exc
    y = np.asarray(values, dtype=np.float64)
    if y.shape != (n,):
        raise InputError("length_mismatch", f"values must have {n} values", column="values")
    present = ~np.isnan(y)
    if category is not None:
        y = (y == category).astype(np.float64)
    y = np.where(present, y, 0.0)
    w = design.weights
    z = np.zeros(n)
    est = []
    for level, sign in ((ia, 1.0), (ib, -1.0)):
        mask = (var.codes == level) & present
        big_w = w[mask].sum()
        if big_w == 0:
            raise InputError(
                "empty_domain", f"domain {var.labels[level]!r} has no answers", level=level
            )
        r = float(np.dot(w[mask], y[mask]) / big_w)
        est.append(r)
        z += sign * np.where(mask, w * (y - r) / big_w, 0.0)
    unit = design.unit if design.clustered else np.arange(n)
    totals = np.bincount(unit, z)
    if design.clustered:
        s1, ss = design.stratum_stats(totals[:, None])
    else:
        h = design.stratum
        s1 = np.bincount(h, z, minlength=design.n_strata)
        mean = s1 / design.psus_per_stratum
        ss = np.bincount(h, (z - mean[h]) ** 2, minlength=design.n_strata)
        s1, ss = s1[:, None], ss[:, None]
    variance = float(design.variance(s1, ss)[0])
    if domain_df == "full":
        df = design.df
    else:
        both = (var.codes == ia) | (var.codes == ib)
        counts = np.bincount(design.unit[both], minlength=design.n_units)[:, None]
        df = int(design.domain_df(counts)[0])
    q, no_df = t_quantile(np.array([df]), alpha)
    diff = est[0] - est[1]
    se = float(np.sqrt(max(variance, 0.0)))
    ok = not bool(no_df[0])
    return Difference(
        a=a,
        b=b,
        estimate_a=est[0],
        estimate_b=est[1],
        difference=diff,
        se=se,
        lower=diff - float(q[0]) * se if ok else None,
        upper=diff + float(q[0]) * se if ok else None,
        df=df,
    )
