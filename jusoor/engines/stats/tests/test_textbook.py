"""Cases small enough to compute by hand, and R survey's rules where samplics differs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import t as student

from jusoor.engines.stats import (
    SurveyDesign,
    estimate_means,
    estimate_proportions,
    estimate_totals,
)


def test_srs_proportion_has_the_textbook_standard_error_and_logit_interval():
    n, ones = 200, 60
    y = np.r_[np.ones(ones, int), np.zeros(n - ones, int)]
    design = SurveyDesign.from_columns(np.ones(n))
    share = estimate_proportions(design, y, ["no", "yes"])[1]
    p = 0.3
    assert share.estimate == pytest.approx(p, abs=1e-15)
    assert share.se == pytest.approx(math.sqrt(p * (1 - p) / (n - 1)), rel=1e-12)
    assert share.deff == pytest.approx(1.0, rel=1e-12)
    assert share.df == n - 1
    # R: svyciprop(~y, design, method="logit") = expit(logit(p) +- t(df) * se / (p (1 - p)))
    q = student.ppf(0.975, n - 1)
    half = q * share.se / (p * (1 - p))
    logit = math.log(p / (1 - p))
    assert share.lower == pytest.approx(1 / (1 + math.exp(-(logit - half))), rel=1e-12)
    assert share.upper == pytest.approx(1 / (1 + math.exp(-(logit + half))), rel=1e-12)
    assert share.n == n and share.n_category == ones and share.weighted_n == n


def _two_strata(population=None):
    values = np.array([2.0, 4, 6, 8, 10, 12, 14])
    stratum = np.array([1, 1, 1, 1, 2, 2, 2])
    weights = np.where(stratum == 1, 100 / 4, 50 / 3)
    design = SurveyDesign.from_columns(weights, stratum, population_psus=population)
    return design, values


def test_stratified_total_and_mean_match_the_hand_computation():
    # sum_h N_h ybar_h = 100 * 5 + 50 * 12; V = sum_h N_h^2 s_h^2 / n_h = 1e4*20/3/4 + 2500*4/3
    design, values = _two_strata()
    total = estimate_totals(design, values)[0]
    assert total.estimate == pytest.approx(1100.0, rel=1e-12)
    assert total.se == pytest.approx(math.sqrt(20000.0), rel=1e-12)
    assert total.df == 5
    mean = estimate_means(design, values)[0]
    assert mean.estimate == pytest.approx(1100 / 150, rel=1e-12)
    assert mean.se == pytest.approx(math.sqrt(20000.0) / 150, rel=1e-12)
    q = student.ppf(0.975, 5)
    assert mean.upper == pytest.approx(1100 / 150 + q * math.sqrt(20000.0) / 150, rel=1e-12)


def test_finite_population_correction_shrinks_each_stratum_by_one_minus_its_sampling_fraction():
    design, values = _two_strata(population={1: 100, 2: 50})
    total = estimate_totals(design, values)[0]
    expected = (1 - 4 / 100) * 1e4 * (20 / 3) / 4 + (1 - 3 / 50) * 2500 * 4 / 3
    assert total.se == pytest.approx(math.sqrt(expected), rel=1e-12)


def test_domain_interval_uses_r_degrees_of_freedom_of_the_subset_design(survey):
    design = SurveyDesign.from_columns(survey["weight"], survey["stratum"], survey["psu"])
    # a domain equal to a stratum lives in 5 PSUs of 1 stratum: R's degf is 4, not 30 - 6
    by_area = estimate_proportions(design, survey["answer"], [0, 1, 2, 3], domain=survey["stratum"])
    assert {r.df for r in by_area} == {4}
    full = estimate_proportions(
        design, survey["answer"], [0, 1, 2, 3], domain=survey["stratum"], domain_df="full"
    )
    assert {r.df for r in full} == {design.df} == {24}
    for r, f in zip(by_area, full, strict=True):
        assert r.estimate == f.estimate and r.se == f.se
        if 0 < r.estimate < 1:
            assert r.upper - r.lower > f.upper - f.lower  # fewer df, wider interval
    # a domain spread over every PSU has the full df under both rules
    by_sex = estimate_proportions(design, survey["answer"], [0, 1, 2, 3], domain=survey["sex"])
    assert {r.df for r in by_sex} == {24}


def test_adjust_centres_a_lonely_psu_at_the_grand_mean_as_r_does(survey):
    psu = survey["psu"].copy()
    psu[survey["stratum"] == 2] = 0
    w, y, h = survey["weight"], survey["score"], survey["stratum"]
    adjust = SurveyDesign.from_columns(w, h, psu, lonely_psu="adjust")
    certainty = SurveyDesign.from_columns(w, h, psu, lonely_psu="certainty")
    mean = estimate_means(adjust, y)[0]
    base = estimate_means(certainty, y)[0]
    # the lonely PSU's score total, centred at the grand mean of PSU totals (0 for a mean)
    ybar = np.dot(w, y) / w.sum()
    z = (w * (y - ybar) / w.sum())[h == 2].sum()
    assert mean.se**2 == pytest.approx(base.se**2 + z**2, rel=1e-12)
    average = SurveyDesign.from_columns(w, h, psu, lonely_psu="average")
    assert estimate_means(average, y)[0].se ** 2 == pytest.approx(base.se**2 * 6 / 5, rel=1e-12)


def test_a_domain_level_nobody_is_in_is_reported_empty_not_nan(survey):
    design = SurveyDesign.from_columns(survey["weight"], survey["stratum"], survey["psu"])
    rows = estimate_means(
        design, survey["score"], domain=survey["sex"], domain_labels=["m", "f", "other"]
    )
    empty = [r for r in rows if r.domain == (("domain", "other"),)]
    assert len(empty) == 1 and empty[0].empty
    assert empty[0].estimate is None and empty[0].se is None and empty[0].n == 0
    assert all(not r.empty and r.estimate is not None for r in rows if r not in empty)


def test_a_category_nobody_chose_has_share_zero_with_a_degenerate_interval(survey):
    design = SurveyDesign.from_columns(survey["weight"], survey["stratum"], survey["psu"])
    rows = estimate_proportions(design, survey["answer"], [0, 1, 2, 3, 4])
    assert rows[4].estimate == 0.0 and rows[4].lower == 0.0 and rows[4].upper == 0.0
    assert sum(r.estimate for r in rows) == pytest.approx(1.0, abs=1e-12)


def test_unanswered_rows_leave_the_domain_but_not_the_design(survey):
    design = SurveyDesign.from_columns(survey["weight"], survey["stratum"], survey["psu"])
    answers = survey["answer"].copy()
    answers[::7] = -1
    rows = estimate_proportions(design, answers, [0, 1, 2, 3])
    answered = answers >= 0
    w = survey["weight"]
    assert rows[0].estimate == pytest.approx(w[answered & (answers == 0)].sum() / w[answered].sum())
    assert rows[0].n == answered.sum()
    assert rows[0].df == design.df


def test_an_interval_without_degrees_of_freedom_is_flagged_not_nan(survey):
    design = SurveyDesign.from_columns(survey["weight"], survey["stratum"], survey["psu"])
    village = np.where((survey["stratum"] == 0) & (survey["psu"] == 0), 1, 0)
    rows = estimate_means(design, survey["score"], domain=village)
    lone = [r for r in rows if r.domain[0][1] == 1][0]
    assert lone.df == 0 and lone.lower is None and lone.note == "no_degrees_of_freedom"
    assert lone.estimate is not None and lone.se is not None
