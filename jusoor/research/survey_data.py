"""Survey figures for findings, through the survey app's analysis (``jusoor.surveys.analysis``).

``run_analysis`` and ``run_crosstab`` give the estimates with their intervals, n and disclosure
flags (weighted by raking to the project's population figures when the form and the project
allow it, unweighted otherwise, and the snapshot says why); this module turns them into plain,
bilingual snapshots (both languages' labels) with suppressed figures stripped of their numbers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Max

from jusoor.surveys.models import Form, Submission, SubmissionStatus
from jusoor.surveys.xlsform import label_of, language_for

BREAKDOWNS = ("area", "sex", "age_band")


def is_single(question: dict[str, Any]) -> bool:
    kind = question.get("type", "")
    return kind == "select one" or kind.startswith("select_one")


def is_multiple(question: dict[str, Any]) -> bool:
    kind = question.get("type", "")
    return kind == "select all that apply" or kind.startswith("select_multiple")


@dataclass
class FormData:
    form: Form
    questions: dict[str, dict[str, Any]]
    answers: list[dict[str, Any]]
    groups: dict[str, str]  # area / sex / age_band -> question path
    languages: list[str]
    synthetic: bool

    def labels(self, item: dict[str, Any]) -> dict[str, str]:
        return {code: label_of(item, language_for(self.languages, code)) for code in ("ar", "en")}


def _rows(form: Form):  # type: ignore[no-untyped-def]
    return form.submissions.filter(is_current=True).exclude(status=SubmissionStatus.REJECTED)


def fingerprint(form: Form) -> str:
    """Changes when a submission is added, replaced, rejected or edited."""
    agg = _rows(form).aggregate(last=Max("pk"))
    count = _rows(form).count()
    return hashlib.sha256(f"{form.pk}:{count}:{agg['last']}".encode()).hexdigest()[:16]


def load(form: Form) -> FormData:
    version = form.current_version
    questions = {q["path"]: q for q in (version.questions if version else [])}
    groups = {}
    for q in questions.values():
        if q["name"] in BREAKDOWNS and q["name"] not in groups:
            groups[q["name"]] = q["path"]
    rows = list(_rows(form).order_by("pk").values_list("answers", "synthetic"))
    return FormData(
        form=form,
        questions=questions,
        answers=[a for a, _s in rows],
        groups=groups,
        languages=version.languages if version else [],
        synthetic=any(s for _a, s in rows),
    )


def _weighted(form: Form, weighted: bool) -> tuple[bool, str]:
    """Whether the figures can be weighted, and why not (translated) when they cannot."""
    from jusoor.surveys.analysis import weighting_problem

    if not weighted:
        return False, ""
    problem = weighting_problem(form)
    return problem is None, problem or ""


def _percent(x: float | None) -> float | None:
    return None if x is None else round(x * 100)


def _method(result: Any, why_not: str) -> dict[str, Any]:
    return {
        "weighted": result.weighting != "none",
        "weighting": result.weighting,
        "n": result.analysed,
        "respondents": result.respondents,
        "not_weighted_because": why_not,
        "computed_by": "jusoor.surveys.analysis.run_analysis",
    }


def estimate(
    data: FormData, path: str, category: str, breakdown: str, weighted: bool
) -> dict[str, Any]:
    """The share choosing ``category`` of ``path`` overall and by ``breakdown``, as it may be
    published (suppressed figures without numbers), labelled in Arabic and English."""
    from jusoor.surveys.analysis import run_analysis

    use_weights, why_not = _weighted(data.form, weighted)
    results = {
        language: run_analysis(
            data.form, [path], [breakdown] if breakdown else [], use_weights, language=language
        ).released()
        for language in ("ar", "en")
    }
    tables = {language: result.tables[0] for language, result in results.items()}
    wanted = {
        language: [r for r in table.rows if r.category == category and r.is_share]
        for language, table in tables.items()
    }
    overall, rows = None, []
    for ar, en in zip(wanted["ar"], wanted["en"], strict=True):
        row = {
            "estimate": _percent(ar.estimate),
            "ci_low": _percent(ar.ci_low),
            "ci_high": _percent(ar.ci_high),
            "n": ar.n if not ar.suppressed else None,
            "suppressed": ar.suppressed,
        }
        if not ar.domain:
            overall = row
        else:
            rows.append(
                {
                    "group": ar.domain[0][1],
                    "label": {"ar": ar.domain_labels[0], "en": en.domain_labels[0]},
                    **row,
                }
            )
    first = {language: w[0] if w else None for language, w in wanted.items()}
    return {
        "question": {language: tables[language].label for language in tables},
        "category": {
            language: (first[language].category_label if first[language] else category)
            for language in tables
        },
        "statistic": "percent",
        "breakdown": breakdown,
        "overall": overall,
        "rows": rows,
        "method": _method(results["ar"], why_not),
        "threshold": results["ar"].threshold,
        "synthetic": bool(results["ar"].synthetic),
        "computed_at": results["ar"].computed_at,
    }


def crosstab(data: FormData, row_path: str, col_path: str, weighted: bool) -> dict[str, Any]:
    """Row percentages of ``col_path`` within each answer of ``row_path``, with the Rao–Scott
    test; figures describing fewer than the threshold (and those that give them away) hidden."""
    from jusoor.surveys.analysis import run_crosstab

    use_weights, why_not = _weighted(data.form, weighted)
    results = {
        language: run_crosstab(data.form, row_path, col_path, use_weights, language=language)
        for language in ("ar", "en")
    }
    tables = {
        language: [r.released() for r in result.table.rows] for language, result in results.items()
    }
    columns: dict[str, dict[str, str]] = {}
    for language, table_rows in tables.items():
        for r in table_rows:
            columns.setdefault(str(r.category), {})[language] = r.category_label
    order = list(columns)
    groups: dict[str, dict[str, Any]] = {}
    for ar, en in zip(tables["ar"], tables["en"], strict=True):
        if not ar.domain:
            continue
        level = ar.domain[0][1]
        group = groups.setdefault(
            level,
            {
                "group": level,
                "label": {"ar": ar.domain_labels[0], "en": en.domain_labels[0]},
                "cells": {},
                "n": ar.n if not ar.suppressed else None,
            },
        )
        group["cells"][str(ar.category)] = {
            "percent": _percent(ar.estimate),
            "n": ar.n_category if not ar.suppressed else None,
            "suppressed": ar.suppressed,
        }
        if not ar.suppressed and ar.n:
            group["n"] = ar.n
    rows = []
    for group in groups.values():
        cells = [
            group["cells"].get(c, {"percent": None, "n": None, "suppressed": True}) for c in order
        ]
        rows.append({**group, "cells": cells, "n": group["n"] if group["n"] is not None else ""})
    result = results["ar"]
    return {
        "row_question": {language: results[language].row_label for language in results},
        "col_question": {language: results[language].column_label for language in results},
        "columns": [columns[c] for c in order],
        "rows": rows,
        "test": {
            "f": round(result.f_statistic, 2),
            "ndf": round(result.ndf, 2),
            "ddf": round(result.ddf, 1),
            "p_value": float(f"{result.p_value:.3g}"),
        },
        "method": {
            "weighted": result.weighted,
            "n": result.analysed,
            "not_weighted_because": why_not,
            "computed_by": "jusoor.surveys.analysis.run_crosstab",
        },
        "threshold": settings.SMALL_CELL_THRESHOLD,
        "synthetic": data.synthetic,
    }


def methods(form: Form, weighted: bool = True) -> dict[str, Any]:
    """What the report's methods section says about a survey: sample, areas, weighting and
    margin of error (from ``jusoor.surveys.analysis.methods_summary``), and how many women."""
    from jusoor.surveys.analysis import methods_summary

    use_weights, why_not = _weighted(form, weighted)
    summary = methods_summary(form, use_weights)
    data = load(form)
    women = 0
    if "sex" in data.groups:
        women = sum(1 for a in data.answers if a.get(data.groups["sex"]) in ("f", "female"))
    return {
        "form": form.title,
        "n": summary["analysed"],
        "areas": len(summary["areas"]),
        "women": women,
        "weighted": summary["weighting"] != "none",
        "population": round(summary["population"]) if summary["population"] else None,
        "margin_of_error": round(100 * summary["margin_of_error"], 1),
        "not_weighted_because": why_not,
        "synthetic": bool(summary["synthetic"]),
        "collected": _collected(form),
    }


def _collected(form: Form) -> list[str]:
    dates = list(
        Submission.objects.filter(form=form, is_current=True)
        .exclude(status=SubmissionStatus.REJECTED)
        .order_by("received_at")
        .values_list("received_at", flat=True)
    )
    if not dates:
        return []
    return [dates[0].date().isoformat(), dates[-1].date().isoformat()]
