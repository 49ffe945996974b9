"""A whole form at once: every question type, every domain, and never a NaN in what comes out."""

from __future__ import annotations

import math

import numpy as np
import pytest

from jusoor.engines.stats import (
    Likert,
    Numeric,
    Rank,
    SelectMultiple,
    SelectOne,
    SurveyDesign,
    domain_specs,
    tabulate,
)


def _finite_or_none(value):
    return value is None or (isinstance(value, float) and math.isfinite(value))


def test_awkward_forms_give_empty_or_flagged_figures_never_nan(survey):
    n = survey["weight"].size
    design = SurveyDesign.from_columns(survey["weight"], survey["stratum"], survey["psu"])
    rng = np.random.default_rng(11)
    village = np.where((survey["stratum"] == 0) & (survey["psu"] == 0), 1, 0)
    nobody = np.full(n, -1)
    questions = [
        SelectOne("skipped_by_all", nobody, ["a", "b"]),
        Numeric("no_numbers", np.full(n, np.nan), total=True),
        Likert("scale", rng.integers(-1, 5, n), list("abcde")),
        SelectMultiple("ticks", {"x": nobody, "y": nobody}),
        Rank("rank", {"p": np.where(rng.random(n) < 0.5, 1.0, 2.0), "q": np.full(n, np.nan)}),
        Numeric("constant", np.full(n, 3.0)),
    ]
    table = tabulate(
        design,
        questions,
        {"village": village, "sex": survey["sex"], "group": np.zeros(n, int)},
        labels={"group": ["youth", "women", "leaders"]},  # two groups nobody belongs to
        by=domain_specs(["village", "sex", "group"], 2),
    )
    rows = table.rows()
    assert len(rows) == len(table)
    for r in rows:
        for value in (r.estimate, r.se, r.lower, r.upper, r.deff):
            assert _finite_or_none(value), r
        assert math.isfinite(r.weighted_n)
        if r.empty:
            assert r.estimate is None and r.n == 0
    assert all(r.empty for r in rows if r.question in ("skipped_by_all", "no_numbers", "ticks"))
    constant = [r for r in rows if r.question == "constant" and not r.domain][0]
    assert constant.estimate == 3.0 and constant.se == 0.0 and constant.lower == 3.0
    columns = table.to_columns()
    assert len(columns["estimate"]) == len(rows) and "domain" in columns


def test_the_default_breakdown_is_overall_plus_each_domain_with_every_level(survey):
    design = SurveyDesign.from_columns(survey["weight"], survey["stratum"], survey["psu"])
    table = tabulate(
        design,
        [SelectOne("answer", survey["answer"], ["a", "b", "c", "d"])],
        {"area": survey["stratum"], "sex": survey["sex"]},
    )
    domains = {r.domain for r in table.rows()}
    assert len(domains) == 1 + 6 + 2
    overall = [r for r in table.rows() if not r.domain]
    assert [r.category for r in overall] == ["a", "b", "c", "d"]
    assert overall[0].weighted_n == pytest.approx(survey["weight"].sum(), rel=1e-12)
