"""The glue between submissions and the statistics engine: columns, weights, design, estimates.

The small survey here can be checked by hand: 12 respondents in two target areas, and the engine
called directly on the same arrays must give the same figures as ``run_analysis``.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest
from django.utils import translation
from scipy.stats import t as student

from jusoor.engines.stats import SurveyDesign, domain_difference, estimate_proportions, rake
from jusoor.geo.models import AdminUnit, AreaPopulation, TargetArea
from jusoor.surveys import services
from jusoor.surveys.analysis import (
    AnalysisError,
    AnalysisResult,
    methods_summary,
    run_analysis,
    run_crosstab,
    run_difference,
)
from jusoor.surveys.models import Channel, Form, Submission, SubmissionStatus
from jusoor.surveys.tests.factories import xlsform_bytes

RAMADI, FALLUJA = "IQG01Q03N03", "IQG01Q01N03"
HEADER = ["type", "name", "label::Arabic (ar)", "label::English (en)", "jusoor::pii"]
SURVEY = [
    HEADER,
    ["text", "phone", "رقم الهاتف", "Phone", "yes"],
    ["select_one area", "area", "المنطقة", "Area", ""],
    ["select_one sex", "sex", "الجنس", "Sex", ""],
    ["select_one age_band", "age_band", "الفئة العمرية", "Age band", ""],
    ["begin_group", "views", "الآراء", "Views", ""],
    ["select_one yes_no", "dialogue", "هل تشارك في الحوار؟", "Would you join the dialogue?", ""],
    ["select_multiple causes", "causes", "أسباب التطرف", "Causes of extremism", ""],
    ["end_group", "", "", "", ""],
    ["integer", "income", "الدخل", "Income", ""],
]
CHOICES = [
    ["list_name", "name", "label::Arabic (ar)", "label::English (en)"],
    ["area", RAMADI, "مركز الرمادي", "Markaz Al-Ramadi"],
    ["area", FALLUJA, "مركز الفلوجة", "Markaz Al-Falluja"],
    ["sex", "f", "أنثى", "Female"],
    ["sex", "m", "ذكر", "Male"],
    ["age_band", "18-24", "١٨–٢٤", "18–24"],
    ["age_band", "25-29", "٢٥–٢٩", "25–29"],
    ["yes_no", "yes", "نعم", "Yes"],
    ["yes_no", "no", "لا", "No"],
    ["causes", "poverty", "الفقر", "Poverty"],
    ["causes", "revenge", "الثأر", "Revenge"],
]
# area, sex, age band, dialogue, causes, income: 7 of 12 say yes
ROWS = [
    (RAMADI, "f", "18-24", "yes", "poverty", 100),
    (RAMADI, "f", "25-29", "yes", "poverty revenge", 200),
    (RAMADI, "m", "18-24", "no", "revenge", 150),
    (RAMADI, "m", "25-29", "yes", "poverty", 300),
    (RAMADI, "f", "18-24", "no", "poverty", 120),
    (RAMADI, "m", "25-29", "yes", "revenge", 250),
    (FALLUJA, "f", "18-24", "no", "poverty", 90),
    (FALLUJA, "f", "25-29", "yes", "poverty", 110),
    (FALLUJA, "m", "18-24", "no", "revenge", 130),
    (FALLUJA, "m", "25-29", "yes", "poverty revenge", 310),
    (FALLUJA, "f", "25-29", "no", "poverty", 80),
    (FALLUJA, "m", "18-24", "yes", "revenge", 220),
]
# population by area, sex, age band (and a 15-17 band the survey does not cover)
POPULATION = {
    (RAMADI, "f", "18-24"): 4000,
    (RAMADI, "f", "25-29"): 3000,
    (RAMADI, "m", "18-24"): 4200,
    (RAMADI, "m", "25-29"): 2800,
    (RAMADI, "f", "15-17"): 1500,
    (FALLUJA, "f", "18-24"): 2000,
    (FALLUJA, "f", "25-29"): 1000,
    (FALLUJA, "m", "18-24"): 2100,
    (FALLUJA, "m", "25-29"): 900,
}


def answers(row: tuple) -> dict:
    area, sex, band, dialogue, causes, income = row
    return {
        "area": area,
        "sex": sex,
        "age_band": band,
        "views/dialogue": dialogue,
        "views/causes": causes,
        "income": str(income),
    }


def make_survey(
    project,
    rows=ROWS,
    *,
    survey=SURVEY,
    choices=CHOICES,
    version="1",
    form_id="analysis_test",
) -> Form:
    """A form of this project with ``rows`` as approved submissions (phone numbers sealed)."""
    content = xlsform_bytes(survey, choices, form_id=form_id, version=version)
    form_version = services.upload_form(None, project, content, "analysis.xlsx")
    start = dt.datetime(2023, 8, 5, tzinfo=dt.UTC)
    Submission.objects.bulk_create(
        Submission(
            form=form_version.form,
            version=form_version,
            instance_id=f"uuid:{form_id}-{version}-{i}",
            xml="<data/>",
            xml_sha256="",
            answers=row if isinstance(row, dict) else answers(row),
            pii=json.dumps({"phone": f"0770000{i:04d}"}),
            channel=Channel.IMPORT,
            received_at=start + dt.timedelta(minutes=i),
            status=SubmissionStatus.APPROVED,
        )
        for i, row in enumerate(rows)
    )
    return form_version.form


def add_population(project, figures=POPULATION) -> None:
    for (pcode, sex, band), count in figures.items():
        area, _ = TargetArea.objects.get_or_create(
            project=project, unit=AdminUnit.objects.get(pcode=pcode)
        )
        AreaPopulation.objects.create(area=area, sex=sex, age_band=band, count=count)


def analysis_form(world) -> Form:
    """A small analysable form in the world's project, for the URL × role table."""
    if "analysis_form" not in world.extras:
        world.extras["analysis_form"] = make_survey(world.project)
    return world.extras["analysis_form"]


@pytest.fixture
def survey(world):
    return make_survey(world.project)


def _row(result: AnalysisResult, name: str, breakdown: str = "", **match):
    table = result.table(name)
    for row in table.rows_for(breakdown):
        if all(getattr(row, k) == v for k, v in match.items()):
            return row
    raise AssertionError(f"no row {match} in {name} {breakdown}")


def test_unweighted_share_and_interval_are_the_textbook_ones(survey):
    result = run_analysis(survey, ["dialogue"], [], weighted=False)
    yes = _row(result, "dialogue", category="yes")
    p, n = 7 / 12, 12
    assert yes.estimate == pytest.approx(p)
    assert yes.n == 12 and yes.n_category == 7
    # simple random sampling: SE = sqrt(p(1-p)/(n-1)); R's logit interval on n-1 df
    se = math.sqrt(p * (1 - p) / (n - 1))
    assert yes.se == pytest.approx(se)
    half = student.ppf(0.975, n - 1) * se / (p * (1 - p))
    logit = math.log(p / (1 - p))
    assert yes.ci_low == pytest.approx(1 / (1 + math.exp(-(logit - half))))
    assert yes.ci_high == pytest.approx(1 / (1 + math.exp(-(logit + half))))


def test_weighted_share_equals_the_engine_called_directly(world, survey):
    add_population(world.project)
    result = run_analysis(survey, ["dialogue"], ["sex"], weighted=True)
    columns = {
        "area": np.array([r[0] for r in ROWS]),
        "sex": np.array([r[1] for r in ROWS]),
        "age_band": np.array([r[2] for r in ROWS]),
    }
    in_scope = {k: v for k, v in POPULATION.items() if k[2] != "15-17"}
    margins = {"area": {}, "sex": {}, "age_band": {}}
    for (area, sex, band), count in in_scope.items():
        for name, key in (("area", area), ("sex", sex), ("age_band", band)):
            margins[name][key] = margins[name].get(key, 0) + count
    weights = rake(np.ones(12), columns, margins)
    design = SurveyDesign.from_columns(weights)
    codes = np.array([0 if r[3] == "yes" else 1 for r in ROWS])
    direct = estimate_proportions(
        design, codes, ["yes", "no"], domain=columns["sex"], domain_labels=None
    )
    women_yes = next(e for e in direct if e.domain == (("domain", "f"),) and e.category == "yes")
    row = _row(result, "dialogue", "sex", category="yes", domain=[["sex", "f"]])
    assert row.estimate == pytest.approx(women_yes.estimate)
    assert row.ci_low == pytest.approx(women_yes.lower)
    assert row.ci_high == pytest.approx(women_yes.upper)
    assert row.deff == pytest.approx(women_yes.deff)
    assert result.weighting == "raking"


def test_raking_makes_weighted_margins_equal_the_population(world, survey):
    add_population(world.project)
    result = run_analysis(survey, ["dialogue"], ["area", "sex", "age_band"], weighted=True)
    seen = {}
    for breakdown in ("area", "sex", "age_band"):
        for row in _row_list(result, breakdown):
            seen[(breakdown, row.domain[0][1])] = row.weighted_n
    # the 15-17 band is outside the survey's population and is left out of every margin
    assert seen[("area", RAMADI)] == pytest.approx(14000)
    assert seen[("area", FALLUJA)] == pytest.approx(6000)
    assert seen[("sex", "f")] == pytest.approx(10000)
    assert seen[("sex", "m")] == pytest.approx(10000)
    assert seen[("age_band", "18-24")] == pytest.approx(12300)
    assert seen[("age_band", "25-29")] == pytest.approx(7700)


def _row_list(result, breakdown):
    return [r for r in result.table("dialogue").rows_for(breakdown) if r.category == "yes"]


def test_difference_and_crosstab_equal_the_engine(survey):
    diff = run_difference(
        survey, "dialogue", "sex", "f", "m", category="yes", weighted=False, language="en"
    )
    codes = np.array([0.0 if r[3] == "yes" else 1.0 for r in ROWS])
    sex = np.array([r[1] for r in ROWS])
    direct = domain_difference(
        SurveyDesign.from_columns(np.ones(12)), codes, sex, "f", "m", category=0
    )
    assert diff.difference == pytest.approx(direct.difference)
    assert diff.ci_low == pytest.approx(direct.lower)
    assert (diff.a_label, diff.b_label) == ("Female", "Male")
    table = run_crosstab(survey, "area", "dialogue", weighted=False, language="en")
    assert 0 <= table.p_value <= 1
    assert table.row_label == "Area"
    assert {r.domain_labels[0] for r in table.table.rows} >= {"Markaz Al-Ramadi"}


def test_every_question_kind_is_estimated_with_labels_in_the_language_asked(survey):
    result = run_analysis(survey, ["causes", "income"], ["area"], weighted=False, language="en")
    poverty = _row(result, "causes", category="poverty", statistic="selected")
    assert poverty.category_label == "Poverty"
    assert poverty.estimate == pytest.approx(8 / 12)
    mean = _row(result, "income", statistic="mean")
    assert mean.estimate == pytest.approx(np.mean([r[5] for r in ROWS]))
    assert result.table("causes").label == "Causes of extremism"
    arabic = run_analysis(survey, ["causes"], [], weighted=False, language="ar")
    assert _row(arabic, "causes", category="poverty").category_label == "الفقر"


def test_personal_data_questions_cannot_be_analysed(survey):
    with pytest.raises(AnalysisError) as caught:
        run_analysis(survey, ["phone"], [], weighted=False, language="en")
    assert caught.value.code == "unknown_question"
    assert "phone" in caught.value.message


def test_small_cells_are_flagged_and_released_without_numbers(survey):
    result = run_analysis(survey, ["dialogue"], ["area+sex"], weighted=False)
    small = [r for r in result.table("dialogue").rows if r.suppressed]
    assert small, "3 respondents per area and sex must be flagged"
    assert all(r.estimate is not None for r in small)  # the workspace still sees them
    released = result.released()
    hidden = [r for r in released.table("dialogue").rows if r.suppressed]
    assert all(r.estimate is None and r.ci_low is None and r.n == 0 for r in hidden)


def test_a_result_survives_a_json_snapshot(survey):
    result = run_analysis(survey, ["dialogue", "causes"], ["sex", "area+sex"], weighted=False)
    again = AnalysisResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert again == result
    assert again.table("dialogue").rows[0].estimate_text.endswith("%")


def test_an_empty_domain_is_flagged_never_nan(survey):
    rows = [r for r in ROWS if not (r[0] == FALLUJA and r[1] == "m")]
    form = make_survey(survey.project, rows, form_id="no_falluja_men")
    result = run_analysis(form, ["dialogue"], ["area+sex"], weighted=False)
    empty = [r for r in result.table("dialogue").rows if r.suppressed_reason == "empty"]
    assert empty and all(r.estimate is None for r in empty)
    assert all(
        r.estimate is None or not math.isnan(r.estimate) for r in result.table("dialogue").rows
    )


def test_answers_of_an_older_version_are_read_under_the_same_names(world, survey):
    moved = [row for row in SURVEY if row[1] not in ("views", "")]  # no group any more
    moved = [*moved[:5], ["select_one yes_no", "dialogue", "هل؟", "Join?", ""], *moved[6:]]
    content = xlsform_bytes(moved, CHOICES, form_id="analysis_test", version="2")
    version = services.upload_form(None, world.project, content, "analysis.xlsx")
    assert version.form == survey
    Submission.objects.create(
        form=survey,
        version=version,
        instance_id="uuid:analysis-moved",
        xml="<data/>",
        xml_sha256="",
        answers={"area": RAMADI, "sex": "f", "age_band": "18-24", "dialogue": "yes"},
        channel=Channel.IMPORT,
        received_at=dt.datetime(2023, 8, 6, tzinfo=dt.UTC),
    )
    result = run_analysis(survey, ["dialogue"], [], weighted=False)
    assert _row(result, "dialogue", category="yes").n_category == 8
    assert result.respondents == 13


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "population figures have no number"), ("ar", "لا تتضمن أرقام السكان")],
)
def test_a_respondent_outside_the_population_figures_is_explained(
    world, survey, language, expected
):
    figures = {k: v for k, v in POPULATION.items() if k[0] == RAMADI}
    add_population(world.project, figures)
    TargetArea.objects.filter(project=world.project, unit__pcode=FALLUJA).delete()
    with pytest.raises(AnalysisError) as caught:
        run_analysis(survey, ["dialogue"], [], weighted=True, language=language)
    assert caught.value.code == "margin_category_missing"
    assert expected in caught.value.message
    assert caught.value.advice


def test_weighting_without_population_figures_says_what_is_missing(survey):
    with translation.override("en"), pytest.raises(AnalysisError) as caught:
        run_analysis(survey, ["dialogue"], [], weighted=True, language="en")
    assert caught.value.code == "weighting_unavailable"
    assert "population figures" in caught.value.message


def test_one_cluster_in_an_area_is_explained(world):
    survey_rows = [*SURVEY, ["select_one village", "village", "القرية", "Village", ""]]
    choices = [
        *CHOICES,
        ["village", "v1", "قرية ١", "Village 1"],
        ["village", "v2", "قرية ٢", "Village 2"],
    ]
    rows = []
    for i, row in enumerate(ROWS):
        data = answers(row)
        data["village"] = "v1" if row[0] == RAMADI else ("v1" if i % 2 else "v2")
        rows.append(data)
    form = make_survey(world.project, rows, survey=survey_rows, choices=choices, form_id="clusters")
    with pytest.raises(AnalysisError) as caught:
        run_analysis(form, ["dialogue"], [], weighted=False, stratify=True, language="en")
    assert caught.value.code == "single_psu_stratum"
    assert "Markaz Al-Ramadi" in caught.value.message
    result = run_analysis(
        form, ["dialogue"], [], weighted=False, stratify=True, lonely_psu="adjust", language="en"
    )
    assert result.clustered and result.stratified
    assert _row(result, "dialogue", category="yes").ci_low is not None


def test_an_unknown_breakdown_is_explained(survey):
    with pytest.raises(AnalysisError) as caught:
        run_analysis(survey, ["dialogue"], ["shoe_size"], weighted=False, language="en")
    assert caught.value.code == "unknown_breakdown"
    assert "shoe_size" in caught.value.message


def test_methods_summary_gives_sample_areas_and_margin_of_error(world, survey):
    add_population(world.project)
    summary = methods_summary(survey, True, language="en")
    assert summary["respondents"] == 12
    assert {a["code"]: a["n"] for a in summary["areas"]} == {RAMADI: 6, FALLUJA: 6}
    assert summary["weighting"] == "raking"
    assert summary["design_df"] == 11
    kish = summary["weighting_deff"]
    expected = student.ppf(0.975, 11) * math.sqrt(0.25 * kish / 12)
    assert summary["margin_of_error"] == pytest.approx(expected)
    assert "12 respondents in 2 areas" in summary["text"]
    json.dumps(summary)


def test_a_rank_question_gives_mean_ranks_and_first_choices(world):
    survey_rows = [HEADER, ["rank needs", "needs", "الأولويات", "Priorities", ""]]
    choices = [
        ["list_name", "name", "label::Arabic (ar)", "label::English (en)"],
        ["needs", "jobs", "فرص العمل", "Jobs"],
        ["needs", "schools", "المدارس", "Schools"],
    ]
    answers = [{"needs": "jobs schools"}] * 4 + [{"needs": "schools jobs"}] * 2
    form = make_survey(world.project, answers, survey=survey_rows, choices=choices, form_id="rank")
    result = run_analysis(form, ["needs"], [], weighted=False, language="en")
    first = _row(result, "needs", statistic="ranked_first", category="jobs")
    assert first.estimate == pytest.approx(4 / 6)
    assert first.category_label == "Ranked first: Jobs"
    mean = _row(result, "needs", statistic="mean_rank", category="schools")
    assert mean.estimate == pytest.approx((4 * 2 + 2 * 1) / 6)
