"""What went wrong in an analysis, said for people: what is wrong, and what to do about it.

The statistics engine raises ``StatsError`` subclasses with a machine-readable ``code`` and
``params``; :func:`explain` turns them into a translated :class:`AnalysisError`. An analysis never
shows a NaN or a traceback instead.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from jusoor.engines.stats.errors import StatsError


class AnalysisError(ValueError):
    """A problem with the data or the choices that stops an analysis.

    ``message`` says what is wrong and ``advice`` what to do, both in the language the analysis
    was run in; ``code`` is stable for programs.
    """

    def __init__(self, code: str, message: str, advice: str = "", **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.advice = advice
        self.params = params

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "advice": self.advice}


def _names(values: Any, limit: int = 6) -> str:
    items = [str(v) for v in (values or [])]
    shown = (
        "، ".join(items[:limit]) if translation.get_language() == "ar" else ", ".join(items[:limit])
    )
    return shown + (" …" if len(items) > limit else "")


def _rows(params: dict[str, Any]) -> str:
    # Engine rows are 0-based positions in the analysed submissions; people count from 1.
    return _names([int(r) + 1 for r in params.get("rows") or []])


def explain(exc: StatsError, context: dict[str, str] | None = None) -> AnalysisError:
    """A translated explanation of an engine error. ``context`` names variables for people
    (``{"area": "المنطقة"}``)."""
    context = context or {}
    p = exc.params
    variable = context.get(str(p.get("variable") or p.get("column") or ""), "")
    code = exc.code
    if code == "weights_nonpositive":
        return AnalysisError(
            code,
            _("%(count)s respondents have a weight of zero or less (rows %(rows)s).")
            % {"count": p.get("count"), "rows": _rows(p)},
            _(
                "Every respondent needs a positive weight. Check the population figures of the "
                "target areas, or remove these respondents from the analysis."
            ),
        )
    if code in ("weights_missing", "weights_infinite"):
        return AnalysisError(
            code,
            _("Some weights could not be computed (rows %(rows)s).") % {"rows": _rows(p)},
            _("Check the population figures of the target areas, or analyse without weights."),
        )
    if code == "single_psu_stratum":
        return AnalysisError(
            code,
            _(
                "These areas have only one cluster, so the precision of their estimates cannot "
                "be measured: %(strata)s."
            )
            % {"strata": _names(context.get(f"stratum:{s}", s) for s in p.get("strata") or [])},
            _(
                "Collect in at least two clusters in each area, analyse without strata, or "
                "choose how to treat areas with one cluster (as certain: no variance; or "
                "centred on the average: conservative)."
            ),
        )
    if code == "design_missing":
        return AnalysisError(
            code,
            _("%(variable)s is missing for some respondents (rows %(rows)s).")
            % {"variable": variable or _("A design variable"), "rows": _rows(p)},
            _("Complete these answers in the submissions, or analyse without strata or clusters."),
        )
    if code == "margin_category_missing":
        return AnalysisError(
            code,
            _(
                "Respondents answered %(variable)s = %(categories)s, but the population "
                "figures have no number for it."
            )
            % {
                "variable": variable or p.get("variable"),
                "categories": _names(p.get("categories")),
            },
            _(
                "Add this area to the project's target areas with its population by sex and age "
                "band, or analyse without weights."
            ),
        )
    if code == "margin_category_absent":
        return AnalysisError(
            code,
            _(
                "The population figures have %(variable)s = %(categories)s, but no respondent "
                "answered it, so the weights cannot represent them."
            )
            % {
                "variable": variable or p.get("variable"),
                "categories": _names(p.get("categories")),
            },
            _(
                "Collect responses there, remove it from the project's target areas, or analyse "
                "without weights."
            ),
        )
    if code in ("margin_total_invalid", "margin_total_mismatch", "margin_columns_mismatch"):
        return AnalysisError(
            code,
            _("The population figures do not add up to one population."),
            _("Check the population figures of every target area (by sex and age band)."),
        )
    if code == "raking_not_converged":
        return AnalysisError(
            code,
            _("The weights could not be made to match the population figures."),
            _(
                "Some combinations of area, sex and age band have no respondent. Merge small "
                "age bands, or analyse without weights."
            ),
        )
    if code in ("crosstab_too_small", "crosstab_degenerate"):
        return AnalysisError(
            code,
            _("This cross-tabulation cannot be tested: it needs at least two answers each way.")
            if code == "crosstab_too_small"
            else _("This cross-tabulation cannot be tested: the sample gives it no variation."),
            _("Choose other questions, or more respondents."),
        )
    if code in ("empty_domain", "unknown_domain_level"):
        return AnalysisError(
            code,
            _("One of the two groups has no respondents who answered this question."),
            _("Choose two groups that both answered."),
        )
    return AnalysisError(
        code,
        _("The analysis could not be computed (%(code)s).") % {"code": code},
        _("Check the answers of the questions chosen, or choose fewer breakdowns."),
    )
