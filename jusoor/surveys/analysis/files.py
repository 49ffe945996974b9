"""Analysis tables as files that leave the workspace: XLSX and CSV (UTF-8 with a BOM, so Excel
reads Arabic). Only released results go in: small cells have no numbers, only the word why."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from jusoor.surveys.analysis.results import AnalysisResult, TableRow


def _number(x: float | None, share: bool, digits: int) -> float | None:
    if x is None:
        return None
    return round(x * 100, 1) if share else round(x, digits)


def header() -> list[str]:
    return [
        _("Question"),
        _("Breakdown"),
        _("Group"),
        _("Answer or statistic"),
        _("Estimate"),
        _("Unit"),
        _("95% CI low"),
        _("95% CI high"),
        _("Standard error"),
        _("Respondents (n)"),
        _("Weighted N"),
        _("Design effect"),
        _("Note"),
    ]


def _note(row: TableRow, threshold: int) -> str:
    if row.suppressed_reason == "empty":
        return _("nobody in this group answered")
    if row.suppressed_reason == "complementary":
        return _("hidden to protect a small cell")
    if row.suppressed:
        return _("hidden: fewer than %(n)s respondents") % {"n": threshold}
    if row.note == "no_degrees_of_freedom":
        return _("no interval: the group lies in one cluster")
    return ""


def rows(result: AnalysisResult) -> list[list[Any]]:
    """The released table, one line per figure."""
    released = result.released()
    lines = []
    for table in released.tables:
        for row in table.rows:
            share = row.is_share
            lines.append(
                [
                    table.label,
                    table.breakdown_labels.get(row.breakdown, row.breakdown),
                    row.domain_label,
                    row.category_label,
                    _number(row.estimate, share, 3),
                    "%" if share else "",
                    _number(row.ci_low, share, 3),
                    _number(row.ci_high, share, 3),
                    _number(row.se, share, 4),
                    row.n if not row.suppressed else None,
                    round(row.weighted_n) if not row.suppressed else None,
                    round(row.deff, 2) if row.deff is not None else None,
                    _note(row, result.threshold),
                ]
            )
    return lines


def notes(result: AnalysisResult, methods: str = "") -> list[str]:
    lines = [
        result.form_title,
        _("Weighted: raked to the target areas' population by area, sex and age band.")
        if result.weighted
        else _("Unweighted."),
        _("%(n)d respondents analysed.") % {"n": result.analysed},
        _(
            "Figures describing fewer than %(n)s respondents are hidden, with the cells that would reveal them."
        )
        % {"n": result.threshold},
    ]
    if methods:
        lines.append(methods)
    if result.synthetic:
        lines.append(_("Synthetic demonstration data, not real respondents."))
    lines += result.warnings
    return lines


def to_csv(result: AnalysisResult) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header())
    for line in rows(result):
        writer.writerow(["" if v is None else v for v in line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(result: AnalysisResult, methods: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Estimates")[:31]
    rtl = result.language == "ar"
    sheet.sheet_view.rightToLeft = rtl
    sheet.append(header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in rows(result):
        sheet.append(line)
    sheet.freeze_panes = "A2"
    for column, width in zip(
        "ABCDEFGHIJKLM", (48, 18, 28, 32, 10, 6, 10, 10, 10, 10, 12, 10, 34), strict=True
    ):
        sheet.column_dimensions[column].width = width
    about = workbook.create_sheet(_("About")[:31])
    about.sheet_view.rightToLeft = rtl
    for line in notes(result, methods):
        about.append([line])
    about.column_dimensions["A"].width = 120
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
