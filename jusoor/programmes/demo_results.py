"""The demo's indicators counted from the demo's own records.

Called at the end of ``load_demo``, once the survey, the meetings and the conference exist: the
indicators that the data can answer become computed (respondents from the survey, meetings with
the mayors, conference participants, women among them, the share of respondents naming
unemployment as a cause), and the period is computed again before it is approved, as an M&E
officer would do before submitting it.
"""

from __future__ import annotations

from decimal import Decimal

from jusoor.programmes.models import (
    Indicator,
    IndicatorTarget,
    PeriodStatus,
    Project,
    ReportingPeriod,
)
from jusoor.programmes.services import recompute_indicator

# code → (computation, parameters besides the form)
COMPUTED = {
    "1.1.1a": ("meetings_held", {"target_group": "government_official"}),
    "1.1.2a": ("survey_respondents", {}),
    "2.1.1a": ("unique_attendees", {}),
}

# (node code of the existing indicator it sits beside, code, ar, en, unit ar, unit en,
#  computation, parameters, disaggregations, target, headline)
EXTRA = [
    (
        "2.1.1a",
        "2.1.1b",
        "عدد النساء المشاركات في المؤتمر",
        "Women who took part in the conference",
        "امرأة",
        "women",
        "unique_attendees",
        {"sex": "f"},
        ["age_band", "target_group"],
        80,
        True,
    ),
    (
        "1.1.2a",
        "1.1.2c",
        "نسبة المستطلعين الذين يرون البطالة سبباً للتطرف العنيف",
        "Share of respondents who name unemployment as a cause of violent extremism",
        "%",
        "%",
        "survey_share",
        {"question": "views/causes", "answers": ["unemployment"], "weighted": True},
        ["sex", "age_band"],
        None,
        False,
    ),
    (
        "2.1.1a",
        "2.1.3a",
        "عدد الالتزامات المنجزة من حلول المؤتمر",
        "Commitments from the conference's solutions completed",
        "التزام",
        "commitments",
        "commitments_completed",
        {},
        [],
        3,
        False,
    ),
]


def load_results_demo(project: Project) -> int:
    from jusoor.surveys.demo import FORM_ID
    from jusoor.surveys.models import Form

    form = Form.objects.filter(project=project, form_id=FORM_ID).first()
    indicators = {i.code: i for i in Indicator.objects.filter(node__project=project)}
    computed = []
    for code, (key, params) in COMPUTED.items():
        indicator = indicators.get(code)
        if indicator is None or (key.startswith("survey") and form is None):
            continue
        params = {**params, "form": form.pk} if key.startswith("survey") else params
        Indicator.objects.filter(pk=indicator.pk).update(
            computation=key, parameters=params, stale=True
        )
        computed.append(indicator.pk)
    period = ReportingPeriod.objects.filter(project=project, label="2023-08").first()
    for near, code, name_ar, name_en, unit_ar, unit_en, key, params, dims, target, head in EXTRA:
        if near not in indicators or (key.startswith("survey") and form is None):
            continue
        params = {**params, "form": form.pk} if key.startswith("survey") else params
        indicator, _ = Indicator.objects.update_or_create(
            node=indicators[near].node,
            code=code,
            defaults={
                "name_ar": name_ar,
                "name_en": name_en,
                "unit_ar": unit_ar,
                "unit_en": unit_en,
                "measure": "percentage" if key == "survey_share" else "count",
                "counts_people": key == "unique_attendees",
                "disaggregations": dims,
                "headline": head,
                "order": indicators[near].order,
                "computation": key,
                "parameters": params,
                "stale": True,
            },
        )
        computed.append(indicator.pk)
        if period is not None and target is not None:
            IndicatorTarget.objects.update_or_create(
                indicator=indicator, period=period, defaults={"value": Decimal(target)}
            )
    if period is None:
        return 0
    # Computed again before approval, as the period would be before it was submitted.
    status = period.status
    ReportingPeriod.objects.filter(pk=period.pk).update(status=PeriodStatus.OPEN)
    for indicator in Indicator.objects.filter(pk__in=computed).select_related("node__project"):
        recompute_indicator(indicator)
    ReportingPeriod.objects.filter(pk=period.pk).update(status=status)
    return len(computed)
