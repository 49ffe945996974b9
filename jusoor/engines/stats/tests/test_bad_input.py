"""Bad input gets a specific StatsError with a code and parameters, never a NaN or a crash."""

from __future__ import annotations

import numpy as np
import pytest

from jusoor.engines.stats import (
    InputError,
    SelectOne,
    SinglePSUError,
    StatsError,
    SurveyDesign,
    WeightError,
    estimate_proportions,
    tabulate,
)


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (0.0, "weights_nonpositive"),
        (-2.0, "weights_nonpositive"),
        (np.nan, "weights_missing"),
        (np.inf, "weights_infinite"),
    ],
)
def test_a_weight_that_is_zero_negative_missing_or_infinite_is_refused_with_its_rows(bad, code):
    w = np.ones(20)
    w[[3, 11]] = bad
    with pytest.raises(WeightError) as err:
        SurveyDesign.from_columns(w)
    assert err.value.code == code
    assert err.value.params["rows"] == [3, 11]
    assert isinstance(err.value, StatsError)


def test_a_stratum_with_one_psu_fails_and_names_the_options_r_offers(survey):
    psu = survey["psu"].copy()
    psu[survey["stratum"] == 4] = 2
    with pytest.raises(SinglePSUError) as err:
        SurveyDesign.from_columns(survey["weight"], survey["stratum"], psu)
    assert err.value.code == "single_psu_stratum"
    assert err.value.params["strata"] == [4]
    assert set(err.value.params["options"]) == {"collapse", "certainty", "adjust", "average"}
    assert "collapse" in str(err.value)
    for option in ("certainty", "remove", "adjust", "centered", "average"):
        design = SurveyDesign.from_columns(
            survey["weight"], survey["stratum"], psu, lonely_psu=option
        )
        rows = estimate_proportions(design, survey["answer"], [0, 1, 2, 3])
        assert all(np.isfinite(r.se) for r in rows)


def test_an_unknown_lonely_psu_option_is_refused():
    with pytest.raises(InputError) as err:
        SurveyDesign.from_columns(np.ones(4), lonely_psu="ignore")
    assert err.value.code == "unknown_option"


def test_columns_of_the_wrong_length_are_refused(survey):
    with pytest.raises(InputError) as err:
        SurveyDesign.from_columns(survey["weight"], survey["stratum"][:-1])
    assert err.value.code == "length_mismatch" and err.value.params["column"] == "strata"
    design = SurveyDesign.from_columns(survey["weight"])
    with pytest.raises(InputError) as err:
        estimate_proportions(design, survey["answer"][:10], [0, 1, 2, 3])
    assert err.value.code == "length_mismatch"


def test_an_answer_code_outside_the_form_choices_is_refused(survey):
    design = SurveyDesign.from_columns(survey["weight"])
    with pytest.raises(InputError) as err:
        estimate_proportions(design, survey["answer"], [0, 1, 2])
    assert err.value.code == "code_out_of_range"
    assert err.value.params == {"column": "y", "categories": 3}


def test_missing_strata_are_refused_with_their_rows():
    with pytest.raises(InputError) as err:
        SurveyDesign.from_columns(np.ones(3), np.array([1.0, np.nan, 2.0]))
    assert err.value.code == "design_missing" and err.value.params["rows"] == [1]


def test_fpc_smaller_than_the_sample_is_refused(survey):
    with pytest.raises(InputError) as err:
        SurveyDesign.from_columns(
            survey["weight"],
            survey["stratum"],
            survey["psu"],
            population_psus=dict.fromkeys(range(6), 3),
        )
    assert err.value.code == "fpc_smaller_than_sample"


def test_unknown_options_and_duplicate_questions_are_refused(survey):
    design = SurveyDesign.from_columns(survey["weight"])
    q = SelectOne("q", survey["answer"], [0, 1, 2, 3])
    with pytest.raises(InputError, match="domain_df"):
        tabulate(design, [q], domain_df="stata")
    with pytest.raises(InputError) as err:
        tabulate(design, [q, q])
    assert err.value.code == "duplicate_question"
    with pytest.raises(InputError) as err:
        tabulate(design, [q], {"sex": survey["sex"]}, by=["area"])
    assert err.value.code == "unknown_domain"
