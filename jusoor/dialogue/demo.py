"""The demo dialogue: synthetic participants in three planted opinion groups, labelled synthetic.

Statements are written from a few causes, remedies and Anbar's districts; votes come from the
opinion engine's planted-conversation generator (fixed seed), so the map shows three groups.
A handful of mild insults, a phone number and a link show the moderation engine at work.
"""

from __future__ import annotations

import random

from django.db import transaction

from jusoor.dialogue import analysis, services
from jusoor.dialogue.models import Conversation, Mode, Participant, Source, Status, Vote
from jusoor.engines.opinion.synthetic import planted_conversation
from jusoor.geo.models import AgeBand, Sex, TargetArea
from jusoor.programmes.models import Project

SLUG = "anbar-youth-dialogue"
SEED = 2026
TOPIC_AR = "ما الذي يدفع الشباب نحو التطرف العنيف في الأنبار، وما الذي يبعدهم عنه؟"
TOPIC_EN = (
    "What drives young people toward violent extremism in Anbar, and what would keep them away?"
)
DESCRIPTION_AR = (
    "حوار مجتمعي تجريبي: بيانات مصطنعة لأغراض العرض، لا تمثل أشخاصاً حقيقيين. "
    "اقرأ كل عبارة وصوّت: أوافق، لا أوافق، أو لست متأكداً."
)
DESCRIPTION_EN = (
    "A demonstration community dialogue: synthetic data, not real people. "
    "Read each statement and vote agree, disagree or pass."
)

AREAS = [
    "الرمادي",
    "الفلوجة",
    "هيت",
    "حديثة",
    "عانة",
    "راوة",
    "القائم",
    "الرطبة",
    "الخالدية",
    "عامرية الفلوجة",
]
CAUSES = [
    "البطالة",
    "الفقر",
    "ضعف التعليم",
    "التهميش السياسي",
    "الفراغ وقلة الأنشطة",
    "خطاب الكراهية على مواقع التواصل",
    "الاعتقالات العشوائية",
    "الفساد في المؤسسات",
    "ضعف دور الأسرة",
    "غياب العدالة بعد التحرير",
    "النزوح وفقدان البيوت",
    "التجنيد عبر الإنترنت",
    "الإحساس بالإقصاء",
    "ضعف الخدمات العامة",
    "غياب القدوة",
]
REMEDIES = [
    "توفير فرص العمل",
    "دعم المشاريع الصغيرة",
    "تحسين المدارس",
    "الأنشطة الرياضية والثقافية",
    "الحوار بين الشباب وشيوخ العشائر",
    "تدريب الشباب على المهارات الرقمية",
    "برامج الدعم النفسي",
    "محاسبة الفاسدين",
    "إشراك الشباب في قرارات المجلس المحلي",
    "دور المسجد في نشر الاعتدال",
    "إعادة إعمار المناطق المتضررة",
    "المصالحة المجتمعية",
    "المنح الدراسية",
    "المراكز الشبابية",
    "إعلام محلي يواجه خطاب الكراهية",
]
# Caught by moderation: plain insults, a phone number, a link. Nothing aimed at a real group.
CAUGHT = [
    "انت حمار وما تفهم شي",
    "اسكت يا غبي يا حيوان",
    "الله يلعنك يا حقير",
    "انتم اغبياء وحثالة",
    "اللي يكتب هنا كلهم تافهين وأغبياء",
    "للتواصل والانضمام اتصلوا على 07701234567",
    "اقرأ هنا الحقيقة كاملة https://example.com/join",
]


def statements_text() -> list[str]:
    causes = [f"{c} من أهم ما يدفع الشباب نحو التطرف في {a}" for c in CAUSES for a in AREAS]
    remedies = [f"{r} في {a} يبعد الشباب عن العنف" for r in REMEDIES for a in AREAS]
    mixed = [t for pair in zip(causes, remedies, strict=True) for t in pair]
    return mixed[:290] + CAUGHT


@transaction.atomic
def load_dialogue_demo(project: Project) -> Conversation:
    """Create the demo dialogue once; calling it again changes nothing."""
    existing = Conversation.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing
    conversation = Conversation.objects.create(
        project=project,
        slug=SLUG,
        topic_ar=TOPIC_AR,
        topic_en=TOPIC_EN,
        description_ar=DESCRIPTION_AR,
        description_en=DESCRIPTION_EN,
        mode=Mode.PUBLISH,
        is_synthetic=True,
    )
    for text in statements_text():
        services.submit_statement(conversation, text, source=Source.SEED)
    plant_votes(conversation, n_participants=240, seed=SEED)
    analysis.compute_map(conversation)
    return conversation


def plant_votes(
    conversation: Conversation, *, n_participants: int, seed: int, density: float = 0.2
) -> list[int]:
    """Synthetic participants in three planted groups voting on the published statements.

    Returns each participant's planted group. Self-reported sex, age band and area are drawn at
    random (fixed seed), and left blank for some, as real participants would.
    """
    published = list(
        conversation.statements.filter(status=Status.PUBLISHED)
        .order_by("id")
        .values_list("id", flat=True)
    )
    planted = planted_conversation(
        n_participants, len(published), n_groups=3, density=density, seed=seed
    )
    rng = random.Random(seed)
    areas = list(
        TargetArea.objects.filter(project=conversation.project).values_list("unit_id", flat=True)
    )
    people = Participant.objects.bulk_create(
        Participant(
            conversation=conversation,
            token=f"synthetic-{conversation.pk}-{seed}-{n}",
            is_synthetic=True,
            sex=rng.choice([Sex.FEMALE, Sex.MALE, Sex.MALE, ""]),
            age_band=rng.choice(
                [AgeBand.FROM_15, AgeBand.FROM_18, AgeBand.FROM_18, AgeBand.FROM_25, ""]
            ),
            area_id=rng.choice(areas) if areas and rng.random() < 0.8 else None,
        )
        for n in range(n_participants)
    )
    Vote.objects.bulk_create(
        (
            Vote(participant=people[p], statement_id=published[s], value=int(v))
            for p, s, v in zip(planted.participants, planted.statements, planted.votes, strict=True)
        ),
        batch_size=2000,
    )
    return [int(t) for t in planted.truth]
