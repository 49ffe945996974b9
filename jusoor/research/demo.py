"""The research part of the demo: the codebook, the dozen key-informant interviews coded, the
mayors' meeting takeaways cut into segments with suggested codes, a dozen findings from the
synthetic survey (each flagged synthetic, linked to the results framework, published) and the
research report presented at the Ramadi conference.

``load_research_demo(project)`` runs after the survey and events demos and can run any number of
times: what exists is kept (a finding once published keeps its snapshot).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jusoor.events.models import Event, Takeaway
from jusoor.programmes.models import Project, ResultNode
from jusoor.research import services
from jusoor.research.models import (
    Code,
    EvidenceKind,
    Finding,
    FindingStatus,
    ResearchReport,
)
from jusoor.research.sources import get_source
from jusoor.surveys import demo as survey_demo
from jusoor.surveys.models import Form

# Codes of each answer of the interview guide, by the template the synthetic interview used.
KII_CODES: list[dict[str, list[str]]] = [
    {
        "causes_text": ["unemployment", "injustice"],
        "challenges_text": ["coordination"],
        "solutions_text": ["youth_jobs"],
        "commitment": ["youth_centres"],
    },
    {
        "causes_text": ["propaganda", "education"],
        "challenges_text": ["resources"],
        "solutions_text": ["awareness"],
        "commitment": ["awareness"],
    },
    {
        "causes_text": ["sectarianism"],
        "challenges_text": ["reconciliation_gap"],
        "solutions_text": ["reconciliation"],
        "commitment": ["reconciliation"],
    },
    {
        "causes_text": ["poverty", "basic_services"],
        "challenges_text": ["resources"],
        "solutions_text": ["reconstruction"],
        "commitment": ["reconstruction"],
    },
]

SURVEY_NODE = "A survey of 500 participants"
MEETINGS_NODE = "Meetings were held with the mayors"
RESULT_NODE = "A knowledge and practical resource"

# (key, kind, parameters, Arabic statement, English statement, nodes). Statements are filled from
# the snapshot: {overall}, {high} / {high_group}, {low} / {low_group}.
FINDINGS: list[tuple[str, str, dict[str, Any], str, str, list[str]]] = [
    (
        "unemployment-by-area",
        EvidenceKind.ESTIMATE,
        {"question": "views/causes", "category": "unemployment", "breakdown": "area"},
        "يرى {overall}% من المستجيبين أن البطالة من أسباب التطرف العنيف، من {low}% في {low_group} إلى {high}% في {high_group}.",
        "{overall}% of respondents name unemployment as a cause of violent extremism, from {low}% in {low_group} to {high}% in {high_group}.",
        [SURVEY_NODE, RESULT_NODE],
    ),
    (
        "unemployment-by-age",
        EvidenceKind.ESTIMATE,
        {"question": "views/causes", "category": "unemployment", "breakdown": "age_band"},
        "الشباب أكثر من غيرهم ذكراً للبطالة سبباً للتطرف: {high}% في الفئة {high_group} مقابل {low}% في الفئة {low_group}.",
        "The young name unemployment more often: {high}% of those aged {high_group} against {low}% of those aged {low_group}.",
        [SURVEY_NODE],
    ),
    (
        "injustice-by-area",
        EvidenceKind.ESTIMATE,
        {"question": "views/causes", "category": "injustice", "breakdown": "area"},
        "الشعور بالظلم والتهميش يذكره {overall}% من المستجيبين، وأعلى نسبة في {high_group} ({high}%).",
        "A feeling of injustice and marginalisation is named by {overall}% of respondents, most in {high_group} ({high}%).",
        [SURVEY_NODE, RESULT_NODE],
    ),
    (
        "propaganda-by-age",
        EvidenceKind.ESTIMATE,
        {"question": "views/causes", "category": "online_propaganda", "breakdown": "age_band"},
        "الدعاية على الإنترنت يذكرها {high}% من الفئة {high_group} و{low}% من الفئة {low_group}.",
        "Online propaganda is named by {high}% of those aged {high_group} and {low}% of those aged {low_group}.",
        [SURVEY_NODE],
    ),
    (
        "poverty-by-sex",
        EvidenceKind.ESTIMATE,
        {"question": "views/causes", "category": "poverty", "breakdown": "sex"},
        "يذكر الفقرَ سبباً {overall}% من المستجيبين: {f}% من النساء و{m}% من الرجال.",
        "Poverty is named as a cause by {overall}% of respondents: {f}% of women and {m}% of men.",
        [SURVEY_NODE],
    ),
    (
        "revenge-by-area",
        EvidenceKind.ESTIMATE,
        {"question": "views/causes", "category": "revenge", "breakdown": "area"},
        "الثأر والانتقام سبب يذكره {overall}% إجمالاً و{high}% في {high_group}.",
        "Revenge is named by {overall}% overall and by {high}% in {high_group}.",
        [SURVEY_NODE],
    ),
    (
        "jobs-need-by-age",
        EvidenceKind.ESTIMATE,
        {"question": "views/needs", "category": "jobs", "breakdown": "age_band"},
        "فرص العمل أول ما يحتاجه المجتمع عند {overall}% من المستجيبين، و{high}% في الفئة {high_group}.",
        "Jobs are among the community's first needs for {overall}% of respondents, and {high}% of those aged {high_group}.",
        [SURVEY_NODE, RESULT_NODE],
    ),
    (
        "youth-spaces-by-sex",
        EvidenceKind.ESTIMATE,
        {"question": "views/needs", "category": "youth_spaces", "breakdown": "sex"},
        "يطلب {overall}% من المستجيبين مساحات للشباب: {m}% من الرجال و{f}% من النساء.",
        "{overall}% of respondents ask for spaces for young people: {m}% of men and {f}% of women.",
        [SURVEY_NODE],
    ),
    (
        "dialogue-by-age",
        EvidenceKind.ESTIMATE,
        {"question": "dialogue", "category": "yes", "breakdown": "age_band"},
        "يود {overall}% من المستجيبين المشاركة في حوار مجتمعي، وأعلى نسبة بين الفئة {high_group} ({high}%).",
        "{overall}% of respondents would join a community dialogue, most of those aged {high_group} ({high}%).",
        [SURVEY_NODE, RESULT_NODE],
    ),
    (
        "hate-online-by-age",
        EvidenceKind.CROSSTAB,
        {"rows": "demographics/age_band", "cols": "hate_speech/hate_online"},
        "تكرار مصادفة خطاب الكراهية على الإنترنت يختلف بحسب العمر: الشباب يصادفونه أكثر.",
        "How often people meet hate speech online differs by age: the young meet it more.",
        [SURVEY_NODE],
    ),
    (
        "kii-causes",
        EvidenceKind.QUOTES,
        {"codes": ["unemployment", "injustice", "sectarianism"], "limit": 3},
        "يربط المعنيون الرئيسيون التطرف بالبطالة والتهميش والثارات القديمة.",
        "Key informants link extremism to unemployment, marginalisation and old feuds.",
        [MEETINGS_NODE, SURVEY_NODE],
    ),
    (
        "kii-solutions",
        EvidenceKind.QUOTES,
        {"codes": ["youth_jobs", "reconciliation", "awareness"], "limit": 3},
        "الحلول التي يقترحها المعنيون: تشغيل الشباب ولجان المصالحة والتوعية في المدارس.",
        "The solutions key informants propose: jobs for young people, reconciliation committees and awareness in schools.",
        [MEETINGS_NODE, RESULT_NODE],
    ),
]


def _code_interviews(project: Project, codes: dict[str, Code]) -> int:
    kii = Form.objects.filter(project=project, form_id=survey_demo.KII_FORM_ID).first()
    if kii is None:
        return 0
    done = 0
    for index in range(survey_demo.KII_INTERVIEWS):
        instance = f"uuid:{survey_demo.uuid.uuid5(survey_demo.NAMESPACE, f'{survey_demo.KII_FORM_ID}-{index}')}"
        submission = kii.submissions.filter(instance_id=instance).first()
        if submission is None:
            continue
        for path, keys in KII_CODES[index % len(KII_CODES)].items():
            source = get_source(project, "answer", submission.pk, path)
            if source is None:
                continue
            segment = services.create_segment(None, project, source, 0, len(source.text))
            services.set_codes(None, segment, [codes[k] for k in keys], replace=False)
            done += 1
    return done


def _segment_takeaways(project: Project) -> None:
    """The mayors' meetings' takeaways, cut into segments and left to the suggestions."""
    for takeaway in Takeaway.objects.filter(meeting__project=project).order_by("pk"):
        source = get_source(project, "takeaway", takeaway.pk)
        if source is not None:
            services.create_segment(None, project, source, 0, len(source.text))


def _fill(template: str, snapshot: dict[str, Any], language: str) -> str:
    rows = [
        r
        for r in snapshot.get("rows", [])
        if not r.get("suppressed") and r.get("estimate") is not None
    ]
    overall = (snapshot.get("overall") or {}).get("estimate")
    if not rows:
        return template.format(
            overall=overall, f="—", m="—", high="—", low="—", high_group="—", low_group="—"
        )
    high = max(rows, key=lambda r: r["estimate"])
    low = min(rows, key=lambda r: r["estimate"])
    by_group = {r["group"]: f"{r['estimate']:g}" for r in rows}
    return template.format(
        f=by_group.get("f", "—"),
        m=by_group.get("m", "—"),
        overall=f"{overall:g}" if overall is not None else "—",
        high=f"{high['estimate']:g}",
        low=f"{low['estimate']:g}",
        high_group=high["label"][language],
        low_group=low["label"][language],
    )


def _nodes(project: Project, starts: list[str]) -> list[ResultNode]:
    return [n for s in starts for n in project.nodes.filter(title_en__startswith=s)[:1]]


def _findings(project: Project) -> None:
    form_id = survey_demo.FORM_ID
    for order, (key, kind, parameters, ar, en, nodes) in enumerate(FINDINGS):
        if Finding.objects.filter(project=project, key=key).exists():
            continue
        params = dict(parameters)
        if kind != EvidenceKind.QUOTES:
            params.update({"form": form_id, "weighted": True})
        finding = Finding(project=project, key=key, order=order, statement_ar=ar, statement_en=en)
        services.save_finding(None, finding, _nodes(project, nodes))
        item = services.add_evidence(None, finding, kind, params)
        if kind == EvidenceKind.ESTIMATE:
            finding.statement_ar = _fill(ar, item.snapshot, "ar")
            finding.statement_en = _fill(en, item.snapshot, "en")
            services.save_finding(None, finding, _nodes(project, nodes))
        services.set_status(None, finding, FindingStatus.REVIEWED)
        services.set_status(None, finding, FindingStatus.PUBLISHED)


@transaction.atomic
def load_research_demo(project: Project) -> dict[str, int]:
    codebook = services.ensure_codebook(project)
    codes = {c.key: c for c in codebook.codes.exclude(key="")}
    coded = _code_interviews(project, codes)
    _segment_takeaways(project)
    suggestions = services.generate_suggestions(None, project)
    if Form.objects.filter(project=project, form_id=survey_demo.FORM_ID).exists():
        _findings(project)
    conference = Event.objects.filter(slug="ramadi-prevention-conference-2023").first()
    ResearchReport.objects.update_or_create(
        project=project,
        defaults={
            "title_ar": "أسباب التطرف العنيف واحتياجات المجتمع في الأنبار — تقرير البحث (بيانات تجريبية)",
            "title_en": "Causes of violent extremism and community needs in Anbar — research report (synthetic data)",
            "introduction_ar": "يعرض هذا التقرير نتائج استبيان شمل 500 مشارك من عشر مناطق في الأنبار ومقابلات مع معنيين رئيسيين، وقد قُدّم في مؤتمر الرمادي. البيانات في هذا العرض تجريبية مولّدة.",
            "introduction_en": "This report presents the results of a survey of 500 participants in ten areas of Anbar and of key-informant interviews; it was presented at the Ramadi conference. The data in this demonstration are synthetic.",
            "presented_at": conference,
        },
    )
    return {"coded": coded, "suggestions": suggestions}
