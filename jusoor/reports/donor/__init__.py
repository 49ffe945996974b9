"""The donor progress report of a reporting period: its content, built once from the data, and
written out as DOCX (``docx.py``), PDF (``pdf.py``) and an XLSX annex (``xlsx.py``).

The narrative is pre-filled from what exists: the project, its organisations and areas, the
results framework with its figures. Other apps add sections through ``register_section`` (for
example meetings held, findings, commitments, media) without this module knowing them. People
write the judgement — challenges, lessons, next steps — which is kept in versions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import get_language_bidi, ngettext, override
from django.utils.translation import gettext as _

from jusoor.programmes.models import NodeKind, ReportingPeriod
from jusoor.reports.figures import IndicatorFigures, ordered_nodes, project_figures
from jusoor.reports.models import DonorReport, DonorReportVersion


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class TableRow:
    code: str
    entry: str
    indicator: str
    unit: str
    baseline: str
    target: str
    actual: str
    percent: str
    disaggregation: str


@dataclass
class ReportData:
    language: str
    rtl: bool
    title: str
    subtitle: str
    facts: list[tuple[str, str]]
    summary: Section
    headers: list[str]
    table: list[TableRow]
    narrative: list[Section]
    written: list[Section]
    version_number: int | None
    version_note: str
    figures: list[IndicatorFigures]
    labels: dict[str, str]


SectionProvider = Callable[[ReportingPeriod, str], Section | None]
_PROVIDERS: list[SectionProvider] = []


def register_section(provider: SectionProvider) -> SectionProvider:
    """Let another app add a pre-filled section (called inside the report's language)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def _percent(figures: IndicatorFigures) -> str:
    return f"{figures.percent.normalize():f}%" if figures.percent is not None else "—"


def _activities_section(period: ReportingPeriod, figures: list[IndicatorFigures]) -> Section:
    by_node: dict[int, list[IndicatorFigures]] = {}
    for item in figures:
        by_node.setdefault(item.node.pk, []).append(item)
    paragraphs = []
    for node in ordered_nodes(period.project):
        if node.kind != NodeKind.ACTIVITY:
            continue
        parts = []
        for item in by_node.get(node.pk, []):
            if item.actual.value is None and not item.actual.suppressed:
                continue
            unit = item.indicator.in_language("unit")
            text = f"{item.indicator}: {item.actual.text()}"
            if unit:
                text += f" {unit}"
            if item.target.value is not None:
                text += " " + _("(target %(target)s)") % {"target": item.target.text()}
            parts.append(text)
        line = f"{node.code} {node.title}"
        if parts:
            line += " — " + _separator(";").join(parts)
        paragraphs.append(line)
    if not paragraphs:
        paragraphs.append(_("The results framework has no activities yet."))
    return Section(_("Activities and their figures"), paragraphs)


def _summary(period: ReportingPeriod, figures: list[IndicatorFigures]) -> Section:
    project = period.project
    paragraphs = []
    if project.summary:
        paragraphs.append(project.summary)
    areas = [str(area.unit) for area in project.target_areas.select_related("unit")]
    with_target = [f for f in figures if f.target.value is not None and f.quantitative]
    reached = [f for f in with_target if f.percent is not None and f.percent >= 100]
    sentence = _("This report covers %(period)s (%(start)s – %(end)s).") % {
        "period": period.label,
        "start": date_format(period.start_date),
        "end": date_format(period.end_date),
    }
    sentence += " " + ngettext(
        "The project works in %(count)s target area:",
        "The project works in %(count)s target areas:",
        len(areas),
    ) % {"count": len(areas)}
    sentence += " " + (_separator(",").join(areas) or "—") + "."
    paragraphs.append(sentence)
    if with_target:
        paragraphs.append(
            ngettext(
                "%(reached)s of %(total)s indicator with a target for this period reached it.",
                "%(reached)s of the %(total)s indicators with a target for this period reached it.",
                len(with_target),
            )
            % {"reached": len(reached), "total": len(with_target)}
        )
    if project.impact:
        paragraphs.append(project.impact)
    return Section(_("Summary"), paragraphs)


def build_report(period: ReportingPeriod, language: str) -> ReportData:
    with override(language):
        return _build(period, language)


def _build(period: ReportingPeriod, language: str) -> ReportData:
    project = period.project
    figures = project_figures(project, period, disclose=True)
    participants = list(project.participants.select_related("organisation"))

    def names(*roles: str) -> str:
        found = [str(p.organisation) for p in participants if p.role in roles]
        return _separator(",").join(found) or "—"

    facts = [
        (_("Organisation"), str(project.owner)),
        (_("Implementing"), names("implementing", "accountable")),
        (_("Partners"), names("extending")),
        (_("Funding"), names("funding")),
        (_("Supporting"), names("supporting")),
        (
            _("Project dates"),
            f"{date_format(project.start_date)} – {date_format(project.end_date)}",
        ),
        (
            _("Reporting period"),
            f"{period.label}: {date_format(period.start_date)} – {date_format(period.end_date)}",
        ),
        (_("Period status"), str(period.get_status_display())),
    ]
    table = [
        TableRow(
            code=item.node.code,
            entry=item.node.title,
            indicator=str(item.indicator),
            unit=item.indicator.in_language("unit"),
            baseline=item.baseline.text(),
            target=item.target.text(),
            actual=item.actual.text(),
            percent=_percent(item),
            disaggregation=item.breakdown_text() or "—",
        )
        for item in figures
    ]
    narrative = [_activities_section(period, figures)]
    for provider in _PROVIDERS:
        section = provider(period, language)
        if section is not None:
            narrative.append(section)

    report = DonorReport.objects.filter(period=period, language=language).first()
    version: DonorReportVersion | None = report.latest() if report else None
    empty = _("(not written yet)")
    written = [
        Section(_("Challenges"), _paragraphs(version.challenges if version else "") or [empty]),
        Section(_("Lessons learned"), _paragraphs(version.lessons if version else "") or [empty]),
        Section(_("Next steps"), _paragraphs(version.next_steps if version else "") or [empty]),
    ]
    version_note = (
        _("Written sections: version %(number)s of %(date)s.")
        % {"number": version.number, "date": date_format(version.created_at)}
        if version
        else _("The written sections have not been saved yet.")
    )
    return ReportData(
        language=language,
        rtl=get_language_bidi(),
        title=_("Progress report: %(project)s") % {"project": project},
        subtitle=_("Reporting period %(period)s") % {"period": period.label},
        facts=facts,
        summary=_summary(period, figures),
        headers=[
            _("Code"),
            _("Framework entry"),
            _("Indicator"),
            _("Unit"),
            _("Baseline"),
            _("Target"),
            _("Actual"),
            _("Achieved"),
            _("Disaggregation"),
        ],
        table=table,
        narrative=narrative,
        written=written,
        version_number=version.number if version else None,
        version_note=version_note,
        figures=figures,
        labels={
            "framework": _("Results framework"),
            "narrative": _("What was done"),
            "written": _("Assessment"),
            "small_cells": _(
                "Counts of fewer than %(n)s people are not shown, to protect those people."
            )
            % {"n": _threshold()},
            "generated": _("Generated by Jusoor from the project's data."),
        },
    )


def _separator(mark: str) -> str:
    """Arabic text separates lists with the Arabic comma and semicolon."""
    if get_language_bidi():
        return {",": "، ", ";": "؛ "}[mark]
    return mark + " "


def _threshold() -> int:
    from django.conf import settings

    return settings.SMALL_CELL_THRESHOLD


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
