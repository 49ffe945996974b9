"""Rao-Scott F test equals R's svychisq computed literally; cells equal samplics' proportions."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.stats import f

from jusoor.engines.stats import SurveyDesign, crosstab

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam


def _r_svychisq(p, v, n_rows, n_r, n_c, nu):
    """R survey's svychisq.survey.design (statistic="F"), transcribed line by line."""
    grid_r = np.tile(np.arange(n_r), n_c)  # expand.grid: rows vary fastest
    grid_c = np.repeat(np.arange(n_c), n_r)
    x1 = np.column_stack(
        [np.ones(n_r * n_c)]
        + [(grid_r == i).astype(float) for i in range(1, n_r)]
        + [(grid_c == j).astype(float) for j in range(1, n_c)]
    )
    inter = np.column_stack(
        [
            ((grid_r == i) & (grid_c == j)).astype(float)
            for j in range(1, n_c)
            for i in range(1, n_r)
        ]
    )
    q, _ = np.linalg.qr(x1)
    cmat = inter - q @ (q.T @ inter)  # qr.resid(qr(X1), X12[, -(1:(nr+nc-1))])
    idmat = np.diag(np.where(p == 0, 0, 1 / np.where(p == 0, 1, p)))
    denom = cmat.T @ (idmat / n_rows) @ cmat
    numr = cmat.T @ idmat @ v @ idmat @ cmat
    delta = np.linalg.solve(denom, numr)
    d0 = np.trace(delta) ** 2 / np.trace(delta @ delta)
    table = p.reshape(n_c, n_r).T * n_rows  # svytable(..., Ntotal = N)
    expected = np.outer(table.sum(1), table.sum(0)) / table.sum()
    pearson = ((table - expected) ** 2 / expected).sum()
    stat = pearson / np.trace(delta)
    return pearson, stat, d0, d0 * nu, f.sf(stat, d0, d0 * nu)


def test_rao_scott_f_equals_r_svychisq_and_cells_equal_samplics(survey):
    design = SurveyDesign.from_columns(survey["weight"], survey["stratum"], survey["psu"])
    rows, cols = survey["answer"], survey["age"]
    table = crosstab(design, rows, cols)
    cell = rows + 4 * cols
    est = TaylorEstimator(PopParam.prop)
    est.estimate(y=cell, samp_weight=survey["weight"], stratum=survey["stratum"], psu=survey["psu"])
    keys = sorted(est.point_est)
    p = np.array([est.point_est[k] for k in keys])
    v = np.array([[est.covariance[a][b] for b in keys] for a in keys])
    assert keys == list(range(16))
    assert np.abs(table.proportions.T.reshape(-1) - p).max() <= 1e-12
    assert np.abs(table.se.T.reshape(-1) - np.sqrt(np.diag(v))).max() <= 1e-12
    pearson, stat, ndf, ddf, pval = _r_svychisq(p, v, cell.size, 4, 4, design.df)
    assert table.pearson == pytest.approx(pearson, rel=1e-9)
    assert table.f_statistic == pytest.approx(stat, rel=1e-9)
    assert table.ndf == pytest.approx(ndf, rel=1e-9) and table.ddf == pytest.approx(ddf, rel=1e-9)
    assert table.p_value == pytest.approx(pval, rel=1e-9)
    assert table.counts.sum() == cell.size


def test_under_simple_random_sampling_the_correction_is_only_n_over_n_minus_one():
    rng = np.random.default_rng(0)
    n = 800
    a, b = rng.integers(0, 3, n), rng.integers(0, 2, n)
    table = crosstab(SurveyDesign.from_columns(np.ones(n)), a, b)
    assert table.mean_deff == pytest.approx(n / (n - 1), rel=1e-9)
    assert table.ndf == pytest.approx(2.0, rel=1e-9)
    assert table.f_statistic == pytest.approx(table.pearson * (n - 1) / n / 2, rel=1e-9)


def test_clustering_makes_the_test_less_eager_than_pearson(survey):
    design = SurveyDesign.from_columns(survey["weight"], survey["stratum"], survey["psu"])
    table = crosstab(design, survey["answer"], survey["stratum"])
    assert table.mean_deff > 1
    assert table.f_statistic < table.pearson / ((4 - 1) * (6 - 1))
