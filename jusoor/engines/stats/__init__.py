"""Survey statistics: design-based estimates, intervals, tests and disclosure control.

Plain data in (numpy arrays of integer codes and floats), plain dataclasses out, never Django.
The estimators follow R's ``survey`` package (Taylor linearisation, ``svyciprop(method="logit")``,
``svychisq`` Rao-Scott F) and agree with ``samplics`` wherever the two agree; see
``docs/engines/stats.md``.
"""

from jusoor.engines.stats.crosstab import CrossTab, crosstab
from jusoor.engines.stats.design import SurveyDesign
from jusoor.engines.stats.disclosure import (
    DisclosureRules,
    protect_counts,
    protect_table,
    suppress_estimates,
)
from jusoor.engines.stats.errors import (
    ConvergenceError,
    InputError,
    MarginError,
    SinglePSUError,
    StatsError,
    WeightError,
)
from jusoor.engines.stats.estimate import (
    Difference,
    Estimate,
    domain_difference,
    estimate_means,
    estimate_proportions,
    estimate_totals,
)
from jusoor.engines.stats.items import likert, rank_question, select_multiple
from jusoor.engines.stats.tabulate import (
    Likert,
    Numeric,
    Rank,
    SelectMultiple,
    SelectOne,
    Tabulation,
    domain_specs,
    tabulate,
)
from jusoor.engines.stats.weighting import poststratify, rake

__all__ = [
    "protect_counts",
    "ConvergenceError",
    "CrossTab",
    "Difference",
    "DisclosureRules",
    "Estimate",
    "InputError",
    "Likert",
    "MarginError",
    "Numeric",
    "Rank",
    "SelectMultiple",
    "SelectOne",
    "SinglePSUError",
    "StatsError",
    "SurveyDesign",
    "Tabulation",
    "WeightError",
    "crosstab",
    "domain_difference",
    "domain_specs",
    "estimate_means",
    "estimate_proportions",
    "estimate_totals",
    "likert",
    "poststratify",
    "protect_table",
    "rake",
    "rank_question",
    "select_multiple",
    "suppress_estimates",
    "tabulate",
]
