"""Reading the coded material: code frequencies by group, and keyword in context."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jusoor.geo.models import AdminUnit
from jusoor.programmes.models import Project
from jusoor.research import textindex
from jusoor.research.models import Code, Coding
from jusoor.research.sources import Source, project_sources
from jusoor.surveys.models import Form
from jusoor.surveys.xlsform import label_of, language_for

GROUPS = ("area", "sex", "age_band", "respondent_type")


def group_title(group: str) -> str:
    return {
        "area": _("Area"),
        "sex": _("Sex"),
        "age_band": _("Age band"),
        "respondent_type": _("Respondent type"),
    }[group]


def level_labels(project: Project, group: str, levels: list[str]) -> dict[str, str]:
    """What each group level is called in the active language."""
    language = (get_language() or "ar")[:2]
    if group == "area":
        units = {u.pcode: u.in_language("name") for u in AdminUnit.objects.filter(pcode__in=levels)}
        return {level: units.get(level, level or "—") for level in levels}
    if group == "sex":
        names = {"f": _("Female"), "m": _("Male")}
        return {level: names.get(level, level or "—") for level in levels}
    if group == "respondent_type":
        roles: dict[str, str] = {}
        for form in Form.objects.filter(project=project, is_key_informant_guide=True):
            version = form.current_version
            if version is None:
                continue
            for q in version.questions:
                if q["name"] == "role":
                    for c in q["choices"]:
                        roles[f"kii:{c['name']}"] = label_of(
                            c, language_for(version.languages, language)
                        )
        fixed = {
            "survey": _("Survey respondent"),
            "meeting": _("Meeting"),
            "panel": _("Conference panel"),
            "kii": _("Key informant"),
        }
        return {level: roles.get(level) or fixed.get(level, level or "—") for level in levels}
    return {level: level or "—" for level in levels}


@dataclass
class FrequencyTable:
    group: str
    levels: list[str]
    labels: dict[str, str]
    rows: list[tuple[Code, list[int], int]]  # code, count per level, total
    totals: list[int] = field(default_factory=list)


def frequencies(project: Project, group: str) -> FrequencyTable:
    """Coded segments per code and group level (a segment counts once per code)."""
    if group not in GROUPS:
        group = "area"
    counts: Counter[tuple[int, str]] = Counter()
    for code_id, level in Coding.objects.filter(segment__project=project).values_list(
        "code_id", f"segment__{group}"
    ):
        counts[(code_id, level or "")] += 1
    levels = sorted({level for _c, level in counts})
    labels = level_labels(project, group, levels)
    levels.sort(key=lambda level: (level == "", labels[level]))
    rows = []
    codes = Code.objects.filter(codebook__project=project)
    for code in codes:
        per = [counts[(code.pk, level)] for level in levels]
        rows.append((code, per, sum(per)))
    totals = [sum(r[1][i] for r in rows) for i in range(len(levels))]
    return FrequencyTable(group, levels, labels, rows, totals)


@dataclass
class SourceHits:
    source: Source
    hits: list[textindex.Hit]


def search(project: Project, query: str, sources: list[Source] | None = None) -> list[SourceHits]:
    """Keyword in context across every source of the project, Arabic spelling variants folded."""
    found = []
    for source in sources if sources is not None else project_sources(project):
        hits = textindex.keyword_in_context(source.text, query)
        if hits:
            found.append(SourceHits(source, hits))
    return found
