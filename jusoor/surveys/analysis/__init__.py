"""Survey analysis: a form's submissions through the statistics engine.

``run_analysis(form, questions, breakdowns, weighted)`` gives every figure with its interval, n,
weighted N, design effect and disclosure-control flag; ``methods_summary`` the figures a methods
section needs. See ``docs/analysis.md``.

The package is also a (model-less) app, so that its background job registers in every process;
the names below are therefore imported on first use, once the app registry is ready.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jusoor.surveys.analysis.compare import run_crosstab, run_difference
    from jusoor.surveys.analysis.core import (
        catalogue,
        run_analysis,
        threshold_default,
        weighting_problem,
    )
    from jusoor.surveys.analysis.errors import AnalysisError
    from jusoor.surveys.analysis.methods import methods_summary
    from jusoor.surveys.analysis.results import (
        AnalysisResult,
        CrossTabResult,
        DifferenceResult,
        QuestionTable,
        TableRow,
    )

_WHERE = {
    "catalogue": "core",
    "methods_summary": "methods",
    "run_analysis": "core",
    "run_crosstab": "compare",
    "run_difference": "compare",
    "threshold_default": "core",
    "weighting_problem": "core",
    "AnalysisError": "errors",
    "AnalysisResult": "results",
    "CrossTabResult": "results",
    "DifferenceResult": "results",
    "QuestionTable": "results",
    "TableRow": "results",
}

__all__ = [
    "AnalysisError",
    "AnalysisResult",
    "CrossTabResult",
    "DifferenceResult",
    "QuestionTable",
    "TableRow",
    "catalogue",
    "methods_summary",
    "run_analysis",
    "run_crosstab",
    "run_difference",
    "threshold_default",
    "weighting_problem",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        module = importlib.import_module(f"jusoor.surveys.analysis.{_WHERE[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
