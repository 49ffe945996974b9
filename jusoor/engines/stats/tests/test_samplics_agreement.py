"""Every estimate, SE and interval equals samplics' (the peer) to 1e-9 on stratified cluster data.

samplics uses the full design's degrees of freedom for every domain; our default follows R's
``svyby(..., svyciprop)`` (the subset design's df), so these comparisons pass ``domain_df="full"``.
Overall estimates are compared with the default, where both rules agree.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from jusoor.engines.stats import (
    Likert,
    Numeric,
    SelectMultiple,
    SelectOne,
    SurveyDesign,
    estimate_means,
    estimate_proportions,
    estimate_totals,
    tabulate,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam, SinglePSUEst

TOL = 1e-9


def _samplics(param, y, s, **kw):
    est = TaylorEstimator(param)
    est.estimate(y=y, samp_weight=s["weight"], stratum=s["stratum"], **kw)
    return est


def _assert_close(ours, est, keyed_by_category, domain=True, rel=False):
    for r in ours:
        pe, se, lo, hi = est.point_est, est.stderror, est.lower_ci, est.upper_ci
        if domain:
            key = r.domain[0][1]
            pe, se, lo, hi = pe[key], se[key], lo[key], hi[key]
        if keyed_by_category:
            pe, se, lo, hi = pe[r.category], se[r.category], lo[r.category], hi[r.category]
        scale = max(1.0, abs(pe)) if rel else 1.0
        assert abs(r.estimate - pe) <= TOL * scale
        assert abs(r.se - se) <= TOL * scale
        assert abs(r.lower - lo) <= TOL * scale
        assert abs(r.upper - hi) <= TOL * scale


@pytest.mark.parametrize("clustered", [True, False])
def test_overall_proportions_equal_samplics(survey, clustered):
    psu = survey["psu"] if clustered else None
    design = SurveyDesign.from_columns(survey["weight"], survey["stratum"], psu)
    ours = estimate_proportions(design, survey["answer"], [0, 1, 2, 3])
    kw = {"psu": psu} if clustered else {}
    _assert_close(ours, _samplics(PopParam.prop, survey["answer"], survey, **kw), True, False)
    assert ours[0].df == design.df


@pytest.mark.parametrize("clustered", [True, False])
def test_domain_proportions_keep_the_full_design_and_equal_samplics(survey, clustered):
    psu = survey["psu"] if clustered else None
    design = SurveyDesign.from_columns(survey["weight"], survey["stratum"], psu)
    ours = estimate_proportions(
        design, survey["answer"], [0, 1, 2, 3], domain=survey["age"], domain_df="full"
    )
    kw = {"psu": psu} if clustered else {}
    est = _samplics(PopParam.prop, survey["answer"], survey, domain=survey["age"], **kw)
    _assert_close(ours, est, True)
    assert len(ours) == 16


@pytest.mark.parametrize("clustered", [True, False])
def test_domain_means_and_totals_equal_samplics(survey, clustered):
    psu = survey["psu"] if clustered else None
    kw = {"psu": psu} if clustered else {}
    design = SurveyDesign.from_columns(survey["weight"], survey["stratum"], psu)
    means = estimate_means(design, survey["score"], domain=survey["sex"], domain_df="full")
    _assert_close(
        means, _samplics(PopParam.mean, survey["score"], survey, domain=survey["sex"], **kw), False
    )
    totals = estimate_totals(design, survey["score"], domain=survey["sex"], domain_df="full")
    est = _samplics(PopParam.total, survey["score"], survey, domain=survey["sex"], **kw)
    _assert_close(totals, est, False, rel=True)


def test_finite_population_correction_equals_samplics(survey):
    population = {h: 5 + 3 * h for h in range(6)}  # N_h PSUs in each stratum's population
    design = SurveyDesign.from_columns(
        survey["weight"], survey["stratum"], survey["psu"], population_psus=population
    )
    fpc = {h: 1 - 5 / population[h] for h in range(6)}
    ours = estimate_means(design, survey["score"], domain=survey["age"], domain_df="full")
    est = _samplics(
        PopParam.mean, survey["score"], survey, psu=survey["psu"], domain=survey["age"], fpc=fpc
    )
    _assert_close(ours, est, False)
    without = estimate_means(
        SurveyDesign.from_columns(survey["weight"], survey["stratum"], survey["psu"]),
        survey["score"],
    )
    assert estimate_means(design, survey["score"])[0].se < without[0].se


def test_certainty_lonely_psu_equals_samplics_skip(survey):
    psu = survey["psu"].copy()
    psu[survey["stratum"] == 2] = 0  # stratum 2 now holds a single PSU
    design = SurveyDesign.from_columns(
        survey["weight"], survey["stratum"], psu, lonely_psu="certainty"
    )
    ours = estimate_means(design, survey["score"], domain=survey["sex"], domain_df="full")
    est = _samplics(
        PopParam.mean,
        survey["score"],
        survey,
        psu=psu,
        domain=survey["sex"],
        single_psu=SinglePSUEst.skip,
    )
    _assert_close(ours, est, False)


def test_tabulate_matches_samplics_for_every_question_type_and_domain(survey):
    design = SurveyDesign.from_columns(survey["weight"], survey["stratum"], survey["psu"])
    rng = np.random.default_rng(3)
    n = survey["weight"].size
    likert = rng.integers(-1, 5, n)
    ticks = {"a": rng.integers(0, 2, n), "b": rng.integers(0, 2, n)}
    table = tabulate(
        design,
        [
            SelectOne("answer", survey["answer"], [0, 1, 2, 3]),
            Numeric("score", survey["score"]),
            Likert("likert", likert, [0, 1, 2, 3, 4]),
            SelectMultiple("ticks", ticks),
        ],
        {"sex": survey["sex"], "age": survey["age"]},
        domain_df="full",
    ).rows()
    compared = 0
    for spec in ("sex", "age"):
        dom = survey[spec]
        est = _samplics(PopParam.prop, survey["answer"], survey, psu=survey["psu"], domain=dom)
        rows = [r for r in table if r.question == "answer" and r.domain and r.domain[0][0] == spec]
        _assert_close(rows, est, True)
        compared += len(rows)
        # Likert distribution among those who answered, and its mean score (codes 0..4 -> 1..5)
        answered = likert >= 0
        sub = {k: v[answered] for k, v in survey.items()}
        # samplics drops rows; here every PSU keeps a respondent, so the design is unchanged
        est = _samplics(
            PopParam.mean, likert[answered] + 1.0, sub, psu=sub["psu"], domain=sub[spec]
        )
        rows = [
            r
            for r in table
            if r.question == "likert"
            and r.statistic == "mean"
            and r.domain
            and r.domain[0][0] == spec
        ]
        _assert_close(rows, est, False)
        compared += len(rows)
        est = _samplics(PopParam.prop, ticks["b"], survey, psu=survey["psu"], domain=dom)
        rows = [
            r
            for r in table
            if r.statistic == "selected"
            and r.category == "b"
            and r.domain
            and r.domain[0][0] == spec
        ]
        for r in rows:
            assert abs(r.estimate - est.point_est[r.domain[0][1]][1]) <= TOL
            assert abs(r.se - est.stderror[r.domain[0][1]][1]) <= TOL
            assert abs(r.lower - est.lower_ci[r.domain[0][1]][1]) <= TOL
        compared += len(rows)
    assert compared == (4 * 2 + 2 + 2) + (4 * 4 + 4 + 4)


def test_domain_combinations_equal_samplics_on_a_combined_domain(survey):
    design = SurveyDesign.from_columns(survey["weight"], survey["stratum"], survey["psu"])
    table = tabulate(
        design,
        [SelectOne("answer", survey["answer"], [0, 1, 2, 3])],
        {"sex": survey["sex"], "age": survey["age"]},
        by=[("sex", "age")],
        domain_df="full",
    ).rows()
    combined = survey["sex"] * 10 + survey["age"]
    est = _samplics(PopParam.prop, survey["answer"], survey, psu=survey["psu"], domain=combined)
    assert len(table) == 2 * 4 * 4
    for r in table:
        key = r.domain[0][1] * 10 + r.domain[1][1]
        assert abs(r.estimate - est.point_est[key][r.category]) <= TOL
        assert abs(r.se - est.stderror[key][r.category]) <= TOL
        assert abs(r.upper - est.upper_ci[key][r.category]) <= TOL


def test_likert_mean_and_top_box_on_an_element_design_equal_samplics(survey):
    design = SurveyDesign.from_columns(survey["weight"], survey["stratum"])
    codes = np.random.default_rng(9).integers(0, 5, survey["weight"].size)
    rows = tabulate(
        design,
        [Likert("l", codes, list("abcde"), scores=[-2, -1, 0, 1, 2])],
        {"age": survey["age"]},
        domain_df="full",
    ).rows()
    mean = [r for r in rows if r.statistic == "mean" and r.domain]
    _assert_close(mean, _samplics(PopParam.mean, codes - 2.0, survey, domain=survey["age"]), False)
    top = [r for r in rows if r.statistic == "top_box" and r.domain]
    est = _samplics(PopParam.prop, (codes >= 3).astype(int), survey, domain=survey["age"])
    for r in top:
        key = r.domain[0][1]
        assert abs(r.estimate - est.point_est[key][1]) <= TOL
        assert abs(r.se - est.stderror[key][1]) <= TOL
        assert abs(r.lower - est.lower_ci[key][1]) <= TOL


def test_every_combination_of_domains_is_estimated_without_a_top_n_cut(survey):
    from jusoor.engines.stats import domain_specs

    design = SurveyDesign.from_columns(survey["weight"], survey["stratum"], survey["psu"])
    specs = domain_specs(["stratum", "sex", "age"], 3)
    assert len(specs) == 8
    rows = tabulate(
        design,
        [Numeric("score", survey["score"])],
        {"stratum": survey["stratum"], "sex": survey["sex"], "age": survey["age"]},
        by=specs,
    ).rows()
    assert len(rows) == 1 + 6 + 2 + 4 + 12 + 24 + 8 + 48
    cell = [r for r in rows if r.domain == (("stratum", 5), ("sex", 1), ("age", 3))][0]
    m = (survey["stratum"] == 5) & (survey["sex"] == 1) & (survey["age"] == 3)
    w = survey["weight"]
    assert cell.estimate == pytest.approx(np.dot(w[m], survey["score"][m]) / w[m].sum(), rel=1e-12)
    assert cell.n == m.sum()


def test_many_domains_fall_back_to_one_pass_per_domain_with_the_same_results(survey, monkeypatch):
    from jusoor.engines.stats import grouped

    design = SurveyDesign.from_columns(survey["weight"], survey["stratum"], survey["psu"])
    args = (
        design,
        [SelectOne("answer", survey["answer"], [0, 1, 2, 3]), Numeric("score", survey["score"])],
        {"sex": survey["sex"], "age": survey["age"]},
    )
    joint = tabulate(*args, by=[(), "sex", ("sex", "age")]).rows()
    monkeypatch.setattr(grouped, "MAX_JOINT_CELLS", 10)
    separate = tabulate(*args, by=[(), "sex", ("sex", "age")]).rows()
    assert len(joint) == len(separate) == (1 + 2 + 8) * 5
    for a, b in zip(joint, separate, strict=True):
        assert a.domain == b.domain and a.category == b.category and a.n == b.n
        assert abs(a.estimate - b.estimate) <= TOL and abs(a.se - b.se) <= TOL
        assert abs(a.upper - b.upper) <= TOL
