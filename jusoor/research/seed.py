"""The codes a new codebook starts with: a few per category, in Arabic and English, editable."""

from __future__ import annotations

# (category, key, Arabic, English, keywords)
SEED_CODES: list[tuple[str, str, str, str, str]] = [
    ("cause", "unemployment", "البطالة", "Unemployment", "البطالة، العمل، فرص، تشغيل، عاطلين"),
    ("cause", "poverty", "الفقر", "Poverty", "الفقر، الدخل، المعيشة، القرى"),
    (
        "cause",
        "injustice",
        "الشعور بالظلم والتهميش",
        "Injustice and marginalisation",
        "الظلم، التهميش، الإقصاء، شعورهم",
    ),
    (
        "cause",
        "propaganda",
        "الدعاية والخطاب المتشدد",
        "Propaganda and extremist discourse",
        "الدعاية، مواقع التواصل، الإنترنت، الخطاب المتشدد",
    ),
    (
        "cause",
        "sectarianism",
        "الطائفية والثأر",
        "Sectarianism and revenge",
        "الطائفي، طائفية، ثارات، الثأر، الانتقام",
    ),
    ("cause", "education", "ضعف التعليم", "Weak education", "المدارس، التعليم، التسرب"),
    (
        "challenge",
        "coordination",
        "ضعف التنسيق",
        "Weak coordination",
        "التنسيق، الدوائر، الجهات الحكومية",
    ),
    (
        "challenge",
        "resources",
        "قلة الموارد والتخصيصات",
        "Lack of resources and funding",
        "التخصيصات، التمويل، الكوادر، قلة",
    ),
    (
        "challenge",
        "reconciliation_gap",
        "غياب المصالحة والثقة",
        "No reconciliation, little trust",
        "المصالحة المجتمعية، غياب، الثقة",
    ),
    ("challenge", "services", "ضعف الخدمات", "Weak services", "الخدمات، الخدمات الأساسية"),
    (
        "solution",
        "youth_jobs",
        "تشغيل الشباب",
        "Jobs and training for youth",
        "مشاريع تشغيل، التدريب المهني، القطاع الخاص",
    ),
    (
        "solution",
        "awareness",
        "التوعية والتعليم",
        "Awareness and education",
        "توعية، برامج، المعلمين، التفكير النقدي",
    ),
    (
        "solution",
        "reconciliation",
        "لجان المصالحة",
        "Reconciliation committees",
        "لجان مصالحة، عشائرية، جلسات مصالحة، السلم المجتمعي",
    ),
    (
        "solution",
        "reconstruction",
        "إعادة الإعمار والخدمات",
        "Reconstruction and services",
        "إعادة إعمار، المراكز الصحية، المدارس",
    ),
    (
        "solution",
        "youth_centres",
        "مراكز الشباب",
        "Youth centres",
        "مركز شبابي، مراكز شبابية، الرياضة",
    ),
    ("need", "jobs", "فرص العمل", "Jobs", "فرص العمل، وظائف"),
    ("need", "psychosocial", "الدعم النفسي", "Psychosocial support", "الدعم النفسي"),
    ("need", "basic_services", "الخدمات الأساسية", "Basic services", "الخدمات، الصحة، الماء"),
]
