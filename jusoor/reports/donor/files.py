"""The donor report as a file: one code path for downloads and for publishing to the library, so
that what is published is exactly what is downloaded (small cells suppressed)."""

from __future__ import annotations

from jusoor.programmes.models import ReportingPeriod
from jusoor.reports.donor import ReportData, build_report, docx, pdf, xlsx

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
RENDERERS = {"docx": docx.render, "pdf": pdf.render, "xlsx": xlsx.render}


def donor_filename(period: ReportingPeriod, language: str, kind: str) -> str:
    return f"{period.project.slug}-{period.label}-{language}.{kind}"


def render_donor_file(
    period: ReportingPeriod, language: str, kind: str
) -> tuple[ReportData, bytes, str, str]:
    """(report data, file content, content type, file name) of the donor report in ``kind``."""
    data = build_report(period, language)
    content = RENDERERS[kind](data)
    return data, content, CONTENT_TYPES[kind], donor_filename(period, language, kind)
