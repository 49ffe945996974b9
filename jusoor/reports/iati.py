"""IATI activity XML (standard 2.03) for one project.

What goes where, and why (see docs/reports.md):

- ``iati-identifier`` is the reporting organisation's IATI identifier, a hyphen, and the project
  code; ``reporting-org`` is the project's owner.
- ``participating-org`` carries the IATI OrganisationRole codes 1–4. Jusoor's "supporting" role
  has no IATI code, so those organisations are left out of the file.
- ``activity-date``: planned dates before work starts (and for cancelled projects); actual start
  once the project is running; actual end once it is finishing or closed. An "actual" date in the
  future is reported as planned, as the IATI rules ask.
- ``location``: IATI's GeographicVocabulary has no code for OCHA p-codes (``G1`` is GeoNames
  numeric ids, ``A1``–``A3`` are GAUL, SALB and GADM). So the p-code goes in ``location/@ref`` (the
  publisher's own reference), with the names, location class 1 (administrative region), the
  GeoNames feature designation ADM1/ADM2/ADM3, and the country as ``administrative`` in the ISO
  vocabulary ``A4``.
- ``sector``: the DAC code (vocabulary 1) at 100 %, and SDG target 16.a (vocabulary 8) at 100 %;
  percentages are checked per vocabulary.
- ``result``: one per framework entry that has indicators — objective → impact (3), result →
  outcome (2), activity → output (1); measures count and mean → unit (1), percentage → percentage
  (2), qualitative → qualitative (5, described in a comment, no value). Counts of people below the
  small-cell threshold are left out: the file is public.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from jusoor.accounts.models import IATI_ORGANISATION_TYPE
from jusoor.geo.models import Level
from jusoor.programmes.models import (
    IATI_ROLE_CODE,
    IndicatorValue,
    Measure,
    NodeKind,
    Project,
    ProjectStatus,
)
from jusoor.reports.figures import IndicatorFigures, plain_number, project_figures

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
COUNTRY = "IQ"
SDG_TARGET = "16.a"
SECTOR_VOCABULARY_DAC = "1"
SECTOR_VOCABULARY_SDG_TARGET = "8"
RESULT_TYPE = {NodeKind.ACTIVITY: "1", NodeKind.RESULT: "2", NodeKind.OBJECTIVE: "3"}
MEASURE_CODE = {
    Measure.COUNT: "1",
    Measure.MEAN: "1",
    Measure.PERCENTAGE: "2",
    Measure.QUALITATIVE: "5",
}
FEATURE_DESIGNATION = {
    Level.GOVERNORATE: "ADM1",
    Level.DISTRICT: "ADM2",
    Level.SUB_DISTRICT: "ADM3",
}
DAC_CODE = re.compile(r"\d{5}")


@dataclass
class Missing:
    """One thing to fill in before the file can be made: which field, where, and a link."""

    field: str
    problem: str
    url: str = ""
    link_text: str = ""


@dataclass
class IatiResult:
    xml: bytes = b""
    missing: list[Missing] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing


def missing_data(project: Project) -> list[Missing]:
    """What the project lacks for a valid IATI activity, field by field, with the form to use."""
    missing = []
    owner = project.owner
    edit_project = reverse("programmes:project_edit", args=[project.pk])
    if not owner.iati_ref.strip():
        missing.append(
            Missing(
                _("IATI organisation identifier of %(organisation)s") % {"organisation": owner},
                _(
                    "The reporting organisation needs its IATI identifier (for example "
                    "IQ-NGO-1234 or XM-DAC-41114); the activity identifier starts with it."
                ),
                reverse("accounts:organisation_edit", args=[owner.slug]),
                _("Edit the organisation"),
            )
        )
    if not project.code.strip():
        missing.append(
            Missing(
                _("Project code"),
                _("The activity identifier ends with the project code."),
                edit_project,
                _("Edit the project"),
            )
        )
    if not (project.summary_ar.strip() or project.summary_en.strip()):
        missing.append(
            Missing(
                _("Summary (Arabic or English)"),
                _("IATI requires a description of the activity."),
                edit_project,
                _("Edit the project"),
            )
        )
    if not DAC_CODE.fullmatch(project.sector or ""):
        missing.append(
            Missing(
                _("Sector (DAC code)"),
                _("The sector must be a five-digit DAC purpose code, such as 15220."),
                edit_project,
                _("Edit the project"),
            )
        )
    if not any(p.role in IATI_ROLE_CODE for p in project.participants.all()):
        missing.append(
            Missing(
                _("Participating organisations"),
                _(
                    "At least one organisation must take part as funding, accountable, extending "
                    "or implementing (supporting has no IATI role)."
                ),
                reverse("programmes:participant_add", args=[project.pk]),
                _("Add an organisation"),
            )
        )
    qualitative = IndicatorValue.objects.filter(
        indicator__node__project=project,
        indicator__measure=Measure.QUALITATIVE,
        dimension="",
        note="",
    ).select_related("indicator", "period")
    for row in qualitative:
        missing.append(
            Missing(
                _("Note of the value of “%(indicator)s” for %(period)s")
                % {"indicator": row.indicator, "period": row.period},
                _("A qualitative indicator is reported in words: write them in the note."),
                reverse("programmes:indicator", args=[row.indicator_id]),
                _("Open the indicator"),
            )
        )
    return missing


def build(project: Project) -> IatiResult:
    missing = missing_data(project)
    if missing:
        return IatiResult(missing=missing)
    root = activity_xml(project)
    problems = ruleset_problems(root)
    if problems:  # a bug in this module rather than missing data; never publish it
        return IatiResult(missing=[Missing(_("IATI rules"), p) for p in problems])
    return IatiResult(
        xml=etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    )


def _narratives(parent: etree._Element, texts: dict[str, str]) -> None:
    for language in ("ar", "en"):
        text = (texts.get(language) or "").strip()
        if text:
            narrative = etree.SubElement(parent, "narrative")
            narrative.set(XML_LANG, language)
            narrative.text = text


def _text(parent: etree._Element, tag: str, texts: dict[str, str], **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, **attrs)
    _narratives(element, texts)
    return element


def _date(parent: etree._Element, kind: str, date: dt.date) -> None:
    etree.SubElement(parent, "activity-date", type=kind, **{"iso-date": date.isoformat()})


def _activity_dates(activity: etree._Element, project: Project, today: dt.date) -> None:
    status = project.status
    started = status in {
        ProjectStatus.IMPLEMENTATION,
        ProjectStatus.FINALISATION,
        ProjectStatus.CLOSED,
        ProjectStatus.SUSPENDED,
    }
    ended = status in {ProjectStatus.FINALISATION, ProjectStatus.CLOSED}
    actual_start = started and project.start_date <= today
    _date(activity, "2" if actual_start else "1", project.start_date)
    actual_end = ended and project.end_date <= today
    _date(activity, "4" if actual_end else "3", project.end_date)


def _organisation_name(organisation) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"ar": organisation.name_ar, "en": organisation.name_en}


def activity_xml(project: Project, today: dt.date | None = None) -> etree._Element:
    today = today or timezone.localdate()
    owner = project.owner
    root = etree.Element(
        "iati-activities",
        version="2.03",
        **{"generated-datetime": timezone.now().replace(microsecond=0).isoformat()},
    )
    activity = etree.SubElement(
        root,
        "iati-activity",
        **{
            "last-updated-datetime": project.updated_at.replace(microsecond=0).isoformat(),
            "hierarchy": "1",
        },
    )
    activity.set(XML_LANG, "ar")
    identifier = etree.SubElement(activity, "iati-identifier")
    identifier.text = f"{owner.iati_ref.strip()}-{project.code.strip()}"
    reporting = etree.SubElement(
        activity,
        "reporting-org",
        ref=owner.iati_ref.strip(),
        type=IATI_ORGANISATION_TYPE.get(owner.kind, "22"),
    )
    _narratives(reporting, _organisation_name(owner))
    _text(activity, "title", {"ar": project.title_ar, "en": project.title_en})
    _text(activity, "description", {"ar": project.summary_ar, "en": project.summary_en}, type="1")
    objectives = [n for n in project.nodes.all() if n.kind == NodeKind.OBJECTIVE]
    objective_texts = {
        language: "\n".join(n.in_language("title", language) for n in objectives)
        for language in ("ar", "en")
    }
    if any(objective_texts.values()):
        _text(activity, "description", objective_texts, type="2")
    if project.impact_ar.strip() or project.impact_en.strip():
        _text(activity, "description", {"ar": project.impact_ar, "en": project.impact_en}, type="4")

    for participation in project.participants.select_related("organisation"):
        code = IATI_ROLE_CODE.get(participation.role)
        if code is None:
            continue  # "supporting" has no IATI OrganisationRole
        organisation = participation.organisation
        attrs = {"role": str(code), "type": IATI_ORGANISATION_TYPE.get(organisation.kind, "22")}
        if organisation.iati_ref.strip():
            attrs["ref"] = organisation.iati_ref.strip()
        org = etree.SubElement(activity, "participating-org", **attrs)
        _narratives(org, _organisation_name(organisation))

    etree.SubElement(activity, "activity-status", code=str(project.status))
    _activity_dates(activity, project, today)

    areas = list(project.target_areas.select_related("unit__parent__parent"))
    governorates = {area.unit.governorate.pcode for area in areas}
    if governorates:
        etree.SubElement(activity, "activity-scope", code="6" if len(governorates) == 1 else "5")
    etree.SubElement(activity, "recipient-country", code=COUNTRY, percentage="100")
    for area in areas:
        unit = area.unit
        location = etree.SubElement(activity, "location", ref=unit.pcode)
        etree.SubElement(location, "location-reach", code="1")  # where the activity happens
        _text(location, "name", {"ar": unit.name_ar, "en": unit.name_en})
        etree.SubElement(location, "administrative", vocabulary="A4", level="0", code=COUNTRY)
        etree.SubElement(location, "exactness", code="2")  # approximate: the whole unit
        etree.SubElement(location, "location-class", code="1")  # administrative region
        etree.SubElement(
            location, "feature-designation", code=FEATURE_DESIGNATION.get(unit.level, "ADMD")
        )

    etree.SubElement(
        activity,
        "sector",
        vocabulary=SECTOR_VOCABULARY_DAC,
        code=project.sector,
        percentage="100",
    )
    etree.SubElement(
        activity,
        "sector",
        vocabulary=SECTOR_VOCABULARY_SDG_TARGET,
        code=SDG_TARGET,
        percentage="100",
    )
    _results(activity, project)
    return root


def _results(activity: etree._Element, project: Project) -> None:
    periods = list(project.periods.all())
    all_figures = project_figures(project, disclose=True)
    by_node: dict[int, list[IndicatorFigures]] = {}
    for figures in all_figures:
        by_node.setdefault(figures.node.pk, []).append(figures)
    per_period = {
        period.pk: {f.indicator.pk: f for f in project_figures(project, period, disclose=True)}
        for period in periods
    }
    for node_figures in by_node.values():
        node = node_figures[0].node
        result = etree.SubElement(
            activity, "result", type=RESULT_TYPE[node.kind], **{"aggregation-status": "0"}
        )
        titles = {"ar": f"{node.code} {node.title_ar}"}
        if node.title_en:
            titles["en"] = f"{node.code} {node.title_en}"
        _text(result, "title", titles)
        if node.description_ar or node.description_en:
            _text(result, "description", {"ar": node.description_ar, "en": node.description_en})
        for figures in node_figures:
            _indicator(result, figures, project, periods, per_period)


def _indicator(result, figures, project, periods, per_period) -> None:  # type: ignore[no-untyped-def]
    indicator = figures.indicator
    qualitative = indicator.measure == Measure.QUALITATIVE
    element = etree.SubElement(
        result, "indicator", measure=MEASURE_CODE[indicator.measure], ascending="1"
    )
    _text(element, "title", {"ar": indicator.name_ar, "en": indicator.name_en})
    if indicator.definition_ar or indicator.definition_en:
        _text(
            element, "description", {"ar": indicator.definition_ar, "en": indicator.definition_en}
        )
    if indicator.baseline is not None or indicator.baseline_note:
        baseline = etree.SubElement(
            element,
            "baseline",
            year=str(project.start_date.year),
            **{"iso-date": project.start_date.isoformat()},
        )
        if not qualitative and figures.baseline.value is not None:
            baseline.set("value", plain_number(figures.baseline.value))
        if indicator.baseline_note:
            _text(baseline, "comment", {"ar": indicator.baseline_note})
    for period in periods:
        pf = per_period[period.pk].get(indicator.pk)
        if pf is None or (pf.target.value is None and pf.actual.value is None):
            continue
        period_element = etree.SubElement(element, "period")
        etree.SubElement(
            period_element, "period-start", **{"iso-date": period.start_date.isoformat()}
        )
        etree.SubElement(period_element, "period-end", **{"iso-date": period.end_date.isoformat()})
        if pf.target.value is not None:
            target = etree.SubElement(period_element, "target")
            if not qualitative:
                target.set("value", plain_number(pf.target.value))
        if pf.actual.value is not None:
            actual = etree.SubElement(period_element, "actual")
            if qualitative:
                note = (
                    indicator.values.filter(period=period, dimension="")
                    .values_list("note", flat=True)
                    .first()
                )
                _text(actual, "comment", {"ar": note or ""})
            else:
                actual.set("value", plain_number(pf.actual.value))
            for part in pf.breakdown:
                if part.cell.value is None or qualitative:
                    continue  # hidden small cell
                dimension = etree.SubElement(
                    period_element, "actual", value=plain_number(part.cell.value)
                )
                etree.SubElement(dimension, "dimension", name=part.dimension, value=part.category)


def ruleset_problems(root: etree._Element) -> list[str]:
    """The main IATI ruleset checks that the schema cannot make (sector percentages per
    vocabulary, a start date, numeric values for quantitative indicators)."""
    problems = []
    for activity in root.iter("iati-activity"):
        identifier = activity.findtext("iati-identifier") or ""
        reporting_ref = activity.find("reporting-org").get("ref", "")  # type: ignore[union-attr]
        if not identifier.startswith(reporting_ref + "-"):
            problems.append("iati-identifier must start with the reporting-org ref")
        if not activity.xpath("activity-date[@type='1' or @type='2']"):
            problems.append("an activity-date of type 1 or 2 (start) must be present")
        sectors = activity.findall("sector")
        if not sectors:
            problems.append("a sector must be present")
        totals: dict[str, Decimal] = {}
        for sector in sectors:
            vocabulary = sector.get("vocabulary", "1")
            try:
                totals[vocabulary] = totals.get(vocabulary, Decimal(0)) + Decimal(
                    sector.get("percentage", "100")
                )
            except InvalidOperation:
                problems.append("sector percentages must be numbers")
        for vocabulary, total in totals.items():
            if total != 100:
                problems.append(f"sector percentages of vocabulary {vocabulary} sum to {total}")
        for indicator in activity.iter("indicator"):
            quantitative = indicator.get("measure") != "5"
            for element in indicator.xpath(".//baseline | .//target | .//actual"):
                value = element.get("value")
                if quantitative and value is not None:
                    try:
                        Decimal(value)
                    except InvalidOperation:
                        problems.append(f"indicator value {value!r} is not a number")
                if not quantitative and value is not None:
                    problems.append("qualitative indicators carry no value")
        dates = {d.get("type"): d.get("iso-date") for d in activity.findall("activity-date")}
        start = dates.get("2") or dates.get("1")
        end = dates.get("4") or dates.get("3")
        if start and end and end < start:
            problems.append("the end date is before the start date")
    return problems
