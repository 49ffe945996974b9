"""The research report as DOCX (editable, right to left done as Word does it) and PDF.

Both reuse the donor report's writers: ``reports.donor.docx`` for the bidi paragraph, run and
table properties, ``reports.donor.pdf`` for shaping, wrapping and reordering Arabic. Charts are
the PNGs of ``charts.py`` (Arabic laid out by libraqm).
"""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Cm, Pt
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Image, SimpleDocTemplate, Spacer, Table, TableStyle

from jusoor.programmes.models import Project
from jusoor.reports.donor import docx as donor_docx
from jusoor.reports.donor import pdf as donor_pdf
from jusoor.research.report import Block, ReportData, build_report

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _docx_paragraph(document, text: str, data: ReportData, style: str | None = None, italic=False):  # type: ignore[no-untyped-def]
    paragraph = document.add_paragraph(style=style)
    run = paragraph.add_run(text)
    run.italic = italic
    donor_docx._paragraph_rtl(paragraph, data.rtl, data.language)
    return paragraph


def render_docx(data: ReportData) -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = donor_docx.FONT
    normal.font.size = Pt(11)
    if data.rtl:
        donor_docx._ensure(document.sections[0]._sectPr, "w:bidi", donor_docx.AFTER_SECT_BIDI)
    donor_docx._heading(document, data.title, 0, data)  # type: ignore[arg-type]
    donor_docx._table(document, [], [[k, v] for k, v in data.facts], data)  # type: ignore[arg-type]
    for block in data.blocks:
        if block.kind == "heading":
            donor_docx._heading(document, block.text, block.level, data)  # type: ignore[arg-type]
        elif block.kind in ("paragraph", "note"):
            _docx_paragraph(document, block.text, data, italic=block.kind == "note")
        elif block.kind == "quote":
            _docx_paragraph(document, f"«{block.text}» — {block.source}", data, "Quote")
        elif block.kind == "table":
            donor_docx._table(document, block.headers, block.rows, data)  # type: ignore[arg-type]
            document.add_paragraph()
        elif block.kind == "chart":
            paragraph = document.add_paragraph()
            paragraph.add_run().add_picture(io.BytesIO(block.png(data.rtl)), width=Cm(16))
            donor_docx._paragraph_rtl(paragraph, data.rtl, data.language)
            _docx_paragraph(document, block.text, data, "Caption")
    _docx_paragraph(document, data.labels["small_cells"], data)
    _docx_paragraph(document, data.labels["generated"], data)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


PAGE = A4
MARGIN = 18 * mm


def _pdf_block(writer: donor_pdf.Writer, block: Block, width: float, rtl: bool) -> list:  # type: ignore[type-arg]
    if block.kind == "heading":
        return [writer.paragraph(block.text, "h1" if block.level <= 1 else "h2", width)]
    if block.kind == "paragraph":
        return [writer.paragraph(block.text, "body", width)]
    if block.kind == "note":
        return [writer.paragraph(block.text, "cell", width)]
    if block.kind == "quote":
        quote = Table(
            [[writer.paragraph(f"«{block.text}» — {block.source}", "body", width - 24)]],
            colWidths=[width - 12],
        )
        quote.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f3f5f7")),
                    (
                        "LINEAFTER" if rtl else "LINEBEFORE",
                        (0, 0),
                        (0, 0),
                        2,
                        colors.HexColor("#1f5f8b"),
                    ),
                ]
            )
        )
        return [quote, Spacer(1, 2 * mm)]
    if block.kind == "table":
        columns = len(block.headers) or len(block.rows[0]) if block.rows else 1
        if not block.rows:
            return []
        first = 0.34 if columns > 2 else 0.5
        rest = (1 - first) / max(1, columns - 1)
        widths = [width * first] + [width * rest] * (columns - 1)
        return [writer.table(block.headers, block.rows, widths), Spacer(1, 3 * mm)]
    if block.kind == "chart":
        png = block.png(rtl)
        image = Image(io.BytesIO(png))
        ratio = image.imageHeight / image.imageWidth
        image.drawWidth, image.drawHeight = width, width * ratio
        return [image, Spacer(1, 2 * mm)]
    return []


def render_pdf(data: ReportData) -> bytes:
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
    writer = donor_pdf.Writer(data)  # type: ignore[arg-type]
    story: list = [  # type: ignore[type-arg]
        writer.paragraph(data.title, "title", width),
        writer.table([], [[k, v] for k, v in data.facts], [width * 0.25, width * 0.75]),
        Spacer(1, 4 * mm),
    ]
    for block in data.blocks:
        story += _pdf_block(writer, block, width, data.rtl)
    story.append(Spacer(1, 4 * mm))
    story.append(writer.paragraph(data.labels["small_cells"], "body", width))
    story.append(writer.paragraph(data.labels["generated"], "body", width))
    document.build(story)
    return buffer.getvalue()


RENDERERS = {"docx": render_docx, "pdf": render_pdf}


def render_report_file(project: Project, language: str, kind: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the research report in ``kind``."""
    data = build_report(project, language)
    return (
        RENDERERS[kind](data),
        CONTENT_TYPES[kind],
        f"{project.slug}-research-{language}.{kind}",
    )
