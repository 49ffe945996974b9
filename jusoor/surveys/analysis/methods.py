"""The figures a methods section needs: sample, areas, weighting, margin of error, design df."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from django.utils import translation
from django.utils.translation import gettext as _

from jusoor.engines.stats.kernel import t_quantile
from jusoor.surveys.analysis import columns as cols
from jusoor.surveys.analysis.core import prepare, threshold_default, variable_codes
from jusoor.surveys.models import Form

# --- for a methods section ------------------------------------------------------------------


def methods_summary(
    form: Form, weighted: bool, *, language: str = "ar", stratify: bool = False
) -> dict[str, Any]:
    """Sample size, areas, weighting, typical margin of error and design df, in plain values
    (and a sentence for people in ``language``)."""
    with translation.override(language):
        prep = prepare(
            form, [], [], weighted, language=language, stratify=stratify, lonely_psu="adjust"
        )
        w = prep.design.weights
        n = int(w.shape[0])
        kish = float(n * (w**2).sum() / w.sum() ** 2)
        effective = n / kish
        df = max(prep.design.df, 1)
        q, _no = t_quantile(np.array([df]), 0.05)
        moe = float(q[0]) * math.sqrt(0.25 * kish / n)
        areas = []
        if "area" in prep.cat.variables:
            data = cols.load(form, [prep.cat.variables["area"].question])
            codes, names, labels = variable_codes(prep.cat, data, "area")
            counts = np.bincount(codes[codes >= 0], minlength=len(names))
            areas = [
                {"code": names[i], "label": labels[i], "n": int(counts[i])}
                for i in range(len(names))
                if counts[i]
            ]
        method = (
            _(
                "Weights raked to the population of the project's target areas by area, sex and "
                "age band."
            )
            if weighted
            else _("Unweighted: every respondent counts the same.")
        )
        text = _(
            "%(n)d respondents in %(areas)d areas. %(method)s Typical margin of error for a share "
            "of the whole sample: ±%(moe).1f points (95%% confidence, design effect of the weights "
            "%(deff).2f, %(df)d degrees of freedom)."
        ) % {
            "n": n,
            "areas": len(areas),
            "method": method,
            "moe": moe * 100,
            "deff": kish,
            "df": prep.design.df,
        }
        return {
            "respondents": prep.data.rows,
            "analysed": n,
            "synthetic": prep.data.synthetic,
            "areas": areas,
            "weighting": "raking" if weighted else "none",
            "weighting_margins": ["area", "sex", "age_band"] if weighted else [],
            "population": float(w.sum()) if weighted else None,
            "weighting_deff": kish,
            "effective_sample_size": effective,
            "margin_of_error": moe,
            "confidence": 0.95,
            "design_df": prep.design.df,
            "stratified": prep.stratified,
            "clustered": prep.clustered,
            "threshold": threshold_default(),
            "text": text,
            "warnings": prep.warnings,
        }
