"""select_multiple, Likert and rank questions, and the difference between two domains."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from jusoor.engines.stats import (
    SurveyDesign,
    domain_difference,
    estimate_means,
    likert,
    rank_question,
    select_multiple,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam


def _design(s):
    return SurveyDesign.from_columns(s["weight"], s["stratum"], s["psu"])


def test_each_select_multiple_choice_is_a_share_of_those_who_answered(survey):
    rng = np.random.default_rng(2)
    n = survey["weight"].size
    a, b = rng.integers(0, 2, n), rng.integers(0, 2, n)
    a[:50] = -1
    b[:50] = -1  # fifty respondents skipped the question
    rows = select_multiple(_design(survey), {"police": a, "imam": b})
    w = survey["weight"][50:]
    assert [r.category for r in rows] == ["police", "imam"]
    assert rows[0].estimate == pytest.approx(w[a[50:] == 1].sum() / w.sum(), rel=1e-12)
    assert rows[1].n == n - 50 and rows[1].statistic == "selected"


def test_likert_gives_distribution_mean_score_and_top_two_box(survey):
    rng = np.random.default_rng(4)
    codes = rng.integers(0, 5, survey["weight"].size)
    rows = likert(_design(survey), codes, ["sd", "d", "n", "a", "sa"])
    dist = [r for r in rows if r.statistic == "proportion"]
    mean = [r for r in rows if r.statistic == "mean"][0]
    top = [r for r in rows if r.statistic == "top_box"][0]
    w = survey["weight"]
    assert sum(r.estimate for r in dist) == pytest.approx(1)
    assert mean.estimate == pytest.approx(np.dot(w, codes + 1) / w.sum(), rel=1e-12)
    assert top.estimate == pytest.approx(dist[3].estimate + dist[4].estimate, rel=1e-12)
    assert top.category == "top2" and top.lower < top.estimate < top.upper


def test_rank_question_gives_mean_rank_and_share_ranked_first_equal_to_samplics(survey):
    rng = np.random.default_rng(6)
    n = survey["weight"].size
    order = np.argsort(rng.random((n, 3)), axis=1) + 1.0
    order[rng.random(n) < 0.2, 2] = np.nan  # some rank only two options
    ranks = {"jobs": order[:, 0], "schools": order[:, 1], "security": order[:, 2]}
    rows = rank_question(_design(survey), ranks)
    for option, r in ranks.items():
        ranked = ~np.isnan(r)
        est = TaylorEstimator(PopParam.mean)
        est.estimate(
            y=np.where(ranked, r, 1.0),
            samp_weight=survey["weight"],
            stratum=survey["stratum"],
            psu=survey["psu"],
            domain=ranked,
        )
        mean = [x for x in rows if x.statistic == "mean_rank" and x.category == option][0]
        assert mean.estimate == pytest.approx(est.point_est[True], abs=1e-9)
        assert mean.se == pytest.approx(est.stderror[True], abs=1e-9)
        first = [x for x in rows if x.statistic == "ranked_first" and x.category == option][0]
        w = survey["weight"]
        assert first.estimate == pytest.approx(w[r == 1].sum() / w.sum(), rel=1e-12)


def test_difference_between_domains_in_different_strata_adds_their_variances(survey):
    design = _design(survey)
    diff = domain_difference(design, survey["score"], survey["stratum"], 0, 3, domain_df="full")
    means = estimate_means(design, survey["score"], domain=survey["stratum"], domain_df="full")
    m0, m3 = means[0], means[3]
    assert diff.difference == pytest.approx(m0.estimate - m3.estimate, rel=1e-12)
    assert diff.se**2 == pytest.approx(m0.se**2 + m3.se**2, rel=1e-9)


def test_difference_between_sexes_includes_their_covariance_through_shared_villages(survey):
    design = _design(survey)
    diff = domain_difference(design, survey["answer"], survey["sex"], 1, 0, category=2)
    w, y, sex = survey["weight"], (survey["answer"] == 2).astype(float), survey["sex"]
    # brute force: PSU totals of the difference of the two linearised scores
    z = np.zeros(w.size)
    for level, sign in ((1, 1), (0, -1)):
        m = sex == level
        r = np.dot(w[m], y[m]) / w[m].sum()
        z += sign * np.where(m, w * (y - r) / w[m].sum(), 0)
    var = 0.0
    for h in range(6):
        totals = np.array(
            [z[(survey["stratum"] == h) & (survey["psu"] == c)].sum() for c in range(5)]
        )
        var += 5 / 4 * ((totals - totals.mean()) ** 2).sum()
    assert diff.se == pytest.approx(np.sqrt(var), rel=1e-9)
    assert diff.lower < diff.difference < diff.upper
    assert diff.df == design.df
