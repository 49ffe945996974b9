"""The linearisation kernel shared by every estimator.

Every estimate here is a domain ratio ``R_d = sum w 1_d y / sum w 1_d`` (proportions, means) or a
domain total ``T_d = sum w 1_d y``. Their linearised scores summed over a PSU only need two grouped
sums per PSU, ``num = sum w 1_d y`` and ``den = sum w 1_d``::

    z_c = (num_c - R_d den_c) / W_d        (ratio)        z_c = num_c        (total)

so the whole survey collapses to small (PSU x domain x category) arrays built by ``np.bincount``.
Rows outside the domain are kept as zeros (never dropped), which is R's and samplics' domain
estimation: the full design's strata and PSUs stay in the variance.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import t as student

from jusoor.engines.stats.design import SurveyDesign
from jusoor.engines.stats.errors import InputError

DF_RULES = ("r", "full")


@dataclass(frozen=True)
class Estimate:
    """One published figure with its precision.

    ``empty`` is True when nobody in the domain answered: the numbers are then None, never NaN.
    ``note`` explains a figure without an interval (``"no_degrees_of_freedom"``).
    """

    question: str
    statistic: str
    domain: tuple[tuple[str, Any], ...]
    category: Any
    estimate: float | None
    se: float | None
    lower: float | None
    upper: float | None
    deff: float | None
    df: int
    n: int
    n_category: int | None
    weighted_n: float
    empty: bool = False
    note: str | None = None


@dataclass
class EstimateBlock:
    """Estimates of one statistic of one question over one domain variable, as (D, K) arrays.

    Columnar so a 40-question table never builds thousands of objects unless asked (``rows()``).
    Empty domains hold 0.0 in the arrays and ``empty=True``; use ``rows()`` for None values.
    """

    question: str
    statistic: str
    domain_vars: tuple[str, ...]
    domain_levels: list[tuple[Any, ...]]
    categories: list[Any]
    estimate: np.ndarray
    se: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    deff: np.ndarray
    df: np.ndarray
    n: np.ndarray
    n_category: np.ndarray | None
    weighted_n: np.ndarray
    empty: np.ndarray
    no_df: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def rows(self) -> list[Estimate]:
        out = []
        for d, levels in enumerate(self.domain_levels):
            dom = tuple(zip(self.domain_vars, levels, strict=True))
            for k, cat in enumerate(self.categories):
                empty = bool(self.empty[d, k])
                no_df = bool(self.no_df[d, k]) if self.no_df.size else False

                def val(
                    arr: np.ndarray, ok: bool = True, d: int = d, k: int = k, e: bool = empty
                ) -> float | None:
                    v = float(arr[d, k])
                    return None if (e or not ok or not np.isfinite(v)) else v

                out.append(
                    Estimate(
                        question=self.question,
                        statistic=self.statistic,
                        domain=dom,
                        category=cat,
                        estimate=val(self.estimate),
                        se=val(self.se),
                        lower=val(self.lower, not no_df),
                        upper=val(self.upper, not no_df),
                        deff=val(self.deff),
                        df=int(self.df[d, k]),
                        n=int(self.n[d, k]),
                        n_category=None if self.n_category is None else int(self.n_category[d, k]),
                        weighted_n=float(self.weighted_n[d, k]),
                        empty=empty,
                        note="no_degrees_of_freedom" if (no_df and not empty) else None,
                    )
                )
        return out


def check_df_rule(rule: str) -> None:
    if rule not in DF_RULES:
        raise InputError(
            "unknown_option", f"domain_df must be one of {DF_RULES}", option="domain_df", value=rule
        )


def linearise(
    design: SurveyDesign,
    num: np.ndarray,
    den: np.ndarray | None,
    moments: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Estimates, variances and weighted denominators for M ratios (or totals if ``den`` is None).

    ``num``/``den`` are (U, M) sums per variance unit: per PSU for clustered designs, per stratum
    for element sampling, where ``moments = (sum w^2 y^2, sum w^2 y, sum w^2)`` per stratum give
    the within-stratum sums of squared scores without materialising one score per row.
    """
    if den is None:
        est = num.sum(axis=0)
        big_w = np.ones_like(est)
        ratio = np.zeros_like(est)
        z = num
    else:
        big_w = den.sum(axis=0)
        safe = np.where(big_w > 0, big_w, 1.0)
        est = num.sum(axis=0) / safe
        ratio = est
        z = (num - ratio * den) / safe
    if design.clustered:
        s1, ss = design.stratum_stats(z)
    else:
        if moments is None:
            raise InputError("internal", "element designs need second moments")
        q_nn, q_nd, q_dd = moments
        safe = np.where(big_w > 0, big_w, 1.0)
        s1 = z
        s2 = (q_nn - 2 * ratio * q_nd + ratio * ratio * q_dd) / (safe * safe)
        ss = np.maximum(s2 - s1 * s1 / design.psus_per_stratum[:, None], 0.0)
    return est, design.variance(s1, ss), big_w


def t_quantile(df: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Student t quantiles for each df; df < 1 has no interval (flagged, not NaN downstream)."""
    df = np.asarray(df)
    no_df = df < 1
    values, inverse = np.unique(np.where(no_df, 1, df), return_inverse=True)
    q = np.array([_quantile(int(v), alpha) for v in values.tolist()])[inverse].reshape(df.shape)
    return np.where(no_df, 0.0, q), no_df


@functools.lru_cache(maxsize=4096)
def _quantile(df: int, alpha: float) -> float:
    return float(student.ppf(1 - alpha / 2, df))


def logit_interval(p: np.ndarray, se: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R's ``svyciprop(method="logit")``: a t interval for logit(p) with SE se/(p(1-p)), mapped back.

    For an intercept-only quasibinomial ``svyglm`` the sandwich SE of the intercept is exactly the
    delta-method SE used here. At p = 0 or 1 the logit is infinite; like samplics we return the
    degenerate interval [p, p] (R returns a numerically unstable one).
    """
    inside = (p > 0) & (p < 1)
    ps = np.where(inside, p, 0.5)
    loc = np.log(ps / (1 - ps))
    scale = se / (ps * (1 - ps))
    lo = loc - q * scale
    hi = loc + q * scale
    lower = np.where(inside, np.exp(lo) / (1 + np.exp(lo)), p)
    upper = np.where(inside, np.exp(hi) / (1 + np.exp(hi)), p)
    return lower, upper


def finish(
    *,
    question: str,
    statistic: str,
    domain_vars: tuple[str, ...],
    domain_levels: list[tuple[Any, ...]],
    categories: list[Any],
    est: np.ndarray,
    var: np.ndarray,
    big_w: np.ndarray,
    n: np.ndarray,
    n_category: np.ndarray | None,
    df: np.ndarray,
    vsrs: np.ndarray,
    alpha: float,
    logit: bool,
) -> EstimateBlock:
    """Turn (D, K) estimates and variances into a block with intervals and design effects."""
    shape = est.shape
    se = np.sqrt(np.maximum(var, 0.0))
    q, no_df = t_quantile(np.broadcast_to(df, shape), alpha)
    if logit:
        lower, upper = logit_interval(est, se, q)
    else:
        lower, upper = est - q * se, est + q * se
    empty = np.broadcast_to(n == 0, shape).copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        deff = np.where(vsrs > 0, var / np.where(vsrs > 0, vsrs, 1.0), np.nan)
    zero = np.zeros(shape)
    return EstimateBlock(
        question=question,
        statistic=statistic,
        domain_vars=domain_vars,
        domain_levels=domain_levels,
        categories=categories,
        estimate=np.where(empty, zero, est),
        se=np.where(empty, zero, se),
        lower=np.where(empty | no_df, zero, lower),
        upper=np.where(empty | no_df, zero, upper),
        deff=np.where(empty, zero, deff),
        df=np.broadcast_to(df, shape).astype(np.int64),
        n=np.broadcast_to(n, shape).astype(np.int64),
        n_category=None if n_category is None else n_category.astype(np.int64),
        weighted_n=np.broadcast_to(big_w, shape).astype(np.float64),
        empty=empty,
        no_df=no_df & ~empty,
    )
