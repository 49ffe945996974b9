"""Forty demo resources for the library: toolkits, session guides, research summaries, the
conference report — in Arabic and English, some as generated PDF and Word files so that text
extraction runs. All are marked as demo content (``is_demo``) and say so on their pages.

``load_library_demo(project)`` can run again and again: a resource already there (same
organisation and English title) is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from jusoor.library import services
from jusoor.library.documents import make_docx, make_pdf
from jusoor.library.models import Resource, Visibility

# (kind, language, audience, themes, file, title_ar, title_en, summary_ar, summary_en)
ENTRIES: list[tuple[str, str, str, str, str, str, str, str, str]] = [
    (
        "toolkit",
        "ar",
        "youth",
        "prevention",
        "pdf",
        "حقيبة أدوات الوقاية من التطرف العنيف للشباب",
        "Youth toolkit for preventing violent extremism",
        "أنشطة قصيرة تساعد الشباب في الأنبار على التعرف على خطاب التطرف والرد عليه بالحوار.",
        "Short activities that help young people in Anbar recognise extremist messages and answer them through dialogue.",
    ),
    (
        "guide",
        "ar",
        "local_leaders",
        "social_cohesion",
        "docx",
        "دليل الميسّرين لجلسات الحوار المجتمعي",
        "Facilitators' guide to community dialogue sessions",
        "خطوات تحضير جلسة حوار آمنة، وقواعد المشاركة، وكيفية تسجيل الأسباب والتحديات والحلول.",
        "How to prepare a safe dialogue session, ground rules, and how to record causes, challenges and solutions.",
    ),
    (
        "research",
        "ar_en",
        "officials",
        "causes,research_methods",
        "pdf",
        "ملخص نتائج مسح أسباب التطرف في عشر مناطق من الأنبار",
        "Summary of the survey on the causes of extremism in ten areas of Anbar",
        "أجاب خمسمئة مشارك عن أسئلة حول البطالة والتهميش والثقة بالمؤسسات؛ البيانات تركيبية لأغراض العرض.",
        "Five hundred respondents answered on unemployment, marginalisation and trust in institutions; the data are synthetic, for the demo.",
    ),
    (
        "report",
        "ar_en",
        "officials",
        "prevention,social_cohesion",
        "pdf",
        "تقرير مؤتمر الوقاية والصد في الرمادي",
        "Report of the Prevention and Response Conference in Ramadi",
        "مئتا مشارك وثلاث جلسات عن الأسباب والتحديات والحلول، مع التوصيات والالتزامات التي خرج بها المؤتمر.",
        "Two hundred participants and three panels on causes, challenges and solutions, with the conference's recommendations and commitments.",
    ),
    (
        "training",
        "ar",
        "teachers",
        "education",
        "docx",
        "مادة تدريبية للمعلمين: التفكير النقدي في الصف",
        "Training for teachers: critical thinking in the classroom",
        "تمارين تساعد المعلمين والمعلمات على تعزيز التفكير النقدي ومواجهة الشائعات بين الطلبة.",
        "Exercises that help teachers build critical thinking and counter rumours among pupils.",
    ),
    (
        "guide",
        "ar",
        "religious_leaders",
        "religious_discourse",
        "pdf",
        "دليل خطباء المساجد لمواجهة الغلو",
        "Guide for mosque preachers on countering religious extremism",
        "نماذج خطب ورسائل تدعو إلى التسامح والاعتدال، أعدت بالتشاور مع رجال الدين في المحافظة.",
        "Sample sermons and messages promoting tolerance and moderation, prepared with religious leaders of the governorate.",
    ),
    (
        "toolkit",
        "ar",
        "women",
        "gender,prevention",
        "docx",
        "حقيبة النساء صانعات السلام",
        "Women as peacebuilders: a toolkit",
        "أدوات لمجموعات النساء في الأحياء لرصد علامات التجنيد المبكر ودعم الأسر.",
        "Tools for neighbourhood women's groups to notice early signs of recruitment and support families.",
    ),
    (
        "policy",
        "en",
        "officials",
        "prevention",
        "",
        "ورقة سياسات: الخطة المحلية لمنع التطرف العنيف",
        "Policy brief: a local plan to prevent violent extremism",
        "توصيات للحكومة المحلية لدمج الوقاية في خطط البلديات.",
        "Recommendations for local government on building prevention into municipal plans.",
    ),
    (
        "media",
        "ar",
        "youth",
        "media,hate_speech",
        "",
        "سلسلة رسائل قصيرة ضد خطاب الكراهية على مواقع التواصل",
        "Short messages against hate speech on social media",
        "نصوص وصور جاهزة للنشر تردّ على التحريض بلغة محلية قريبة من الشباب.",
        "Ready-to-post texts and images that answer incitement in local language close to young people.",
    ),
    (
        "guide",
        "en",
        "local_leaders",
        "reintegration",
        "pdf",
        "دليل استقبال العائدين من المخيمات",
        "Guide to welcoming returnees from the camps",
        "خطوات للمختارين والوجهاء لتهيئة المجتمع لعودة الأسر النازحة.",
        "Steps for mukhtars and notables to prepare communities for the return of displaced families.",
    ),
]

# Thirty more, shorter: session guides, research notes and toolkits around the same programme.
SESSIONS = [
    (
        "الجلسة {n}: أسباب التطرف كما يراها المشاركون",
        "Session {n}: causes of extremism as participants see them",
        "causes",
    ),
    (
        "الجلسة {n}: التحديات أمام المصالحة المجتمعية",
        "Session {n}: challenges to community reconciliation",
        "social_cohesion",
    ),
    (
        "الجلسة {n}: حلول يقترحها الشباب والنساء",
        "Session {n}: solutions proposed by youth and women",
        "prevention",
    ),
]
NOTES = [
    ("البطالة والتهميش", "unemployment and marginalisation", "causes"),
    ("الثقة بالمؤسسات المحلية", "trust in local institutions", "causes"),
    ("دور المدرسة في الوقاية", "the school's role in prevention", "education"),
    ("الشائعات على الإنترنت", "rumours on the internet", "media"),
    ("عودة النازحين", "the return of displaced families", "reintegration"),
    ("التعايش السلمي بين العشائر", "peaceful coexistence between tribes", "social_cohesion"),
    ("مشاركة المرأة في الحياة العامة", "women's participation in public life", "gender"),
    ("الخطاب الديني المعتدل", "moderate religious discourse", "religious_discourse"),
    ("رصد خطاب الكراهية", "monitoring hate speech", "hate_speech"),
    ("قياس أثر البرنامج", "measuring the programme's impact", "research_methods"),
]
AUDIENCES = ["youth", "women", "local_leaders", "teachers", "religious_leaders", "officials"]


def _generated_entries() -> list[tuple[str, str, str, str, str, str, str, str, str]]:
    entries = []
    for n in range(1, 13):
        title_ar, title_en, theme = SESSIONS[(n - 1) % 3]
        entries.append(
            (
                "guide" if n % 2 else "training",
                "ar" if n % 3 else "ar_en",
                AUDIENCES[n % len(AUDIENCES)],
                theme,
                "docx" if n % 4 == 0 else "",
                title_ar.format(n=n),
                title_en.format(n=n),
                "دليل جلسة للميسّرين: الأهداف، والأسئلة المفتاحية، ومدة كل نشاط، وكيف تُسجّل المخرجات.",
                "A facilitator's session guide: aims, key questions, timing of each activity, and how "
                "to record the outputs.",
            )
        )
    for n, (topic_ar, topic_en, theme) in enumerate(NOTES, start=1):
        entries.append(
            (
                "research",
                "ar_en",
                AUDIENCES[(n + 2) % len(AUDIENCES)],
                theme,
                "pdf" if n % 3 == 0 else "",
                f"موجز بحثي: {topic_ar}",
                f"Research brief: {topic_en}",
                f"ما قاله المشاركون في المسح والمقابلات عن {topic_ar}، مع أرقام تركيبية لأغراض العرض.",
                f"What survey respondents and key informants said about {topic_en}, with synthetic "
                "figures for the demo.",
            )
        )
    for n, (topic_ar, topic_en, theme) in enumerate(NOTES[:8], start=1):
        entries.append(
            (
                "toolkit",
                "en" if n % 2 else "ar",
                AUDIENCES[n % len(AUDIENCES)],
                theme,
                "",
                f"بطاقات نشاط: {topic_ar}",
                f"Activity cards: {topic_en}",
                f"بطاقات قصيرة لنشاط جماعي عن {topic_ar} في الأحياء والمدارس.",
                f"Short cards for a group activity on {topic_en} in neighbourhoods and schools.",
            )
        )
    return entries


def _file(kind: str, title: str, paragraphs: list[str], number: int) -> SimpleUploadedFile | None:
    if kind == "pdf":
        return SimpleUploadedFile(f"jusoor-demo-{number:02d}.pdf", make_pdf(title, paragraphs))
    if kind == "docx":
        return SimpleUploadedFile(f"jusoor-demo-{number:02d}.docx", make_docx(title, paragraphs))
    return None


def load_library_demo(project) -> list[Resource]:
    """The forty demo resources of ``project``'s organisation (created once)."""
    owner = project.owner
    made = []
    entries = ENTRIES + _generated_entries()
    for number, entry in enumerate(entries, start=1):
        kind, language, audience, themes, file_kind, title_ar, title_en, summary_ar, summary_en = (
            entry
        )
        existing = Resource.objects.filter(owner=owner, title_en=title_en).first()
        if existing is not None:
            made.append(existing)
            continue
        paragraphs = [
            summary_ar,
            "هذا محتوى تجريبي أُعدّ لعرض منصة جسور، وليس وثيقة منشورة.",
            summary_en,
            "Demo content written to show Jusoor; not a published document.",
        ]
        upload = _file(file_kind, title_ar if language != "en" else title_en, paragraphs, number)
        resource = Resource(
            owner=owner,
            project=project,
            title_ar=title_ar,
            title_en=title_en,
            summary_ar=summary_ar + " (محتوى تجريبي)",
            summary_en=summary_en + " (Demo content.)",
            kind=kind,
            language=language,
            audience=f",{audience},",
            themes="," + themes + ",",
            licence="CC BY 4.0",
            link="" if upload else f"https://example.org/jusoor-demo/{number}",
            visibility=Visibility.PROJECT if number % 13 == 0 else Visibility.PUBLIC,
            published_on=dt.date(2023, 1 + number % 12, 1 + number % 27),
            is_demo=True,
        )
        with transaction.atomic():
            made.append(services.create_resource(None, resource, upload))
    return made
