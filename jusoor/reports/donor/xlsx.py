"""The indicator annex of the donor report as a spreadsheet: one row per indicator and one per
disaggregated figure, with small counts of people hidden. Arabic sheets read right to left."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.styles import Font

from jusoor.reports.donor import ReportData


def render(data: ReportData) -> bytes:
    with override(data.language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Indicators")[:31]
        sheet.sheet_view.rightToLeft = data.rtl
        headers = [
            _("Code"),
            _("Framework entry"),
            _("Indicator"),
            _("Unit"),
            _("Baseline"),
            _("Target"),
            _("Actual"),
            _("Achieved (%)"),
            _("Disaggregated by"),
            _("Group"),
            _("Note"),
        ]
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        hidden = _("hidden: fewer than the small-cell threshold")
        for item in data.figures:
            sheet.append(
                [
                    item.node.code,
                    item.node.title,
                    str(item.indicator),
                    item.indicator.in_language("unit"),
                    _number(item.baseline.value),
                    _number(item.target.value),
                    _number(item.actual.value),
                    float(item.percent) if item.percent is not None else None,
                    "",
                    "",
                    hidden if item.actual.suppressed else "",
                ]
            )
            for part in item.breakdown:
                sheet.append(
                    [
                        item.node.code,
                        item.node.title,
                        str(item.indicator),
                        item.indicator.in_language("unit"),
                        None,
                        None,
                        _number(part.cell.value),
                        None,
                        part.dimension_label,
                        part.category_label,
                        hidden if part.cell.suppressed else "",
                    ]
                )
        for column, width in zip(
            "ABCDEFGHIJK", [8, 40, 40, 12, 10, 10, 10, 12, 18, 22, 30], strict=True
        ):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _number(value):  # type: ignore[no-untyped-def]
    if value is None:
        return None
    return int(value) if value == value.to_integral() else float(value)
