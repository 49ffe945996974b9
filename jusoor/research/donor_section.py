"""The donor report's section on research: the project's published findings, one line each."""

from __future__ import annotations

from django.utils.translation import gettext as _

from jusoor.programmes.models import ReportingPeriod
from jusoor.reports.donor import Section
from jusoor.research.models import Finding, FindingStatus


def findings_section(period: ReportingPeriod, language: str) -> Section | None:
    findings = Finding.objects.filter(
        project=period.project, status=FindingStatus.PUBLISHED
    ).order_by("order", "pk")
    lines = []
    for finding in findings:
        line = finding.in_language("statement", language)
        if finding.synthetic:
            line += " " + _("(synthetic data)")
        lines.append(line)
    if not lines:
        return None
    return Section(_("Research findings"), lines)
