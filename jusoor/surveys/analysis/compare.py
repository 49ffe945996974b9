"""Cross-tabulation with the Rao–Scott test, and the difference between two groups."""

from __future__ import annotations

import numpy as np
from django.utils import translation
from django.utils.translation import gettext as _

from jusoor.engines.stats import StatsError, crosstab, domain_difference
from jusoor.surveys.analysis import columns as cols
from jusoor.surveys.analysis.core import (
    Catalogue,
    catalogue,
    category_label,
    parse_breakdowns,
    prepare,
    resolve_questions,
    run_analysis,
    threshold_default,
)
from jusoor.surveys.analysis.errors import AnalysisError, explain
from jusoor.surveys.analysis.results import CrossTabResult, DifferenceResult
from jusoor.surveys.models import Form

# --- cross-tabulation and differences -----------------------------------------------------------


def as_question(cat: Catalogue, key: str) -> cols.Question:
    var = cat.variables.get(key)
    if var is None or var.derived_from_age:
        raise AnalysisError(
            "unknown_breakdown",
            _("“%(name)s” cannot be cross-tabulated.") % {"name": key},
            _("Choose area, sex, age band, target group or a single-choice question."),
        )
    return next(q for q in cat.questions if q.name == var.question)


def run_crosstab(
    form: Form,
    row: str,
    column: str,
    weighted: bool = True,
    *,
    language: str = "ar",
    stratify: bool = False,
    lonely_psu: str = "fail",
    threshold: int | None = None,
) -> CrossTabResult:
    """Answers to ``column`` by ``row`` with the Rao–Scott test of independence."""
    with translation.override(language):
        cat = catalogue(form, language)
        row_spec = parse_breakdowns(cat, [row])
        col_spec = parse_breakdowns(cat, [column])
        if (
            len(row_spec) != 1
            or len(col_spec) != 1
            or len(row_spec[0]) != 1
            or len(col_spec[0]) != 1
            or row_spec == col_spec
        ):
            raise AnalysisError(
                "bad_crosstab",
                _("A cross-tabulation needs two different variables."),
                _("Choose a row variable and a different column variable."),
            )
        row_key, col_key = row_spec[0][0], col_spec[0][0]
        col_q = as_question(cat, col_key)
        result = run_analysis(
            form,
            [col_q.name],
            [row_key],
            weighted,
            language=language,
            stratify=stratify,
            lonely_psu=lonely_psu,
            threshold=threshold,
        )
        prep = prepare(
            form,
            [col_q.name],
            [row_key, col_key],
            weighted,
            language=language,
            stratify=stratify,
            lonely_psu=lonely_psu,
        )
        try:
            ct = crosstab(
                prep.design,
                prep.domains[row_key],
                prep.domains[col_key],
                row_labels=prep.levels[row_key],
                col_labels=prep.levels[col_key],
            )
        except StatsError as exc:
            raise explain(exc) from exc
        table = result.tables[0]
        table.rows = [r for r in table.rows if r.statistic == "proportion"]
        return CrossTabResult(
            row=row_key,
            row_label=cat.variables[row_key].label,
            column=col_key,
            column_label=cat.variables[col_key].label,
            table=table,
            f_statistic=float(ct.f_statistic),
            ndf=float(ct.ndf),
            ddf=float(ct.ddf),
            p_value=float(ct.p_value),
            chisq=float(ct.pearson),
            mean_deff=float(ct.mean_deff),
            weighted=weighted,
            analysed=result.analysed,
        )


def run_difference(
    form: Form,
    question: str,
    variable: str,
    a: str,
    b: str,
    *,
    category: str | None = None,
    weighted: bool = True,
    language: str = "ar",
    stratify: bool = False,
    lonely_psu: str = "fail",
    threshold: int | None = None,
) -> DifferenceResult:
    """The share giving answer ``category`` (or the mean) in group ``a`` minus group ``b`` of
    ``variable`` (e.g. women minus men), with a Wald interval that keeps the design."""
    with translation.override(language):
        cat = catalogue(form, language)
        (q,) = resolve_questions(cat, [question])
        specs = parse_breakdowns(cat, [variable])
        if not specs or len(specs[0]) != 1:
            raise AnalysisError(
                "bad_difference",
                _("Compare two groups of one variable."),
                _("Choose one variable, such as sex or area."),
            )
        key = specs[0][0]
        prep = prepare(
            form,
            [q.name],
            [key],
            weighted,
            language=language,
            stratify=stratify,
            lonely_psu=lonely_psu,
        )
        levels = prep.levels[key]
        if a not in levels or b not in levels or a == b:
            raise AnalysisError(
                "bad_groups",
                _("Choose two different groups to compare."),
                _("Both groups must be answers of the variable chosen."),
            )
        statistic, cat_index = "mean", None
        values: np.ndarray
        if q.kind in ("select_one", "likert"):
            names = cols.category_names(prep.data, q.name)
            codes = cols.codes(prep.data, q.name)[prep.keep].astype(np.float64)
            codes[codes < 0] = np.nan
            if category is not None:
                if category not in names:
                    raise AnalysisError(
                        "bad_category",
                        _("“%(name)s” is not an answer of this question.") % {"name": category},
                        _("Choose one of its answers."),
                    )
                statistic, cat_index, values = "proportion", names.index(category), codes
            elif q.kind == "likert":
                values = codes + 1  # scores 1..K
            else:
                raise AnalysisError(
                    "bad_category",
                    _("Choose which answer's share to compare."),
                    _("Choose one of its answers."),
                )
        elif q.kind == "select_multiple":
            ticks = cols.ticks(prep.data, q.name)
            if category not in ticks:
                raise AnalysisError(
                    "bad_category",
                    _("Choose which answer's share to compare."),
                    _("Choose one of its answers."),
                )
            values = ticks[category][prep.keep].astype(np.float64)
            values[values < 0] = np.nan
            statistic = "selected"
        elif q.kind == "numeric":
            values = cols.numbers(prep.data, q.name)[prep.keep]
        else:
            raise AnalysisError(
                "bad_difference",
                _(
                    "Differences are computed for single-choice, multiple-choice and number questions."
                ),
                _("Choose another question."),
            )
        domain = prep.domains[key]
        ia, ib = levels.index(a), levels.index(b)
        answered = ~np.isnan(values)
        n_a = int(((domain == ia) & answered).sum())
        n_b = int(((domain == ib) & answered).sum())
        try:
            diff = domain_difference(
                prep.design,
                values,
                np.where(domain >= 0, domain, -1),
                ia,
                ib,
                category=cat_index
                if statistic == "proportion"
                else (1 if statistic == "selected" else None),
            )
        except StatsError as exc:
            raise explain(exc) from exc
        labels = prep.level_labels[key]
        threshold = threshold or threshold_default()
        return DifferenceResult(
            question=q.name,
            question_label=cat.question_label(q),
            statistic=statistic,
            category=category,
            category_label=(
                cat.choice_label(q, category)
                if category is not None
                else category_label(cat, q, "mean", None)
            ),
            variable=key,
            variable_label=cat.variables[key].label,
            a=a,
            a_label=labels[ia],
            b=b,
            b_label=labels[ib],
            estimate_a=diff.estimate_a,
            estimate_b=diff.estimate_b,
            difference=diff.difference,
            se=diff.se,
            ci_low=diff.lower,
            ci_high=diff.upper,
            df=diff.df,
            n_a=n_a,
            n_b=n_b,
            suppressed=min(n_a, n_b) < threshold,
            weighted=weighted,
        )
