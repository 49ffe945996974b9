"""The donor report as PDF (reportlab), Arabic shaped and in reading order.

reportlab lays glyphs out left to right as given and knows nothing of Arabic. So Arabic text is
shaped first (``arabic_reshaper``: joined letter forms), wrapped into lines here in logical order
(wrapping after reordering would put the end of a sentence on its first line), and only then each
line is reordered for display (``python-bidi``). Arabic letters are drawn with Noto Naskh Arabic;
what that font lacks (Latin letters) falls back to DejaVu Sans. The fonts come from the system
packages fonts-noto-core and fonts-dejavu-core.
"""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi.algorithm import get_display
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from jusoor.reports.donor import ReportData, Section

FONT_DIRS = [Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/truetype/dejavu")]
NASKH, NASKH_BOLD = "ReportsNaskh", "ReportsNaskhBold"
LATIN, LATIN_BOLD = "ReportsDejaVu", "ReportsDejaVuBold"
ARABIC_LETTERS = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
PAGE = landscape(A4)
MARGIN = 15 * mm


def _find(name: str) -> str:
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    raise RuntimeError(
        f"The font {name} is missing: install the system packages fonts-noto-core and "
        "fonts-dejavu-core."
    )


@cache
def _coverage() -> dict[str, frozenset[int]]:
    covered = {}
    for name, file in (
        (NASKH, "NotoNaskhArabic-Regular.ttf"),
        (NASKH_BOLD, "NotoNaskhArabic-Bold.ttf"),
        (LATIN, "DejaVuSans.ttf"),
        (LATIN_BOLD, "DejaVuSans-Bold.ttf"),
    ):
        font = TTFont(name, _find(file))
        pdfmetrics.registerFont(font)
        covered[name] = frozenset(font.face.charToGlyph)
    return covered


def _font(char: str, bold: bool) -> str:
    naskh = NASKH_BOLD if bold else NASKH
    if ARABIC_LETTERS.match(char) and ord(char) in _coverage()[naskh]:
        return naskh
    return LATIN_BOLD if bold else LATIN


def _runs(text: str, bold: bool) -> list[tuple[str, str]]:
    """Split text into (font, text) runs; spaces stay with the run they are in."""
    runs: list[tuple[str, str]] = []
    for char in text:
        font = runs[-1][0] if char == " " and runs else _font(char, bold)
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    return runs


def _width(text: str, size: float, bold: bool) -> float:
    return sum(pdfmetrics.stringWidth(t, font, size) for font, t in _runs(text, bold))


def _markup(line: str, bold: bool) -> str:
    return "".join(f'<font name="{font}">{escape(t)}</font>' for font, t in _runs(line, bold))


def visual_lines(text: str, size: float, width: float, rtl: bool, bold: bool = False) -> list[str]:
    """Shape, wrap in logical order, then reorder each line for drawing."""
    lines = []
    for paragraph in str(text).split("\n"):
        shaped = arabic_reshaper.reshape(paragraph)
        current = ""
        for word in shaped.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and _width(candidate, size, bold) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return [get_display(line, base_dir="R" if rtl else "L") for line in lines]


class Writer:
    def __init__(self, data: ReportData) -> None:
        _coverage()
        self.data = data
        self.rtl = data.rtl
        align = TA_RIGHT if self.rtl else TA_LEFT
        self.styles = {
            "title": ParagraphStyle(
                "title", fontName=LATIN_BOLD, fontSize=17, leading=26, alignment=align
            ),
            "h1": ParagraphStyle(
                "h1",
                fontName=LATIN_BOLD,
                fontSize=14,
                leading=22,
                alignment=align,
                spaceBefore=8,
                spaceAfter=4,
            ),
            "h2": ParagraphStyle(
                "h2",
                fontName=LATIN_BOLD,
                fontSize=12,
                leading=19,
                alignment=align,
                spaceBefore=6,
                spaceAfter=2,
            ),
            "body": ParagraphStyle(
                "body", fontName=LATIN, fontSize=10.5, leading=17, alignment=align, spaceAfter=4
            ),
            "cell": ParagraphStyle(
                "cell", fontName=LATIN, fontSize=8.5, leading=13, alignment=align
            ),
            "head": ParagraphStyle(
                "head", fontName=LATIN_BOLD, fontSize=8.5, leading=13, alignment=align
            ),
        }

    def paragraph(self, text: str, style: str, width: float) -> Paragraph:
        chosen = self.styles[style]
        bold = chosen.fontName == LATIN_BOLD
        text = str(text or "")
        if ARABIC_LETTERS.search(text) or self.rtl:
            # Slightly narrower than the frame, so reportlab never wraps a line again.
            lines = visual_lines(text, chosen.fontSize, width * 0.96, self.rtl, bold)
            return Paragraph("<br/>".join(_markup(line, bold) for line in lines), chosen)
        return Paragraph(_markup(text, bold), chosen)

    def table(self, headers: list[str], rows: list[list[str]], widths: list[float]) -> Table:
        """A table; without headers, the first column is the label column (in bold)."""
        if self.rtl:  # the first column on the right
            headers, widths = headers[::-1], widths[::-1]
            rows = [row[::-1] for row in rows]
        cells = []
        if headers:
            cells.append(
                [self.paragraph(h, "head", w - 6) for h, w in zip(headers, widths, strict=True)]
            )
        cells += [
            [self.paragraph(v, "cell", w - 6) for v, w in zip(row, widths, strict=True)]
            for row in rows
        ]
        table = Table(cells, colWidths=widths, repeatRows=1 if headers else 0)
        shaded = (0, 0), (-1, 0)
        if not headers:
            label_column = len(widths) - 1 if self.rtl else 0
            shaded = (label_column, 0), (label_column, -1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", *shaded, colors.HexColor("#e8eef3")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return table

    def section(self, section: Section, width: float, level: str = "h2") -> list:  # type: ignore[type-arg]
        story = [self.paragraph(section.title, level, width)]
        story += [self.paragraph(text, "body", width) for text in section.paragraphs]
        return story


def render(data: ReportData) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=data.title,
        lang=data.language,
    )
    width = PAGE[0] - 2 * MARGIN
    writer = Writer(data)
    story: list = [  # type: ignore[type-arg]
        writer.paragraph(data.title, "title", width),
        writer.paragraph(data.subtitle, "h2", width),
        writer.table([], [[k, v] for k, v in data.facts], [width * 0.25, width * 0.75]),
        Spacer(1, 4 * mm),
    ]
    story += writer.section(data.summary, width, "h1")
    story.append(writer.paragraph(data.labels["framework"], "h1", width))
    fractions = [0.05, 0.17, 0.19, 0.07, 0.07, 0.07, 0.07, 0.07, 0.24]
    story.append(
        writer.table(
            data.headers,
            [
                [
                    r.code,
                    r.entry,
                    r.indicator,
                    r.unit,
                    r.baseline,
                    r.target,
                    r.actual,
                    r.percent,
                    r.disaggregation,
                ]
                for r in data.table
            ],
            [width * f for f in fractions],
        )
    )
    story.append(Spacer(1, 2 * mm))
    story.append(writer.paragraph(data.labels["small_cells"], "body", width))
    story.append(writer.paragraph(data.labels["narrative"], "h1", width))
    for section in data.narrative:
        story += writer.section(section, width)
    story.append(writer.paragraph(data.labels["written"], "h1", width))
    story.append(writer.paragraph(data.version_note, "body", width))
    for section in data.written:
        story += writer.section(section, width)
    story.append(Spacer(1, 4 * mm))
    story.append(writer.paragraph(data.labels["generated"], "body", width))
    document.build(story)
    return buffer.getvalue()
