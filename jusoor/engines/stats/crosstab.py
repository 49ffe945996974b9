"""Cross-tabulation with the Rao-Scott corrected chi-square test (R ``svychisq``, statistic "F").

A Pearson chi-square on weighted counts treats a clustered, weighted sample as if it were simple
random, and declares far too many differences "significant". Rao and Scott divide it by the mean
generalised design effect (the trace of Delta) and refer it to an F distribution whose degrees of
freedom also carry the spread of the design effects (second-order correction)::

    Delta = (C' D^-1 C / N)^-1 (C' D^-1 V D^-1 C)        D = diag(p), V = Cov(p) by linearisation
    F = X^2 / tr(Delta),  d = tr(Delta)^2 / tr(Delta^2),  F ~ F(d, d * (PSUs - strata))

with C spanning the interaction contrasts (the complement of the row and column main effects).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import chi2, f

from jusoor.engines.stats.design import SurveyDesign
from jusoor.engines.stats.errors import InputError
from jusoor.engines.stats.grouped import domain_var


@dataclass(frozen=True)
class CrossTab:
    """Weighted two-way table of cell shares (of the whole table) and its independence test."""

    row_labels: list[Any]
    col_labels: list[Any]
    counts: np.ndarray  # unweighted respondents per cell
    proportions: np.ndarray  # weighted share of each cell in the table
    se: np.ndarray
    pearson: float  # X^2 on weighted shares scaled to the number of rows (as R)
    f_statistic: float
    ndf: float
    ddf: float
    p_value: float
    chisq_first_order: float
    p_value_first_order: float
    mean_deff: float


def cell_covariance(design: SurveyDesign, cell: np.ndarray, n_cells: int) -> tuple[np.ndarray, ...]:
    """Cell shares p (complete cases, cell = -1 excluded) and their linearised covariance."""
    w = design.weights
    ok = cell >= 0
    unit = design.unit
    m = design.n_units
    code = unit[ok] * n_cells + cell[ok]
    wc = np.bincount(code, w[ok], minlength=m * n_cells).reshape(m, n_cells)
    wu = wc.sum(axis=1)
    big_w = wu.sum()
    p = wc.sum(axis=0) / big_w
    s1 = (wc - p[None, :] * wu[:, None]) / big_w
    if design.clustered:
        s1_h, _ = design.stratum_stats(s1)
        starts = np.concatenate(([0], np.cumsum(design.psus_per_stratum)[:-1]))
        centred = s1 - (s1_h / design.psus_per_stratum[:, None])[design.psu_stratum]
        cross = np.add.reduceat(centred[:, :, None] * centred[:, None, :], starts, axis=0)
    else:
        s1_h = s1
        w2 = w[ok] ** 2
        q = np.bincount(code, w2, minlength=m * n_cells).reshape(m, n_cells)
        qt = q.sum(axis=1)
        s2 = np.zeros((m, n_cells, n_cells))
        idx = np.arange(n_cells)
        s2[:, idx, idx] = q
        s2 -= q[:, :, None] * p[None, None, :] + p[None, :, None] * q[:, None, :]
        s2 += qt[:, None, None] * np.outer(p, p)[None]
        cross = s2 / big_w**2
        cross -= s1_h[:, :, None] * s1_h[:, None, :] / design.psus_per_stratum[:, None, None]
    n_h = design.psus_per_stratum.astype(float)
    scale = design.fpc_factor * np.where(n_h > 1, n_h / np.maximum(n_h - 1, 1), 1.0)
    lonely = n_h == 1
    cov_h = cross * scale[:, None, None]
    if lonely.any():
        if design.lonely_psu == "adjust":
            dev = s1_h[lonely] - s1_h.sum(axis=0) / design.n_psus
            cov_h[lonely] = design.fpc_factor[lonely, None, None] * (
                dev[:, :, None] * dev[:, None, :]
            )
        else:
            cov_h[lonely] = 0.0
    cov = cov_h.sum(axis=0)
    if lonely.any() and design.lonely_psu == "average":
        cov *= design.n_strata / (design.n_strata - int(lonely.sum()))
    return p, cov


def _contrasts(n: int) -> np.ndarray:
    return np.eye(n)[:, 1:] - 1.0 / n


def crosstab(
    design: SurveyDesign,
    rows: Any,
    cols: Any,
    *,
    row_labels: list[Any] | None = None,
    col_labels: list[Any] | None = None,
) -> CrossTab:
    """Two-way weighted table of ``rows`` x ``cols`` and R's default ``svychisq`` test.

    Rows missing either variable are left out of the shares (R's ``na.rm=TRUE``); as in R the
    Pearson statistic is scaled to the number of rows of the design. Levels with no respondent
    are dropped from the test (they carry no information).
    """
    n = design.n_rows
    rv = domain_var("rows", rows, row_labels, n)
    cv = domain_var("cols", cols, col_labels, n)
    n_r, n_c = len(rv.labels), len(cv.labels)
    if n_r < 2 or n_c < 2:
        raise InputError("crosstab_too_small", "a cross-tabulation needs two levels each way")
    ok = (rv.codes < n_r) & (cv.codes < n_c)
    cell = np.where(ok, rv.codes + n_r * cv.codes, -1)
    counts = np.bincount(cell[ok], minlength=n_r * n_c).reshape(n_c, n_r).T
    p, cov = cell_covariance(design, cell, n_r * n_c)
    table = p.reshape(n_c, n_r).T
    se = np.sqrt(np.maximum(np.diag(cov), 0)).reshape(n_c, n_r).T
    keep_r = table.sum(axis=1) > 0
    keep_c = table.sum(axis=0) > 0
    kr, kc = int(keep_r.sum()), int(keep_c.sum())
    if kr < 2 or kc < 2:
        raise InputError("crosstab_too_small", "fewer than two observed levels in a variable")
    keep = (keep_r[:, None] & keep_c[None, :]).T.reshape(-1)
    pk = p[keep]
    vk = cov[np.ix_(keep, keep)]
    big_n = float(n)
    tk = table[np.ix_(keep_r, keep_c)]
    expected = np.outer(tk.sum(axis=1), tk.sum(axis=0))
    pearson = float(big_n * ((tk - expected) ** 2 / expected).sum())
    contrast = np.kron(_contrasts(kc), _contrasts(kr))
    inv_d = np.where(pk > 0, 1 / np.where(pk > 0, pk, 1), 0.0)
    cd = contrast * inv_d[:, None]
    denom = contrast.T @ cd / big_n
    numr = cd.T @ vk @ cd
    delta = np.linalg.solve(denom, numr)
    trace = float(np.trace(delta))
    trace2 = float(np.trace(delta @ delta))
    df_design = design.df
    if trace <= 0 or df_design < 1:
        raise InputError(
            "crosstab_degenerate",
            "the design gives no variance for this table (one PSU, or constant answers)",
        )
    ndf = trace**2 / trace2
    ddf = ndf * df_design
    f_stat = pearson / trace
    first = pearson / (trace / delta.shape[0])
    dof = (kr - 1) * (kc - 1)
    return CrossTab(
        row_labels=rv.labels,
        col_labels=cv.labels,
        counts=counts,
        proportions=table,
        se=se,
        pearson=pearson,
        f_statistic=f_stat,
        ndf=ndf,
        ddf=ddf,
        p_value=float(f.sf(f_stat, ndf, ddf)),
        chisq_first_order=float(first),
        p_value_first_order=float(chi2.sf(first, dof)),
        mean_deff=trace / delta.shape[0],
    )
