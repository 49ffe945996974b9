"""The seed's programme as live data: Shams's Prevention and Response Conference in Anbar.

Every call brings the database to the same state (update_or_create on stable keys), so
``load_demo`` can run on every ``make demo``. Population figures are synthetic and say so.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from jusoor.accounts.models import Membership, Organisation, User
from jusoor.accounts.roles import Role
from jusoor.core import audit
from jusoor.dialogue.demo import load_dialogue_demo
from jusoor.events.demo import load_people_events_demo
from jusoor.geo.models import AdminUnit, AgeBand, AreaPopulation, Sex, TargetArea
from jusoor.library.demo import load_library_demo
from jusoor.programmes.demo_results import load_results_demo
from jusoor.programmes.models import (
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    PeriodStatus,
    Programme,
    Project,
    ProjectOrganisation,
    ReportingPeriod,
    ResultNode,
)
from jusoor.programmes.services import renumber
from jusoor.research.demo import load_research_demo
from jusoor.surveys.demo import load_surveys_demo

DEMO_PASSWORD = "jusoor-demo-2023"  # noqa: S105  (printed by `make demo`; demo data only)

ORGANISATIONS = {
    "shams": {
        "name_ar": "منظمة شمس الأنسانية للمرأة والطفل",
        "name_en": "Shams Al-Insaniya Organization for Women & Child",
        "acronym": "Shams",
        "kind": "ngo",
        # A placeholder in IATI's own registration space, so that the demo's IATI export works.
        "iati_ref": "XI-IATI-DEMO-SHAMS",
        # So that the printed demo sign-ins work at once; a real organisation keeps the default
        # (administrators and M&E officers must use an authenticator app).
        "two_factor_roles": [],
    },
    "world-vision": {
        "name_ar": "منظمة الرؤية العالمية",
        "name_en": "World Vision",
        "acronym": "WV",
        "kind": "international_ngo",
        "iati_ref": "GB-CHC-285908",
    },
    "undp": {
        "name_ar": "برنامج الأمم المتحدة الإنمائي",
        "name_en": "United Nations Development Programme",
        "acronym": "UNDP",
        "kind": "un_agency",
        "iati_ref": "XM-DAC-41114",
    },
    "germany": {
        "name_ar": "الحكومة الألمانية",
        "name_en": "Government of Germany",
        "acronym": "DE",
        "kind": "donor_government",
        "iati_ref": "XM-DAC-5",
    },
}

# One demo login per role at Shams, and read-only viewers at the partner and the funder.
LOGINS = [
    ("shams-admin", Role.ADMIN, "shams"),
    ("shams-manager", Role.PROGRAMME_MANAGER, "shams"),
    ("shams-me", Role.ME_OFFICER, "shams"),
    ("shams-facilitator", Role.FACILITATOR, "shams"),
    ("shams-enumerator", Role.ENUMERATOR, "shams"),
    ("shams-moderator", Role.MODERATOR, "shams"),
    ("shams-viewer", Role.VIEWER, "shams"),
    ("wv-viewer", Role.VIEWER, "world-vision"),
    ("undp-viewer", Role.VIEWER, "undp"),
]

# Ten target areas among Anbar's sub-districts (OCHA COD-AB p-codes).
TARGET_AREAS = [
    "IQG01Q03N03",  # Markaz Al-Ramadi
    "IQG01Q03N01",  # Al-Habbaniya
    "IQG01Q01N03",  # Markaz Al-Falluja
    "IQG01Q01N01",  # Al-Amirya
    "IQG01Q01N02",  # Al-Garma
    "IQG01Q07N04",  # Markaz Heet
    "IQG01Q07N02",  # Al-Forat
    "IQG01Q06N01",  # Al-Haqlaniya
    "IQG01Q05N01",  # Markaz Ana
    "IQG01Q02N02",  # Al-Obiadi
]

SUMMARY_AR = (
    "تم تنفيذ مشروع مؤتمر الوقاية والصد من قبل منظمة شمس الأنبار للمرأة والطفل بالشراكة مع منظمة "
    "الرؤية العالمية وبتمويل من برنامج الأمم المتحدة الإنمائي (UNDP) وبدعم من الحكومة الألمانية. "
    "هذه المبادرة هي جزء من مشروع أوسع يهدف إلى تعزيز قدرات المجتمعات المحلية لمواجهة التطرف العنيف "
    "في محافظات نينوى والأنبار وصلاح الدين.\n\n"
    "تهدف المبادرة إلى تعزيز التواصل بين ممثلي المجتمع واللجنة الفرعية لمكافحة التطرف العنيف، بهدف "
    "تحسين مشاركة المجتمع في معالجة التطرف العنيف وتعزيز الشفافية وتشجيع الحوار. بالإضافة إلى ذلك، "
    "تسعى المبادرة إلى زيادة المعرفة بالأدوات والآليات القائمة على فهم احتياجات المجتمع."
)
SUMMARY_EN = (
    "The Prevention and Response Conference project was implemented by the Shams Al-Anbar "
    "Organization for Women and Child in partnership with World Vision, funded by the United "
    "Nations Development Programme (UNDP) and supported by the German government. The initiative "
    "is part of a broader project that aims to strengthen the capacity of local communities to "
    "confront violent extremism in the governorates of Nineveh, Anbar and Salah al-Din.\n\n"
    "The initiative aims to strengthen communication between community representatives and the "
    "sub-committee for countering violent extremism, to improve community participation in "
    "addressing violent extremism, promote transparency and encourage dialogue. It also seeks to "
    "increase knowledge of tools and mechanisms based on an understanding of community needs."
)
IMPACT_AR = (
    "ساهمت المبادرة في تعزيز قدرة المجتمعات المحلية على مواجهة التطرف العنيف، مع تمكين النساء "
    "والشباب والقادة المحليين من المشاركة في مناقشات هادفة حول حلول ملموسة لهذه القضية. ساعد المؤتمر "
    "في بناء جسور الحوار المجتمعي بين مختلف أصحاب المصلحة، وتعزيز التعاون طويل الأمد في مكافحة "
    "التطرف العنيف."
)
IMPACT_EN = (
    "The initiative helped strengthen the capacity of local communities to confront violent "
    "extremism, and enabled women, young people and local leaders to take part in meaningful "
    "discussions about concrete solutions. The conference helped build bridges of community "
    "dialogue between the different stakeholders and strengthened long-term cooperation in "
    "countering violent extremism."
)

# (kind, key, parent key, Arabic, English)
FRAMEWORK = [
    (
        "objective",
        "o1",
        None,
        "توفير مصدر معرفي وعملي للوقاية من التطرف العنيف المؤدي إلى الإرهاب.",
        "Provide a knowledge and practical resource for preventing violent extremism that leads to terrorism.",
    ),
    (
        "objective",
        "o2",
        None,
        "خلق مساحة فعالة للحوار المجتمعي حول القضايا المتعلقة بالتطرف العنيف وسبل الوقاية منه.",
        "Create an effective space for community dialogue on issues related to violent extremism and ways to prevent it.",
    ),
    (
        "result",
        "r1",
        "o1",
        "تم توفير مصدر معرفي وعملي لمختلف الفئات الاجتماعية في الأنبار للوقاية من التطرف العنيف.",
        "A knowledge and practical resource for preventing violent extremism was provided to the various social groups in Anbar.",
    ),
    (
        "activity",
        "a1",
        "r1",
        "عقدت اجتماعات مع رؤساء البلديات في المناطق المستهدفة لتنسيق تنفيذ المبادرة وتعزيز الشعور بالمشاركة المجتمعية وتحديد أسباب التطرف والتحديات والحلول الممكنة.",
        "Meetings were held with the mayors of the target areas to coordinate the initiative, strengthen the sense of community participation, and identify the causes of extremism, the challenges and the possible solutions.",
    ),
    (
        "activity",
        "a2",
        "r1",
        "تم إجراء استطلاع مع 500 مشارك من 10 مناطق في الأنبار لفهم أسباب التطرف العنيف وتقييم احتياجات المجتمع. كما تضمن الاستطلاع اجتماعات مع شخصيات حكومية مؤثرة وأعضاء اللجان الفرعية لمكافحة التطرف.",
        "A survey of 500 participants from 10 areas of Anbar was carried out to understand the causes of violent extremism and assess community needs. The survey also included meetings with influential government figures and members of the sub-committees for countering extremism.",
    ),
    (
        "result",
        "r2",
        "o2",
        "عملت المبادرة على تمكين المجتمعات لتصبح أكثر فعالية في الحد من التطرف العنيف وخطاب الكراهية، مع تعزيز المشاركة المجتمعية من خلال إنشاء مساحات حوار فعالة.",
        "The initiative worked to empower communities to become more effective in reducing violent extremism and hate speech, and strengthened community participation by creating effective spaces for dialogue.",
    ),
    (
        "activity",
        "a3",
        "r2",
        "تم تنظيم مؤتمر الوقاية والصد في مركز محافظة الأنبار (الرمادي)، بمشاركة 200 مشارك من مختلف الفئات المستهدفة. كما شارك في الفعالية فرق من برنامج الأمم المتحدة الإنمائي ومنظمة الرؤية العالمية وأعضاء اللجنة الفرعية لمكافحة التطرف العنيف.",
        "The Prevention and Response Conference was organised in the centre of Anbar governorate (Ramadi), with 200 participants from the various target groups. Teams from UNDP, World Vision and members of the sub-committee for countering violent extremism also took part.",
    ),
    (
        "activity",
        "a4",
        "r2",
        "خلال المؤتمر، تم تقديم نتائج البحث التي أعدتها منظمة شمس الأنبار، تلاها ثلاث حلقات نقاش تناولت أسباب التطرف العنيف وتحدياته والحلول له. وقد حظي الحدث بتغطية إعلامية واسعة وتم مشاركته على منصات التواصل الاجتماعي.",
        "During the conference the findings of the research prepared by Shams were presented, followed by three panel discussions on the causes of violent extremism, its challenges, and the solutions. The event had wide media coverage and was shared on social media platforms.",
    ),
]

# (node key, code, Arabic, English, unit ar, unit en, counts people, target = actual, dims, headline)
INDICATORS = [
    (
        "a1",
        "1.1.1a",
        "عدد الاجتماعات مع رؤساء البلديات في المناطق المستهدفة",
        "Meetings held with mayors of the target areas",
        "اجتماع",
        "meetings",
        False,
        10,
        ["area"],
        False,
    ),
    (
        "a2",
        "1.1.2a",
        "عدد المشاركين في الاستطلاع",
        "People surveyed",
        "شخص",
        "people",
        True,
        500,
        ["sex", "age_band", "area"],
        True,
    ),
    (
        "a2",
        "1.1.2b",
        "عدد المناطق المشمولة بالاستطلاع",
        "Areas covered by the survey",
        "منطقة",
        "areas",
        False,
        10,
        [],
        False,
    ),
    (
        "a3",
        "2.1.1a",
        "عدد المشاركين في المؤتمر",
        "Conference participants",
        "شخص",
        "people",
        True,
        200,
        ["sex", "age_band", "target_group"],
        True,
    ),
    (
        "a4",
        "2.1.2a",
        "عدد حلقات النقاش المنعقدة",
        "Panel discussions held",
        "حلقة",
        "panels",
        False,
        3,
        [],
        True,
    ),
]


def _organisations() -> dict[str, Organisation]:
    result = {}
    for slug, fields in ORGANISATIONS.items():
        result[slug], _ = Organisation.objects.update_or_create(slug=slug, defaults=fields)
    return result


def _logins(orgs: dict[str, Organisation]) -> list[tuple[str, str, str]]:
    printed = []
    for username, role, org_slug in LOGINS:
        user, created = User.objects.get_or_create(username=username, defaults={"language": "ar"})
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.update_or_create(
            user=user, organisation=orgs[org_slug], defaults={"role": role}
        )
        printed.append((username, str(role.label), orgs[org_slug].name_en))
    return printed


def _population(area: TargetArea, rng: random.Random) -> None:
    """Synthetic population margins (labelled as such) for weighting demo surveys."""
    shares = {
        AgeBand.FROM_15: 0.09,
        AgeBand.FROM_18: 0.2,
        AgeBand.FROM_25: 0.14,
        AgeBand.FROM_30: 0.27,
        AgeBand.FROM_45: 0.19,
        AgeBand.FROM_60: 0.11,
    }
    size = rng.randint(20_000, 120_000)
    for sex in Sex.values:
        for band, share in shares.items():
            AreaPopulation.objects.update_or_create(
                area=area,
                sex=sex,
                age_band=band,
                defaults={
                    "count": int(size * share / 2 * rng.uniform(0.9, 1.1)),
                    "source": "synthetic demo figures",
                },
            )


@transaction.atomic
def load_demo() -> dict[str, Any]:
    orgs = _organisations()
    logins = _logins(orgs)
    governorates = {
        u.pcode: u for u in AdminUnit.objects.filter(pcode__in=["IQG01", "IQG12", "IQG15"])
    }
    programme, _ = Programme.objects.update_or_create(
        slug="undp-pve-nineveh-anbar-salahaldin",
        defaults={
            "owner": orgs["undp"],
            "title_ar": "تعزيز قدرات المجتمعات المحلية لمواجهة التطرف العنيف في نينوى والأنبار وصلاح الدين",
            "title_en": "Strengthening local communities to confront violent extremism in Nineveh, Anbar and Salah al-Din",
        },
    )
    programme.governorates.set(governorates.values())
    project, _ = Project.objects.update_or_create(
        slug="anbar-prevention-conference-2023",
        defaults={
            "owner": orgs["shams"],
            "programme": programme,
            "code": "SHAMS-PVE-2023-01",
            "title_ar": "مؤتمر الوقاية والصد لمحاربة التطرف العنيف في محافظة الانبار",
            "title_en": "Prevention and Response Conference to counter violent extremism in Anbar governorate",
            "summary_ar": SUMMARY_AR,
            "summary_en": SUMMARY_EN,
            "impact_ar": IMPACT_AR,
            "impact_en": IMPACT_EN,
            "start_date": dt.date(2023, 8, 1),
            "end_date": dt.date(2023, 8, 30),
            "status": 4,
            "sector": "15220",
            "is_public": True,
        },
    )
    project.governorates.set([governorates["IQG01"]])
    for order, (slug, role, access) in enumerate(
        [
            ("shams", "implementing", ""),
            ("world-vision", "extending", Role.VIEWER),
            ("undp", "funding", Role.VIEWER),
            ("germany", "supporting", ""),
        ]
    ):
        ProjectOrganisation.objects.update_or_create(
            project=project,
            organisation=orgs[slug],
            role=role,
            defaults={"access_role": access, "order": order},
        )

    rng = random.Random(2023)
    for pcode in TARGET_AREAS:
        area, _ = TargetArea.objects.get_or_create(
            project=project, unit=AdminUnit.objects.get(pcode=pcode)
        )
        _population(area, rng)

    nodes: dict[str, ResultNode] = {}
    for order, (kind, key, parent, text_ar, text_en) in enumerate(FRAMEWORK, start=1):
        node = project.nodes.filter(kind=kind, title_en=text_en).first() or ResultNode(
            project=project, kind=kind, title_en=text_en, code="?"
        )
        node.parent, node.order, node.title_ar = nodes.get(parent), order, text_ar
        node.save()
        nodes[key] = node
    renumber(project)

    period, _ = ReportingPeriod.objects.get_or_create(
        project=project,
        label="2023-08",
        defaults={"start_date": dt.date(2023, 8, 1), "end_date": dt.date(2023, 8, 30)},
    )
    for order, (
        node_key,
        code,
        name_ar,
        name_en,
        unit_ar,
        unit_en,
        people,
        figure,
        dims,
        headline,
    ) in enumerate(INDICATORS, start=1):
        indicator, _ = Indicator.objects.update_or_create(
            node=nodes[node_key],
            code=code,
            defaults={
                "name_ar": name_ar,
                "name_en": name_en,
                "unit_ar": unit_ar,
                "unit_en": unit_en,
                "counts_people": people,
                "measure": "count",
                "baseline": Decimal(0),
                "disaggregations": dims,
                "headline": headline,
                "order": order,
                "means_of_verification": "Demo data (synthetic)",
            },
        )
        IndicatorTarget.objects.update_or_create(
            indicator=indicator, period=period, defaults={"value": Decimal(figure)}
        )
        IndicatorValue.objects.update_or_create(
            indicator=indicator,
            period=period,
            dimension="",
            category="",
            defaults={"value": Decimal(figure)},
        )
    if period.status != PeriodStatus.APPROVED:
        ReportingPeriod.objects.filter(pk=period.pk).update(status=PeriodStatus.APPROVED)
    load_surveys_demo(project)
    load_dialogue_demo(project)
    load_people_events_demo(project)
    load_library_demo(project)
    load_results_demo(project)
    load_research_demo(project)  # after the surveys and events it codes and cites
    audit.record(None, "demo.load", project)
    return {"project": project, "logins": logins}
