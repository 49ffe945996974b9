"""The seed's questionnaire and 500 synthetic respondents, for the demo.

The XLSForm is built here with openpyxl and shipped as ``demo/pve_survey.xlsx``
(``write_xlsform()`` rewrites it after a change here). The respondents are synthetic, generated
from a fixed seed with structure a real survey would show (answers differ by area, sex and age
band), and every one is flagged ``synthetic``. ``load_surveys_demo`` can run any number of
times: it adds what is missing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import random
import uuid
from pathlib import Path
from typing import Any

from django.db import transaction

from jusoor.accounts.models import User
from jusoor.core import audit
from jusoor.programmes.models import Project
from jusoor.surveys import openrosa, services
from jusoor.surveys.models import Channel, Form, Submission, SubmissionStatus

FORM_ID = "anbar_pve_survey_2023"
VERSION = "2023080101"
XLSFORM_PATH = Path(__file__).parent / "demo" / "pve_survey.xlsx"
RESPONDENTS = 500
SEED = 2023
NAMESPACE = uuid.UUID("1d8f5c0e-7a0b-4c53-8f0e-2b9d8c6a4e11")
AR, EN = "label::Arabic (ar)", "label::English (en)"

AREAS = [  # the demo project's ten target areas (OCHA p-codes), as in programmes/demo.py
    ("IQG01Q03N03", "مركز الرمادي", "Markaz Al-Ramadi"),
    ("IQG01Q03N01", "الحبانية", "Al-Habbaniya"),
    ("IQG01Q01N03", "مركز الفلوجة", "Markaz Al-Falluja"),
    ("IQG01Q01N01", "العامرية", "Al-Amirya"),
    ("IQG01Q01N02", "الكرمة", "Al-Garma"),
    ("IQG01Q07N04", "مركز هيت", "Markaz Heet"),
    ("IQG01Q07N02", "الفرات", "Al-Forat"),
    ("IQG01Q06N01", "الحقلانية", "Al-Haqlaniya"),
    ("IQG01Q05N01", "مركز عنه", "Markaz Ana"),
    ("IQG01Q02N02", "العبيدي", "Al-Obiadi"),
]
CHOICES: dict[str, list[tuple[str, str, str]]] = {
    "yes_no": [("yes", "نعم", "Yes"), ("no", "لا", "No")],
    "sex": [("f", "أنثى", "Female"), ("m", "ذكر", "Male")],
    "age_band": [
        ("18-24", "١٨–٢٤", "18–24"),
        ("25-29", "٢٥–٢٩", "25–29"),
        ("30-44", "٣٠–٤٤", "30–44"),
        ("45-59", "٤٥–٥٩", "45–59"),
        ("60+", "٦٠ فأكثر", "60 and over"),
    ],
    "area": AREAS,
    "displacement": [
        ("resident", "مقيم لم ينزح", "Resident, never displaced"),
        ("returnee", "عائد بعد النزوح", "Returnee"),
        ("idp", "نازح حالياً", "Currently displaced"),
    ],
    "causes": [
        ("unemployment", "البطالة", "Unemployment"),
        ("poverty", "الفقر", "Poverty"),
        ("injustice", "الشعور بالظلم والتهميش", "Feeling of injustice and marginalisation"),
        ("weak_education", "ضعف التعليم", "Weak education"),
        ("online_propaganda", "الدعاية على الإنترنت", "Online propaganda"),
        ("sectarianism", "الطائفية", "Sectarianism"),
        ("revenge", "الثأر والانتقام", "Revenge"),
        ("weak_services", "ضعف الخدمات", "Weak public services"),
    ],
    "needs": [
        ("jobs", "فرص العمل", "Jobs"),
        ("education", "التعليم", "Education"),
        ("health", "الصحة", "Health"),
        ("reconstruction", "إعادة الإعمار", "Reconstruction"),
        ("psychosocial", "الدعم النفسي والاجتماعي", "Psychosocial support"),
        ("youth_spaces", "مساحات للشباب", "Spaces for youth"),
        ("justice", "العدالة والمصالحة", "Justice and reconciliation"),
    ],
    "likert": [
        ("1", "لا أثق إطلاقاً", "No trust at all"),
        ("2", "أثق قليلاً", "Little trust"),
        ("3", "أثق إلى حد ما", "Some trust"),
        ("4", "أثق كثيراً", "Much trust"),
        ("5", "أثق تماماً", "Complete trust"),
    ],
    "frequency": [
        ("never", "أبداً", "Never"),
        ("rarely", "نادراً", "Rarely"),
        ("sometimes", "أحياناً", "Sometimes"),
        ("often", "كثيراً", "Often"),
    ],
    "willing": [
        ("yes", "نعم", "Yes"),
        ("maybe", "ربما", "Maybe"),
        ("no", "لا", "No"),
    ],
}
TRUST = [
    ("trust_local_government", "الحكومة المحلية", "Local government"),
    ("trust_police", "الشرطة المحلية", "Local police"),
    ("trust_tribal_leaders", "شيوخ العشائر", "Tribal leaders"),
    ("trust_religious_leaders", "رجال الدين", "Religious leaders"),
    ("trust_subcommittee", "اللجنة الفرعية لمكافحة التطرف", "The counter-extremism sub-committee"),
]
HEADER = ["type", "name", AR, EN, "required", "relevant", "constraint", "jusoor::pii", "hxl"]


def _survey_rows() -> list[list[str]]:
    rows = [
        HEADER,
        ["start", "start", "", "", "", "", "", "", ""],
        ["end", "end", "", "", "", "", "", "", ""],
        [
            "select_one yes_no",
            "consent",
            "هل توافق على المشاركة في هذا الاستبيان؟",
            "Do you agree to take part in this survey?",
            "yes",
            "",
            "",
            "",
            "",
        ],
        [
            "note",
            "stop",
            "شكراً لك. لن نطرح أي سؤال آخر.",
            "Thank you. We will ask nothing more.",
            "",
            "${consent} = 'no'",
            "",
            "",
            "",
        ],
        [
            "begin_group",
            "demographics",
            "معلومات عامة",
            "About you",
            "",
            "${consent} = 'yes'",
            "",
            "",
            "",
        ],
        ["text", "phone", "رقم الهاتف (اختياري)", "Phone number (optional)", "", "", "", "yes", ""],
        ["select_one sex", "sex", "الجنس", "Sex", "yes", "", "", "", "#sex"],
        [
            "select_one age_band",
            "age_band",
            "الفئة العمرية",
            "Age band",
            "yes",
            "",
            "",
            "",
            "#age+band",
        ],
        ["select_one area", "area", "المنطقة", "Area", "yes", "", "", "", "#adm3+code"],
        [
            "select_one displacement",
            "displacement",
            "حالة النزوح",
            "Displacement status",
            "yes",
            "",
            "",
            "",
            "#population+type",
        ],
        ["end_group", "", "", "", "", "", "", "", ""],
        [
            "begin_group",
            "views",
            "الأسباب والاحتياجات",
            "Causes and needs",
            "",
            "${consent} = 'yes'",
            "",
            "",
            "",
        ],
        [
            "select_multiple causes",
            "causes",
            "ما أسباب التطرف العنيف في منطقتك برأيك؟ (اختر كل ما ينطبق)",
            "What causes violent extremism in your area? (choose all that apply)",
            "yes",
            "",
            "",
            "",
            "",
        ],
        [
            "select_multiple needs",
            "needs",
            "ما أهم احتياجات مجتمعك؟ (اختر حتى ثلاثة)",
            "What does your community need most? (choose up to three)",
            "yes",
            "",
            "count-selected(.) <= 3",
            "",
            "",
        ],
        ["end_group", "", "", "", "", "", "", "", ""],
        [
            "begin_group",
            "trust",
            "الثقة بالمؤسسات",
            "Trust in institutions",
            "",
            "${consent} = 'yes'",
            "",
            "",
            "",
        ],
    ]
    for name, ar, en in TRUST:
        rows.append(
            [
                "select_one likert",
                name,
                f"إلى أي حد تثق بـ{ar}؟",
                f"How much do you trust: {en}?",
                "yes",
                "",
                "",
                "",
                "",
            ]
        )
    rows += [
        ["end_group", "", "", "", "", "", "", "", ""],
        [
            "begin_group",
            "hate_speech",
            "خطاب الكراهية",
            "Hate speech",
            "",
            "${consent} = 'yes'",
            "",
            "",
            "",
        ],
        [
            "select_one frequency",
            "hate_online",
            "كم مرة تصادف خطاب كراهية على الإنترنت؟",
            "How often do you come across hate speech online?",
            "yes",
            "",
            "",
            "",
            "",
        ],
        [
            "select_one frequency",
            "hate_offline",
            "كم مرة تسمع خطاب كراهية في حياتك اليومية؟",
            "How often do you hear hate speech in daily life?",
            "yes",
            "",
            "",
            "",
            "",
        ],
        ["end_group", "", "", "", "", "", "", "", ""],
        [
            "select_one willing",
            "dialogue",
            "هل تود المشاركة في حوار مجتمعي؟",
            "Would you join a community dialogue?",
            "yes",
            "${consent} = 'yes'",
            "",
            "",
            "",
        ],
        ["text", "comments", "ملاحظات أخرى", "Other remarks", "", "${consent} = 'yes'", "", "", ""],
    ]
    return rows


def write_xlsform() -> Path:
    XLSFORM_PATH.parent.mkdir(exist_ok=True)
    XLSFORM_PATH.write_bytes(build_xlsform())
    KII_PATH.write_bytes(build_kii_xlsform())
    return XLSFORM_PATH


def build_xlsform() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    for row in _survey_rows():
        survey.append(row)
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", AR, EN])
    for list_name, items in CHOICES.items():
        for name, ar, en in items:
            choices.append([list_name, name, ar, en])
    settings = workbook.create_sheet("settings")
    settings.append(["form_id", "version", "form_title", "default_language"])
    settings.append(
        [
            FORM_ID,
            VERSION,
            "استبيان أسباب التطرف العنيف واحتياجات المجتمع — الأنبار ٢٠٢٣",
            "Arabic (ar)",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the key-informant interview guide --------------------------------------------------------

KII_FORM_ID = "anbar_kii_guide_2023"
KII_VERSION = "2023080101"
KII_PATH = Path(__file__).parent / "demo" / "kii_guide.xlsx"
KII_INTERVIEWS = 12
KII_ROLES = [
    ("mayor", "قائممقام أو مدير ناحية", "Mayor or sub-district director"),
    ("official", "مسؤول محلي", "Local official"),
    ("subcommittee", "عضو اللجنة الفرعية لمكافحة التطرف", "Counter-extremism sub-committee member"),
    ("religious", "رجل دين", "Religious leader"),
    ("tribal", "شيخ عشيرة", "Tribal leader"),
]


def _kii_rows() -> list[list[str]]:
    text = "text"
    return [
        HEADER,
        ["start", "start", "", "", "", "", "", "", ""],
        [
            "text",
            "interviewee",
            "اسم الشخص الذي تمت مقابلته",
            "Interviewee's name",
            "",
            "",
            "",
            "yes",
            "",
        ],
        ["select_one role", "role", "صفة الشخص", "Interviewee's role", "yes", "", "", "", ""],
        ["select_one area", "area", "المنطقة", "Area", "yes", "", "", "", "#adm3+code"],
        [
            text,
            "causes_text",
            "برأيك، ما الذي يدفع الشباب نحو التطرف العنيف في منطقتك؟",
            "In your view, what drives young people towards violent extremism in your area?",
            "yes",
            "",
            "",
            "",
            "",
        ],
        [
            "select_multiple causes",
            "causes_coded",
            "ترميز الأسباب (يملؤه الباحث)",
            "Causes, coded (filled by the researcher)",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            text,
            "challenges_text",
            "ما التحديات التي تواجه جهود الوقاية؟",
            "What challenges do prevention efforts face?",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            text,
            "solutions_text",
            "ما الحلول التي تقترحها؟",
            "What solutions do you propose?",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            text,
            "commitment",
            "ما الذي تلتزم مؤسستك بفعله؟",
            "What will your institution commit to?",
            "",
            "",
            "",
            "",
            "",
        ],
    ]


KII_ANSWERS = [
    (
        "unemployment injustice",
        "البطالة بين الشباب وشعورهم بالتهميش بعد التحرير.",
        "ضعف التنسيق بين الدوائر.",
        "مشاريع تشغيل للشباب بالتعاون مع القطاع الخاص.",
        "تخصيص قطعة أرض لمركز شبابي.",
    ),
    (
        "online_propaganda weak_education",
        "الدعاية على مواقع التواصل وضعف المدارس.",
        "قلة الكوادر التربوية.",
        "برامج توعية رقمية في المدارس.",
        "تدريب المعلمين على التفكير النقدي.",
    ),
    (
        "revenge sectarianism",
        "ثارات قديمة وخطاب طائفي في بعض المجالس.",
        "غياب المصالحة المجتمعية.",
        "لجان مصالحة عشائرية برعاية الحكومة المحلية.",
        "عقد جلسات مصالحة شهرية.",
    ),
    (
        "poverty weak_services",
        "الفقر وضعف الخدمات في القرى البعيدة.",
        "قلة التخصيصات.",
        "إعادة إعمار المدارس والمراكز الصحية.",
        "متابعة تخصيصات الخدمات مع المحافظة.",
    ),
]


def build_kii_xlsform() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    for row in _kii_rows():
        survey.append(row)
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", AR, EN])
    for list_name, items in {"role": KII_ROLES, "area": AREAS, "causes": CHOICES["causes"]}.items():
        for name, ar, en in items:
            choices.append([list_name, name, ar, en])
    settings = workbook.create_sheet("settings")
    settings.append(["form_id", "version", "form_title", "default_language"])
    settings.append(
        [KII_FORM_ID, KII_VERSION, "دليل مقابلات المعنيين الرئيسيين — الأنبار ٢٠٢٣", "Arabic (ar)"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def interview(index: int) -> dict[str, Any]:
    causes, said, challenge, solution, commitment = KII_ANSWERS[index % len(KII_ANSWERS)]
    return {
        "start": f"2023-08-{3 + index:02d}T10:00:00.000+03:00",
        "role": KII_ROLES[index % len(KII_ROLES)][0],
        "area": AREAS[index % len(AREAS)][0],
        "causes_text": said,
        "causes_coded": causes,
        "challenges_text": challenge,
        "solutions_text": solution,
        "commitment": commitment,
    }


# --- synthetic respondents ---------------------------------------------------------------------

AGE_WEIGHTS = [0.26, 0.16, 0.30, 0.18, 0.10]
# Area effects: the places that lived longest under ISIS report more injustice and revenge and
# trust the police less; the towns by Baghdad see more online propaganda.
AREA_SHIFT = {
    "IQG01Q01N03": {"injustice": 0.20, "revenge": 0.15, "trust": -0.6},
    "IQG01Q03N03": {"injustice": 0.10, "online_propaganda": 0.10, "trust": -0.2},
    "IQG01Q01N02": {"revenge": 0.20, "trust": -0.5},
    "IQG01Q07N04": {"unemployment": 0.10, "trust": -0.3},
    "IQG01Q05N01": {"weak_services": 0.20, "trust": 0.3},
    "IQG01Q02N02": {"sectarianism": 0.10, "injustice": 0.10, "trust": -0.4},
    "IQG01Q01N01": {"online_propaganda": 0.15, "trust": 0.2},
    "IQG01Q03N01": {"poverty": 0.10, "trust": 0.1},
    "IQG01Q07N02": {"poverty": 0.15, "trust": 0.0},
    "IQG01Q06N01": {"weak_services": 0.10, "trust": 0.4},
}
BASE_CAUSES = {
    "unemployment": 0.62,
    "poverty": 0.48,
    "injustice": 0.35,
    "weak_education": 0.30,
    "online_propaganda": 0.22,
    "sectarianism": 0.18,
    "revenge": 0.15,
    "weak_services": 0.25,
}
BASE_TRUST = {
    "trust_local_government": 2.6,
    "trust_police": 3.0,
    "trust_tribal_leaders": 3.4,
    "trust_religious_leaders": 3.3,
    "trust_subcommittee": 2.4,
}


def respondent(index: int, rng: random.Random) -> dict[str, Any]:
    pcode = AREAS[index % len(AREAS)][0]
    shift = AREA_SHIFT[pcode]
    sex = "f" if rng.random() < 0.48 else "m"
    age = rng.choices([c[0] for c in CHOICES["age_band"]], AGE_WEIGHTS)[0]
    young = age in ("18-24", "25-29")
    answers: dict[str, Any] = {
        "start": f"2023-08-{5 + index % 14:02d}T09:{index % 60:02d}:00.000+03:00",
        "end": f"2023-08-{5 + index % 14:02d}T09:{index % 60:02d}:00.000+03:00",
        "consent": "yes",
        "demographics/sex": sex,
        "demographics/age_band": age,
        "demographics/area": pcode,
        "demographics/displacement": rng.choices(
            ["resident", "returnee", "idp"],
            [0.45, 0.40, 0.15] if pcode in ("IQG01Q01N03", "IQG01Q01N02") else [0.65, 0.28, 0.07],
        )[0],
    }
    causes = []
    for cause, base in BASE_CAUSES.items():
        p = base + shift.get(cause, 0.0)
        if young and cause in ("unemployment", "online_propaganda"):
            p += 0.15
        if sex == "f" and cause in ("weak_education", "poverty"):
            p += 0.10
        if rng.random() < min(p, 0.95):
            causes.append(cause)
    answers["views/causes"] = " ".join(causes or ["unemployment"])
    needs_weights = [
        0.9 if young else 0.6,
        0.7 if sex == "f" else 0.5,
        0.5,
        0.6,
        0.4,
        0.7 if young else 0.2,
        0.4,
    ]
    needs = sorted(
        set(rng.choices([c[0] for c in CHOICES["needs"]], needs_weights, k=3)),
        key=[c[0] for c in CHOICES["needs"]].index,
    )
    answers["views/needs"] = " ".join(needs)
    for name, base in BASE_TRUST.items():
        mean = base + shift.get("trust", 0.0) + (-0.3 if young else 0.2)
        if name == "trust_subcommittee" and sex == "f":
            mean -= 0.2
        answers[f"trust/{name}"] = str(min(5, max(1, round(rng.gauss(mean, 0.9)))))
    online = ["never", "rarely", "sometimes", "often"]
    answers["hate_speech/hate_online"] = rng.choices(
        online, [0.10, 0.20, 0.35, 0.35] if young else [0.30, 0.30, 0.25, 0.15]
    )[0]
    answers["hate_speech/hate_offline"] = rng.choices(
        online, [0.2, 0.3, 0.3, 0.2] if shift.get("revenge") else [0.35, 0.35, 0.2, 0.1]
    )[0]
    willing = 0.45 + (0.15 if young else 0.0) + (0.05 if sex == "f" else 0.0)
    answers["dialogue"] = rng.choices(
        ["yes", "maybe", "no"], [willing, 0.3, max(0.05, 0.95 - willing - 0.3)]
    )[0]
    return answers


def instance_id(index: int) -> str:
    return f"uuid:{uuid.uuid5(NAMESPACE, f'{FORM_ID}-{index}')}"


def _demo_form(
    project: Project, form_id: str, version: str, path: Path, build: Any, kii: bool = False
) -> tuple[Form, Any]:
    form = Form.objects.filter(project=project, form_id=form_id).first()
    if form is None or not form.versions.filter(version=version).exists():
        content = path.read_bytes() if path.exists() else build()
        form = services.upload_form(None, project, content, path.name, key_informant=kii).form
    return form, form.versions.get(version=version)


def _add_synthetic(
    form: Form, version: Any, rows: list[tuple[str, dict[str, Any], dt.datetime]]
) -> int:
    """Store the rows whose instance ID is not here yet, flagged synthetic."""
    enumerator = User.objects.filter(username="shams-enumerator").first()
    have = set(form.submissions.values_list("instance_id", flat=True))
    personal = services.personal_paths(version)
    new = []
    for position, (key, answers, received_at) in enumerate(rows):
        if key in have:
            continue
        raw = openrosa.build_xml(
            version.definition, form.form_id, version.version, {**answers, "meta/instanceID": key}
        )
        plain, private = openrosa.split_personal(answers, personal)
        new.append(
            Submission(
                form=form,
                version=version,
                instance_id=key,
                xml=raw.decode("utf-8"),
                xml_sha256=hashlib.sha256(raw).hexdigest(),
                answers=plain,
                pii=json.dumps(private, ensure_ascii=False) if private else "",
                enumerator=enumerator,
                channel=Channel.DEMO,
                received_at=received_at,
                status=SubmissionStatus.APPROVED if position % 10 else SubmissionStatus.RECEIVED,
                synthetic=True,
            )
        )
    Submission.objects.bulk_create(new, batch_size=500)
    if new:
        audit.record(None, "survey.demo.load", form, synthetic_submissions=len(new))
    return len(new)


@transaction.atomic
def load_surveys_demo(project: Project) -> Form:
    """The demo questionnaire with its 500 synthetic respondents, and the key-informant guide
    with a dozen synthetic interviews, in this project. Idempotent."""
    form, version = _demo_form(project, FORM_ID, VERSION, XLSFORM_PATH, build_xlsform)
    rng = random.Random(SEED)
    start = dt.datetime(2023, 8, 5, 6, 0, tzinfo=dt.UTC)
    # Every respondent is drawn on every run, so that each is the same whatever is already here.
    rows = [
        (instance_id(i), respondent(i, rng), start + dt.timedelta(days=i % 14, minutes=7 * i))
        for i in range(RESPONDENTS)
    ]
    _add_synthetic(form, version, rows)
    kii, kii_version = _demo_form(
        project, KII_FORM_ID, KII_VERSION, KII_PATH, build_kii_xlsform, kii=True
    )
    interviews = [
        (
            f"uuid:{uuid.uuid5(NAMESPACE, f'{KII_FORM_ID}-{i}')}",
            interview(i),
            dt.datetime(2023, 8, 3 + i, 9, 0, tzinfo=dt.UTC),
        )
        for i in range(KII_INTERVIEWS)
    ]
    _add_synthetic(kii, kii_version, interviews)
    return form
