"""Question types beyond select_one: select_multiple, Likert scales and rank questions.

Each reduces to shares and means of derived columns (a tick, a top-box flag, a rank of 1), so they
share the same estimators, intervals and domain handling as everything else; these functions are
the one-question form of what :func:`tabulate` does for a whole form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jusoor.engines.stats.design import SurveyDesign
from jusoor.engines.stats.kernel import Estimate
from jusoor.engines.stats.tabulate import Likert, Rank, SelectMultiple, tabulate


def _run(design: SurveyDesign, question: Any, domains: Mapping[str, Any] | None, **kw: Any) -> list:
    return tabulate(design, [question], domains, **kw).rows()


def select_multiple(
    design: SurveyDesign,
    choices: Mapping[str, Any],
    *,
    domains: Mapping[str, Any] | None = None,
    name: str = "q",
    **options: Any,
) -> list[Estimate]:
    """Share of respondents (who answered) ticking each choice; statistic ``"selected"``."""
    return _run(design, SelectMultiple(name, choices), domains, **options)


def likert(
    design: SurveyDesign,
    codes: Any,
    categories: Sequence[Any],
    *,
    scores: Sequence[float] | None = None,
    top: int = 2,
    domains: Mapping[str, Any] | None = None,
    name: str = "q",
    **options: Any,
) -> list[Estimate]:
    """Distribution (``"proportion"``), mean score (``"mean"``) and top-box share (``"top_box"``)."""
    return _run(design, Likert(name, codes, categories, scores, top), domains, **options)


def rank_question(
    design: SurveyDesign,
    ranks: Mapping[str, Any],
    *,
    domains: Mapping[str, Any] | None = None,
    name: str = "q",
    **options: Any,
) -> list[Estimate]:
    """Mean rank of each option (``"mean_rank"``) and share ranking it first (``"ranked_first"``)."""
    return _run(design, Rank(name, ranks), domains, **options)
