"""The full-table driver: every question of a form by every domain, in one pass per question.

A form's questions are plain dataclasses of row-aligned arrays (integer answer codes, -1 for "not
answered"; floats with NaN for numeric answers). ``tabulate`` codes all domain variables once, then
each question costs one bincount pass; overall, area, sex, age band and any combinations are
marginal sums of the same small array.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from jusoor.engines.stats.design import SurveyDesign
from jusoor.engines.stats.errors import InputError
from jusoor.engines.stats.grouped import (
    Accumulator,
    categorical_block,
    domain_var,
    numeric_block,
    numeric_extras,
    scored_block,
)
from jusoor.engines.stats.kernel import Estimate, EstimateBlock, check_df_rule


@dataclass(frozen=True)
class SelectOne:
    """One answer per respondent: ``codes`` index ``categories`` (-1 = not answered)."""

    name: str
    codes: Any
    categories: Sequence[Any]


@dataclass(frozen=True)
class Numeric:
    """A number per respondent (NaN = not answered): weighted mean, and total if asked."""

    name: str
    values: Any
    total: bool = False


@dataclass(frozen=True)
class Likert:
    """An ordered scale: distribution, mean score and top-box share (the top ``top`` points)."""

    name: str
    codes: Any
    categories: Sequence[Any]
    scores: Sequence[float] | None = None
    top: int = 2


@dataclass(frozen=True)
class SelectMultiple:
    """Several ticks per respondent: each choice is its own 0/1 column (-1 or NaN = unanswered).

    The share for each choice is among respondents who answered the question, so shares can add up
    to more than 100%.
    """

    name: str
    choices: Mapping[str, Any]


@dataclass(frozen=True)
class Rank:
    """Options ranked 1 (first), 2, ...; 0, -1 or NaN = not ranked by that respondent.

    Gives each option's mean rank among respondents who ranked it and the share of respondents
    (who ranked anything) that ranked it first.
    """

    name: str
    ranks: Mapping[str, Any]


Question = SelectOne | Numeric | Likert | SelectMultiple | Rank


@dataclass
class Tabulation:
    """All blocks of a tabulation; ``rows()`` flattens them into :class:`Estimate` objects."""

    blocks: list[EstimateBlock]

    def rows(self) -> list[Estimate]:
        return [row for block in self.blocks for row in block.rows()]

    def to_columns(self) -> dict[str, list[Any]]:
        """Column-wise plain lists (question, statistic, domain, ...), e.g. for an export."""
        rows = self.rows()
        names = list(Estimate.__dataclass_fields__)
        return {name: [getattr(r, name) for r in rows] for name in names}

    def __len__(self) -> int:
        return sum(b.estimate.size for b in self.blocks)


def _codes(values: Any, n_categories: int, name: str, n: int) -> np.ndarray:
    """Answer codes as an int64 index: 0 = not answered, k + 1 = category k."""
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise InputError("length_mismatch", f"question {name!r} must have {n} values", column=name)
    if arr.dtype.kind == "f":
        missing = np.isnan(arr)
        arr = np.where(missing, -1, arr)
        if (arr != np.round(arr)).any():
            raise InputError("codes_not_integer", f"question {name!r} has non-integer codes")
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iub":
        raise InputError("codes_not_integer", f"question {name!r} must hold integer codes")
    if arr.size and (arr.min() < -1 or arr.max() >= n_categories):
        raise InputError(
            "code_out_of_range",
            f"question {name!r} has codes outside -1..{n_categories - 1}",
            column=name,
            categories=n_categories,
        )
    index = arr.astype(np.int64)
    index += 1
    return index


def _floats(values: Any, name: str, n: int) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise InputError("length_mismatch", f"question {name!r} must have {n} values", column=name)
    if np.isinf(arr).any():
        raise InputError("value_infinite", f"question {name!r} has infinite values", column=name)
    return arr


class _Runner:
    def __init__(self, acc: Accumulator, specs: list[tuple[str, ...]], alpha: float, rule: str):
        self.acc, self.specs, self.alpha, self.rule = acc, specs, alpha, rule
        self.n = acc.design.n_rows
        self.extras = {} if acc.weights2 is None else {"w2": acc.weights2}

    def categorical(
        self,
        name: str,
        index: np.ndarray,
        categories: list,
        statistic: str = "proportion",
        keep: int | None = None,
        label: Any = None,
        scored: Sequence[tuple[str, np.ndarray, Any, bool]] = (),
    ) -> list[EstimateBlock]:
        """Shares of every category (or only category ``keep``, relabelled ``label``), plus
        ``scored`` statistics (name, score per category, label, logit) from the same sums."""
        sums = self.acc.sums(index, len(categories) + 1, self.extras)
        blocks = []
        for spec in self.specs:
            marginal = self.acc.marginal(sums, spec)
            if statistic:
                block = categorical_block(
                    self.acc, marginal, spec, name, categories, self.alpha, self.rule, statistic
                )
                blocks.append(block if keep is None else _keep_column(block, keep, label))
            for stat, scores, cat, logit in scored:
                blocks.append(
                    scored_block(
                        self.acc,
                        marginal,
                        spec,
                        name,
                        scores,
                        self.alpha,
                        self.rule,
                        stat,
                        cat,
                        logit,
                    )
                )
        return blocks

    def numeric(
        self,
        name: str,
        values: np.ndarray,
        statistics: tuple[str, ...] = ("mean",),
        category: Any = None,
    ) -> list[EstimateBlock]:
        present, extras, centre = numeric_extras(self.acc, values)
        sums = self.acc.sums(present, 2, extras)
        return [
            numeric_block(
                self.acc,
                self.acc.marginal(sums, spec),
                spec,
                name,
                centre,
                self.alpha,
                self.rule,
                stat,
                category,
            )
            for stat in statistics
            for spec in self.specs
        ]

    def question(self, q: Question) -> list[EstimateBlock]:
        if isinstance(q, SelectOne):
            cats = list(q.categories)
            return self.categorical(q.name, _codes(q.codes, len(cats), q.name, self.n), cats)
        if isinstance(q, Numeric):
            stats = ("mean", "total") if q.total else ("mean",)
            return self.numeric(q.name, _floats(q.values, q.name, self.n), stats)
        if isinstance(q, Likert):
            return self._likert(q)
        if isinstance(q, SelectMultiple):
            return self._select_multiple(q)
        if isinstance(q, Rank):
            return self._rank(q)
        raise InputError("unknown_question", f"cannot tabulate {type(q).__name__}")

    def _likert(self, q: Likert) -> list[EstimateBlock]:
        cats = list(q.categories)
        k = len(cats)
        index = _codes(q.codes, k, q.name, self.n)
        scores = np.asarray(q.scores if q.scores is not None else np.arange(1, k + 1), float)
        if scores.shape != (k,) or not 0 < q.top < k:
            raise InputError(
                "likert_spec", f"Likert {q.name!r}: scores need {k} values and 0 < top < {k}"
            )
        top = (np.arange(k) >= k - q.top).astype(np.float64)
        scored = [("mean", scores, None, False), ("top_box", top, f"top{q.top}", True)]
        return self.categorical(q.name, index, cats, scored=scored)

    def _select_multiple(self, q: SelectMultiple) -> list[EstimateBlock]:
        cols = {c: _codes(v, 2, f"{q.name}/{c}", self.n) for c, v in q.choices.items()}
        answered = np.zeros(self.n, dtype=bool)
        for col in cols.values():
            answered |= col > 0
        blocks = []
        for choice, col in cols.items():
            ticked = np.where(answered, np.maximum(col, 1), 0)
            blocks += self.categorical(q.name, ticked, [False, True], "selected", 1, choice)
        return blocks

    def _rank(self, q: Rank) -> list[EstimateBlock]:
        ranks = {o: _floats(v, f"{q.name}/{o}", self.n) for o, v in q.ranks.items()}
        ranked_any = np.zeros(self.n, dtype=bool)
        for r in ranks.values():
            ranked_any |= r >= 1
        blocks = []
        for option, r in ranks.items():
            valid = r >= 1
            blocks += self.numeric(q.name, np.where(valid, r, np.nan), ("mean_rank",), option)
            first = np.where(ranked_any, (r == 1) + 1, 0)
            blocks += self.categorical(q.name, first, [False, True], "ranked_first", 1, option)
        return blocks


def _keep_column(block: EstimateBlock, k: int, label: Any) -> EstimateBlock:
    """Keep one category of a binary block (e.g. 'selected'), relabelled."""
    sl = (slice(None), slice(k, k + 1))
    return EstimateBlock(
        question=block.question,
        statistic=block.statistic,
        domain_vars=block.domain_vars,
        domain_levels=block.domain_levels,
        categories=[label],
        estimate=block.estimate[sl],
        se=block.se[sl],
        lower=block.lower[sl],
        upper=block.upper[sl],
        deff=block.deff[sl],
        df=block.df[sl],
        n=block.n[sl],
        n_category=None if block.n_category is None else block.n_category[sl],
        weighted_n=block.weighted_n[sl],
        empty=block.empty[sl],
        no_df=block.no_df[sl],
    )


def domain_specs(names: Sequence[str], max_order: int = 2) -> list[tuple[str, ...]]:
    """Overall, every variable alone and every combination of up to ``max_order`` variables.

    ``domain_specs(["area", "sex", "age"], 3)`` is the full breakdown a donor report asks for
    (area x sex x age band included); no level is ever cut, small cells are left to disclosure
    control.
    """
    return [
        combo for order in range(0, max_order + 1) for combo in itertools.combinations(names, order)
    ]


def normalise_specs(
    domains: Mapping[str, Any], by: Sequence[str | tuple[str, ...]] | None
) -> list[tuple[str, ...]]:
    if by is None:
        return [(), *[(name,) for name in domains]]
    return [(s,) if isinstance(s, str) else tuple(s) for s in by]


def tabulate(
    design: SurveyDesign,
    questions: Sequence[Question],
    domains: Mapping[str, Any] | None = None,
    *,
    labels: Mapping[str, Sequence[Any]] | None = None,
    by: Sequence[str | tuple[str, ...]] | None = None,
    alpha: float = 0.05,
    domain_df: str = "r",
) -> Tabulation:
    """Estimate every question over every domain spec, with intervals and design effects.

    ``domains`` maps a name to a row-aligned column; with ``labels[name]`` its values are codes
    into those labels (-1 = missing), otherwise its distinct values. ``by`` lists the domain specs:
    ``()`` is the whole sample, ``"area"`` one variable, ``("area", "sex")`` a combination; the
    default is overall plus each variable alone. ``domain_df="r"`` uses, per domain, R's degrees
    of freedom of the subset design (PSUs minus strata that hold the domain); ``"full"`` uses the
    full design's (samplics).
    """
    check_df_rule(domain_df)
    if not 0 < alpha < 1:
        raise InputError("unknown_option", "alpha must be between 0 and 1", option="alpha")
    domains = dict(domains or {})
    labels = dict(labels or {})
    variables = [
        domain_var(name, values, labels.get(name), design.n_rows)
        for name, values in domains.items()
    ]
    specs = normalise_specs(domains, by)
    acc = Accumulator(design, variables, specs)
    runner = _Runner(acc, specs, alpha, domain_df)
    seen: set[str] = set()
    blocks: list[EstimateBlock] = []
    for q in questions:
        if q.name in seen:
            raise InputError("duplicate_question", f"question {q.name!r} appears twice")
        seen.add(q.name)
        blocks += runner.question(q)
    return Tabulation(blocks)
