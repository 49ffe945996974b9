"""Small builders for research tests (also used by the URL × role table)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from jusoor.conftest import World
from jusoor.events.models import Meeting
from jusoor.research import services
from jusoor.research.models import Code, Finding, FindingStatus, Segment, Suggestion
from jusoor.research.sources import get_source
from jusoor.surveys import demo as survey_demo
from jusoor.surveys import services as survey_services
from jusoor.surveys.models import Form

NAMESPACE = uuid.UUID("5b0f7e64-1d1c-4c55-9d8e-3e0c2f1a7b20")

INTERVIEWS = [
    {
        "interviewee": "أحمد عبد الله الدليمي",
        "role": "mayor",
        "area": "IQG01Q03N03",
        "causes_text": "قال أحمد الدليمي إن البطالة بين الشباب وشعورهم بالتهميش سبب رئيسي.",
        "challenges_text": "ضعف التنسيق بين الدوائر.",
        "solutions_text": "مشاريع تشغيل للشباب بالتعاون مع القطاع الخاص.",
    },
    {
        "interviewee": "خالد حسين العيساوي",
        "role": "tribal",
        "area": "IQG01Q01N03",
        "causes_text": "الثارات القديمة والخطاب الطائفي، اتصلوا بي على 07701234567.",
        "challenges_text": "غياب المصالحة المجتمعية.",
        "solutions_text": "لجان مصالحة عشائرية برعاية الحكومة المحلية.",
    },
    {
        "interviewee": "سعاد محمود",
        "role": "official",
        "area": "IQG01Q03N03",
        "causes_text": "البطالة والفقر في القرى البعيدة.",
        "challenges_text": "قلة التخصيصات.",
        "solutions_text": "فرص عمل للشباب العاطلين.",
    },
]


def kii_form(world: World) -> Form:
    """The demo key-informant guide with three interviews that name people and a phone."""
    form = Form.objects.filter(project=world.project, form_id=survey_demo.KII_FORM_ID).first()
    if form is None:
        form = survey_services.upload_form(
            None,
            world.project,
            survey_demo.build_kii_xlsform(),
            "kii.xlsx",
            key_informant=True,
        ).form
        rows = [
            (
                f"uuid:{uuid.uuid5(NAMESPACE, str(i))}",
                {"start": "2023-08-03T10:00:00.000+03:00", **answers},
                dt.datetime(2023, 8, 3 + i, 9, tzinfo=dt.UTC),
            )
            for i, answers in enumerate(INTERVIEWS)
        ]
        survey_demo._add_synthetic(form, form.current_version, rows)
    return form


def interview(world: World, index: int = 0):  # type: ignore[no-untyped-def]
    form = kii_form(world)
    return form.submissions.get(instance_id=f"uuid:{uuid.uuid5(NAMESPACE, str(index))}")


def code(world: World, key: str = "unemployment") -> Code:
    return services.ensure_codebook(world.project).codes.get(key=key)


def segment(world: World, index: int = 0, path: str = "causes_text") -> Segment:
    source = get_source(world.project, "answer", interview(world, index).pk, path)
    assert source is not None
    return services.create_segment(None, world.project, source, 0, len(source.text))


def coded_world(world: World) -> dict[str, Any]:
    """Two interviews' causes coded unemployment, a third passage left for suggestions."""
    first, second = segment(world, 0), segment(world, 2)
    services.set_codes(None, first, [code(world, "unemployment"), code(world, "injustice")])
    services.set_codes(None, second, [code(world, "unemployment"), code(world, "poverty")])
    uncoded = segment(world, 2, "solutions_text")
    return {"first": first, "second": second, "uncoded": uncoded}


def minutes_meeting(world: World) -> Meeting:
    meeting, _ = Meeting.objects.get_or_create(
        organisation=world.shams,
        title="اجتماع مع قائممقام الرمادي",
        defaults={
            "date": dt.date(2023, 8, 5),
            "project": world.project,
            "minutes": "ناقش الحاضرون البطالة بين الشباب وضعف الخدمات الأساسية.",
        },
    )
    return meeting


def table_segment(world: World) -> Segment:
    return coded_world(world)["first"]


def table_suggestion(world: World) -> Suggestion:
    coded_world(world)
    services.generate_suggestions(None, world.project)
    return Suggestion.objects.filter(segment__project=world.project).first()  # type: ignore[return-value]


def published_finding(world: World) -> Finding:
    coded_world(world)
    finding = Finding(
        project=world.project,
        statement_ar="يربط المعنيون التطرف بالبطالة",
        statement_en="Key informants link extremism to unemployment",
    )
    services.save_finding(None, finding, [world.result])
    services.add_evidence(None, finding, "quotes", {"codes": ["unemployment"], "limit": 3})
    services.set_status(None, finding, FindingStatus.REVIEWED)
    services.set_status(None, finding, FindingStatus.PUBLISHED)
    return finding


def draft_finding(world: World) -> Finding:
    finding = Finding(project=world.project, statement_ar="مسودة نتيجة", statement_en="A draft")
    return services.save_finding(None, finding, [])


def survey_form(world: World, respondents: int = 80) -> Form:
    """The demo questionnaire with its first ``respondents`` synthetic respondents."""
    import random

    form = Form.objects.filter(project=world.project, form_id=survey_demo.FORM_ID).first()
    if form is None:
        form = survey_services.upload_form(
            None, world.project, survey_demo.build_xlsform(), "survey.xlsx"
        ).form
        rng = random.Random(survey_demo.SEED)
        start = dt.datetime(2023, 8, 5, 6, tzinfo=dt.UTC)
        rows = [
            (
                survey_demo.instance_id(i),
                survey_demo.respondent(i, rng),
                start + dt.timedelta(minutes=7 * i),
            )
            for i in range(respondents)
        ]
        survey_demo._add_synthetic(form, form.current_version, rows)
    return form
