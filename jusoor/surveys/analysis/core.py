"""From a form's submissions to design-based estimates: columns, weights, design, tables.

``run_analysis`` reads the questions asked for and the variables of the breakdowns, rakes the
weights to the project's population figures when asked (area, sex and age band margins from
``geo.AreaPopulation``), builds the survey design (strata = area if chosen, clusters if the form
has a cluster question) and lets the statistics engine estimate everything in one tabulation.
Disclosure control marks the small cells; the numbers stay for the workspace and are removed by
``AnalysisResult.released()`` for anything that leaves it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jusoor.engines.arabic.names import parse_sex
from jusoor.engines.stats import (
    DisclosureRules,
    Likert,
    Numeric,
    Rank,
    SelectMultiple,
    SelectOne,
    StatsError,
    SurveyDesign,
    rake,
    suppress_estimates,
    tabulate,
)
from jusoor.geo.models import AgeBand, AreaPopulation
from jusoor.surveys.analysis import columns as cols
from jusoor.surveys.analysis.errors import AnalysisError, explain
from jusoor.surveys.analysis.results import (
    AnalysisResult,
    QuestionTable,
    TableRow,
)
from jusoor.surveys.models import Form
from jusoor.surveys.xlsform import label_of


def threshold_default() -> int:
    """Fewer respondents than this behind a figure: hidden outside the workspace."""
    return int(getattr(settings, "SMALL_CELL_THRESHOLD", 5))


BREAKDOWN_JOIN = "+"
LONELY_PSU_CHOICES = ("fail", "certainty", "adjust")


# --- what can be analysed --------------------------------------------------------------------


@dataclass
class Variable:
    """A categorical variable to break figures down by: a role (area, sex, age band, target
    group) or any select_one question."""

    key: str
    label: str
    question: str | None  # the question it comes from (None: age bands derived from the age)
    derived_from_age: bool = False


@dataclass
class Catalogue:
    """The questions and breakdowns a form offers, labelled in one language."""

    form: Form
    language: str
    questions: list[cols.Question]
    roles: dict[str, cols.Question]
    age: cols.Question | None
    variables: dict[str, Variable] = field(default_factory=dict)

    def question_label(self, q: cols.Question) -> str:
        version = self.form.current_version
        language = cols.language_for(version.languages, self.language)
        return q.label(language, version.default_language)

    def choice_label(self, q: cols.Question, name: str) -> str:
        version = self.form.current_version
        language = cols.language_for(version.languages, self.language)
        for c in q.choices:
            if c["name"] == name:
                return label_of(c, language, version.default_language) or name
        return name

    def find(self, name: str) -> cols.Question | None:
        for q in self.questions:
            if name in (q.name, q.path):
                return q
        return None


def catalogue(form: Form, language: str = "ar") -> Catalogue:
    version = form.current_version
    if version is None:
        raise AnalysisError(
            "no_version",
            _("This form has no version yet."),
            _("Upload the XLSForm first."),
        )
    questions = cols.analysable(version)
    roles = cols.find_roles(questions)
    age = cols.age_question(questions) if "age_band" not in roles else None
    cat = Catalogue(form, language, questions, roles, age)
    role_labels = {
        "area": _("Area"),
        "sex": _("Sex"),
        "age_band": _("Age band"),
        "target_group": _("Target group"),
    }
    for role in cols.ROLES:
        if role in roles:
            cat.variables[role] = Variable(role, role_labels[role], roles[role].name)
        elif role == "age_band" and age is not None:
            cat.variables[role] = Variable(role, role_labels[role], age.name, True)
    used = {v.question for v in cat.variables.values()}
    for q in questions:
        if q.type == cols.SELECT_ONE and q.name not in used and q is not roles.get("cluster"):
            cat.variables[q.name] = Variable(q.name, cat.question_label(q), q.name)
    return cat


def weighting_problem(form: Form, cat: Catalogue | None = None) -> str | None:
    """Why this form cannot be weighted (translated), or None when it can."""
    cat = cat or catalogue(form)
    missing = [
        label
        for role, label in (("area", _("area")), ("sex", _("sex")), ("age_band", _("age band")))
        if role not in cat.variables
    ]
    if missing:
        return _(
            "Weighting needs the area, sex and age band of each respondent; this form does not "
            "ask: %(missing)s."
        ) % {
            "missing": "، ".join(missing)
            if translation.get_language() == "ar"
            else ", ".join(missing)
        }
    if not AreaPopulation.objects.filter(area__project_id=form.project_id).exists():
        return _("The project's target areas have no population figures by sex and age band yet.")
    return None


# --- preparing columns and the design -------------------------------------------------------


@dataclass
class Prepared:
    cat: Catalogue
    data: cols.Dataset
    keep: np.ndarray  # rows in the analysis
    design: SurveyDesign
    domains: dict[str, np.ndarray]  # variable -> codes (-1 missing), kept rows only
    levels: dict[str, list[str]]  # variable -> level names
    level_labels: dict[str, list[str]]
    weighted: bool
    stratified: bool
    clustered: bool
    warnings: list[str]


def variable_codes(
    cat: Catalogue, data: cols.Dataset, key: str
) -> tuple[np.ndarray, list[str], list[str]]:
    var = cat.variables[key]
    if var.derived_from_age:
        codes, names = cols.age_bands(data, var.question)
        labels = [str(AgeBand(n).label) for n in names]
        return codes, names, labels
    q = data.questions[var.question]
    names = cols.category_names(data, q.name)
    return cols.codes(data, q.name), names, [cat.choice_label(q, n) for n in names]


def parse_breakdowns(cat: Catalogue, breakdowns: list[str]) -> list[tuple[str, ...]]:
    specs: list[tuple[str, ...]] = []
    for text in breakdowns:
        parts = tuple(p.strip() for p in str(text).split(BREAKDOWN_JOIN) if p.strip())
        if not parts:
            continue
        resolved = []
        for part in parts:
            key = part if part in cat.variables else None
            if key is None:
                q = cat.find(part)
                key = q.name if q is not None and q.name in cat.variables else None
                if key is None:
                    key = next(
                        (
                            k
                            for k, v in cat.variables.items()
                            if q is not None and v.question == q.name
                        ),
                        None,
                    )
            if key is None:
                raise AnalysisError(
                    "unknown_breakdown",
                    _("“%(name)s” is not something this form can break figures down by.")
                    % {"name": part},
                    _("Choose area, sex, age band, target group or a single-choice question."),
                )
            resolved.append(key)
        if len(set(resolved)) != len(resolved) or len(resolved) > 2:
            raise AnalysisError(
                "bad_breakdown",
                _("A breakdown combines one or two different variables, not “%(name)s”.")
                % {"name": text},
                _("Choose one variable, or two different ones."),
            )
        if tuple(resolved) not in specs:
            specs.append(tuple(resolved))
    return specs


def _population(cat: Catalogue, data: cols.Dataset, keep: np.ndarray) -> dict[str, Any]:
    """Raking columns and margins from the project's AreaPopulation, in the survey's scope."""
    area_codes, area_names, _l = variable_codes(cat, data, "area")
    sex_codes, sex_names, _l2 = variable_codes(cat, data, "sex")
    age_codes, age_names, _l3 = variable_codes(cat, data, "age_band")
    sex_keys = [n if n in ("f", "m") else (parse_sex(n) or n) for n in sex_names]
    figures = list(
        AreaPopulation.objects.filter(area__project_id=cat.form.project_id).values_list(
            "area__unit__pcode", "sex", "age_band", "count"
        )
    )
    if not figures:
        raise AnalysisError(
            "no_population",
            _("The project's target areas have no population figures by sex and age band yet."),
            _("Enter them on each target area's population page, or analyse without weights."),
        )
    # Areas and age bands the questionnaire does not offer are outside the survey's population.
    in_scope = [f for f in figures if f[0] in set(area_names) and f[2] in set(age_names)]
    if not in_scope:
        raise AnalysisError(
            "population_out_of_scope",
            _(
                "None of the population figures matches the areas and age bands of this form "
                "(its area choices must be the target areas' p-codes)."
            ),
            _(
                "Use the target areas' p-codes as the names of the area choices, or analyse without weights."
            ),
        )
    margins: dict[str, dict[str, float]] = {"area": {}, "sex": {}, "age_band": {}}
    for pcode, sex, band, count in in_scope:
        margins["area"][pcode] = margins["area"].get(pcode, 0) + count
        margins["sex"][sex] = margins["sex"].get(sex, 0) + count
        margins["age_band"][band] = margins["age_band"].get(band, 0) + count
    values = {
        "area": np.array(area_names, dtype=object)[area_codes[keep]],
        "sex": np.array(sex_keys, dtype=object)[sex_codes[keep]],
        "age_band": np.array(age_names, dtype=object)[age_codes[keep]],
    }
    return {"columns": {k: v.astype(str) for k, v in values.items()}, "margins": margins}


def prepare(
    form: Form,
    question_names: list[str],
    variables: list[str],
    weighted: bool,
    *,
    language: str,
    stratify: bool = False,
    lonely_psu: str = "fail",
) -> Prepared:
    cat = catalogue(form, language)
    if weighted:
        problem = weighting_problem(form, cat)
        if problem:
            raise AnalysisError(
                "weighting_unavailable",
                problem,
                _("Analyse without weights, or complete what is missing."),
            )
    clusters = cat.roles.get("cluster")
    needed = list(question_names)
    design_vars = set(variables)
    if weighted:
        design_vars |= {"area", "sex", "age_band"}
    if stratify:
        if "area" not in cat.variables:
            raise AnalysisError(
                "no_area",
                _("This form does not ask for the area, so it cannot be stratified by area."),
                _("Analyse without strata."),
            )
        design_vars.add("area")
    needed += [cat.variables[v].question for v in design_vars if v in cat.variables]
    if clusters is not None:
        needed.append(clusters.name)
    data = cols.load(form, needed)
    if data.rows == 0:
        raise AnalysisError(
            "no_submissions",
            _("This form has no submissions to analyse yet."),
            _("Collect or import submissions first (rejected ones are left out)."),
        )
    keep = np.ones(data.rows, dtype=bool)
    domains_all: dict[str, np.ndarray] = {}
    levels: dict[str, list[str]] = {}
    level_labels: dict[str, list[str]] = {}
    for key in sorted(design_vars):
        codes, names, labels = variable_codes(cat, data, key)
        domains_all[key], levels[key], level_labels[key] = codes, names, labels
    warnings: list[str] = []
    required = (["area", "sex", "age_band"] if weighted else []) + (["area"] if stratify else [])
    for key in dict.fromkeys(required):
        keep &= domains_all[key] >= 0
    cluster_codes = None
    if clusters is not None:
        cluster_codes = cols.codes(data, clusters.name)
        keep &= cluster_codes >= 0
    dropped = int((~keep).sum())
    if dropped:
        warnings.append(
            ngettext(
                "%(count)d respondent is left out: their area, sex, age band or cluster is missing.",
                "%(count)d respondents are left out: their area, sex, age band or cluster is missing.",
                dropped,
            )
            % {"count": dropped}
        )
    if not keep.any():
        raise AnalysisError(
            "no_rows",
            _("No respondent has every answer the analysis needs (area, sex, age band, cluster)."),
            _("Analyse without weights or strata."),
        )
    n = int(keep.sum())
    if n < 2:
        raise AnalysisError(
            "too_few_respondents",
            _("Only one respondent can be analysed: no margin of error can be computed."),
            _("Collect more submissions before analysing."),
        )
    context = {
        "area": _("Area"),
        "sex": _("Sex"),
        "age_band": _("Age band"),
        "cluster": _("Cluster"),
    }
    weights = np.ones(n)
    try:
        if weighted:
            population = _population(cat, data, keep)
            weights = rake(np.ones(n), population["columns"], population["margins"])
        strata = None
        if stratify:
            strata = domains_all["area"][keep]
            for i, name in enumerate(levels["area"]):
                context[f"stratum:{i}"] = level_labels["area"][i]
                context[f"stratum:{name}"] = level_labels["area"][i]
        design = SurveyDesign.from_columns(
            weights,
            strata=strata,
            psu=None if cluster_codes is None else cluster_codes[keep],
            lonely_psu=lonely_psu if lonely_psu in LONELY_PSU_CHOICES else "fail",
        )
    except StatsError as exc:
        raise explain(exc, context) from exc
    return Prepared(
        cat=cat,
        data=data,
        keep=keep,
        design=design,
        domains={k: v[keep] for k, v in domains_all.items()},
        levels=levels,
        level_labels=level_labels,
        weighted=weighted,
        stratified=stratify,
        clustered=cluster_codes is not None,
        warnings=warnings,
    )


# --- estimates -----------------------------------------------------------------------------


def _engine_question(prep: Prepared, q: cols.Question) -> Any:
    data, keep = prep.data, prep.keep
    if q.kind in ("select_one", "likert"):
        names = cols.category_names(data, q.name)
        codes = cols.codes(data, q.name)[keep]
        if q.kind == "likert" and not data.extra_choices.get(q.name):
            return Likert(q.name, codes, names)
        return SelectOne(q.name, codes, names)
    if q.kind == "select_multiple":
        return SelectMultiple(q.name, {c: v[keep] for c, v in cols.ticks(data, q.name).items()})
    if q.kind == "rank":
        return Rank(q.name, {c: v[keep] for c, v in cols.ranks(data, q.name).items()})
    return Numeric(q.name, cols.numbers(data, q.name)[keep])


def category_label(cat: Catalogue, q: cols.Question, statistic: str, category: Any) -> str:
    if statistic in ("proportion", "selected"):
        return cat.choice_label(q, str(category))
    if statistic == "mean":
        if q.kind == "likert":
            return _("Mean score (1 to %(top)d)") % {"top": len(q.choices)}
        return _("Mean")
    if statistic == "top_box":
        top = [cat.choice_label(q, c["name"]) for c in q.choices[-2:]]
        joined = "، ".join(top) if translation.get_language() == "ar" else ", ".join(top)
        return _("Top two answers (%(answers)s)") % {"answers": joined}
    if statistic == "mean_rank":
        return _("Mean rank: %(option)s") % {"option": cat.choice_label(q, str(category))}
    if statistic == "ranked_first":
        return _("Ranked first: %(option)s") % {"option": cat.choice_label(q, str(category))}
    return str(category)


def _table(
    prep: Prepared, q: cols.Question, estimates: list, published: list, specs
) -> QuestionTable:
    cat = prep.cat
    rows = []
    for e, p in zip(estimates, published, strict=True):
        domain = [[name, str(level)] for name, level in e.domain]
        labels = []
        for name, level in e.domain:
            index = prep.levels[name].index(level) if level in prep.levels[name] else -1
            labels.append(prep.level_labels[name][index] if index >= 0 else str(level))
        reason = p.reason if p.suppressed else None
        if e.empty:
            reason = "empty"
        rows.append(
            TableRow(
                domain=domain,
                domain_labels=labels or [_("All respondents")],
                category=None if e.category is None else str(e.category),
                category_label=category_label(cat, q, e.statistic, e.category),
                statistic=e.statistic,
                estimate=e.estimate,
                se=e.se,
                ci_low=e.lower,
                ci_high=e.upper,
                n=int(e.n),
                n_category=e.n_category,
                weighted_n=float(e.weighted_n),
                deff=e.deff,
                df=int(e.df),
                suppressed=bool(p.suppressed or e.empty),
                suppressed_reason=reason,
                note=e.note,
            )
        )
    keys = [BREAKDOWN_JOIN.join(s) for s in specs]
    # Domain by domain (the engine gives a select_multiple choice by choice), answers in order.
    first_seen: dict[tuple[str, str], int] = {}
    for row in rows:
        first_seen.setdefault((row.breakdown, row.domain_label), len(first_seen))
    rows.sort(
        key=lambda r: (
            keys.index(r.breakdown) if r.breakdown in keys else len(keys),
            first_seen[(r.breakdown, r.domain_label)],
        )
    )
    labels = {
        BREAKDOWN_JOIN.join(s): (
            " × ".join(cat.variables[v].label for v in s) if s else _("All respondents")
        )
        for s in specs
    }
    return QuestionTable(
        name=q.name,
        label=cat.question_label(q),
        kind=q.kind,
        rows=rows,
        breakdowns=keys,
        breakdown_labels=labels,
    )


def resolve_questions(cat: Catalogue, questions: list[str]) -> list[cols.Question]:
    if not questions:
        raise AnalysisError(
            "no_question", _("No question was chosen."), _("Choose at least one question.")
        )
    found = []
    for name in questions:
        q = cat.find(str(name))
        if q is None:
            raise AnalysisError(
                "unknown_question",
                _("“%(name)s” is not a question of this form that can be analysed.")
                % {"name": name},
                _(
                    "Choose single-choice, multiple-choice, ranking or number questions; free "
                    "text and personal data are not analysed."
                ),
            )
        if q not in found:
            found.append(q)
    return found


def run_analysis(
    form: Form,
    questions: list[str],
    breakdowns: list[str],
    weighted: bool = True,
    *,
    language: str = "ar",
    stratify: bool = False,
    lonely_psu: str = "fail",
    threshold: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AnalysisResult:
    """Estimates of ``questions`` overall and by each of ``breakdowns``.

    A breakdown is ``area``, ``sex``, ``age_band``, ``target_group``, the name of a single-choice
    question, or two of them joined by ``+`` (``area+sex``). Questions are known by their XLSForm
    name (or path). Raises :class:`AnalysisError` with a translated message and advice when the
    data or the choices do not allow the analysis.
    """
    with translation.override(language):
        cat = catalogue(form, language)
        chosen = resolve_questions(cat, questions)
        specs = parse_breakdowns(cat, breakdowns)
        variables = sorted({v for s in specs for v in s})
        prep = prepare(
            form,
            [q.name for q in chosen],
            variables,
            weighted,
            language=language,
            stratify=stratify,
            lonely_psu=lonely_psu,
        )
        all_specs = [(), *specs]
        threshold = threshold or threshold_default()
        rules = DisclosureRules(threshold=threshold)
        tables = []
        try:
            for done, q in enumerate(chosen):
                if progress is not None:
                    progress(done, len(chosen))
                tab = tabulate(
                    prep.design,
                    [_engine_question(prep, q)],
                    {v: prep.domains[v] for v in variables},
                    labels={v: prep.levels[v] for v in variables},
                    by=all_specs,
                )
                estimates = tab.rows()
                published = suppress_estimates(estimates, rules)
                tables.append(_table(prep, q, estimates, published, all_specs))
        except StatsError as exc:
            raise explain(exc) from exc
        return AnalysisResult(
            form_id=form.pk,
            form_title=form.title,
            language=language,
            weighted=weighted,
            questions=[q.name for q in chosen],
            breakdowns=[BREAKDOWN_JOIN.join(s) for s in specs],
            tables=tables,
            respondents=prep.data.rows,
            analysed=int(prep.keep.sum()),
            synthetic=prep.data.synthetic,
            threshold=threshold,
            stratified=prep.stratified,
            clustered=prep.clustered,
            design_df=prep.design.df,
            weighting="raking" if weighted else "none",
            computed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            warnings=prep.warnings,
        )
