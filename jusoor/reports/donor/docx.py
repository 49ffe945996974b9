"""The donor report as a Word document that stays editable, with right-to-left Arabic done the way
Word does it: ``w:bidi`` on paragraphs, ``w:rtl`` on runs, ``w:bidiVisual`` on tables, and the
complex-script font and language set on every run."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from jusoor.reports.donor import ReportData, Section

FONT = "Arial"  # present in Word everywhere, with Arabic; LibreOffice substitutes Liberation Sans

# Word refuses files whose property elements are out of the schema's order, so each element is
# put before the ones that must follow it (ECMA-376 part 1, CT_PPr, CT_RPr, CT_TblPr, CT_SectPr).
AFTER_P_BIDI = (
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
AFTER_R_RTL = (
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)
AFTER_R_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
AFTER_R_FONTS = (
    "w:b",
    "w:bCs",
    "w:i",
    "w:iCs",
    "w:caps",
    "w:smallCaps",
    "w:strike",
    "w:dstrike",
    "w:outline",
    "w:shadow",
    "w:emboss",
    "w:imprint",
    "w:noProof",
    "w:snapToGrid",
    "w:vanish",
    "w:webHidden",
    "w:color",
    "w:spacing",
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)
AFTER_TBL_BIDI = (
    "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize",
    "w:tblW",
    "w:jc",
    "w:tblCellSpacing",
    "w:tblInd",
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
)
AFTER_SECT_BIDI = ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")


def _ensure(parent, tag: str, successors: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """The child ``tag`` of ``parent``, added in its schema position when missing."""
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        parent.insert_element_before(element, *successors)
    return element


def _run_rtl(run, rtl: bool, language: str) -> None:  # type: ignore[no-untyped-def]
    r_pr = run._r.get_or_add_rPr()
    fonts = _ensure(r_pr, "w:rFonts", AFTER_R_FONTS)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), FONT)
    if rtl:
        _ensure(r_pr, "w:rtl", AFTER_R_RTL)
    lang = _ensure(r_pr, "w:lang", AFTER_R_LANG)
    lang.set(qn("w:val"), "en-GB")
    lang.set(qn("w:bidi"), "ar-IQ")


def _paragraph_rtl(paragraph, rtl: bool, language: str) -> None:  # type: ignore[no-untyped-def]
    if rtl:
        # No w:jc: a bidi paragraph starts at the right by default, and "right" would flip.
        _ensure(paragraph._p.get_or_add_pPr(), "w:bidi", AFTER_P_BIDI)
    for run in paragraph.runs:
        _run_rtl(run, rtl, language)


def _add(document, text: str, data: ReportData, style: str | None = None):  # type: ignore[no-untyped-def]
    paragraph = document.add_paragraph(style=style)
    paragraph.add_run(text)
    _paragraph_rtl(paragraph, data.rtl, data.language)
    return paragraph


def _heading(document, text: str, level: int, data: ReportData) -> None:  # type: ignore[no-untyped-def]
    paragraph = document.add_heading(level=level)
    paragraph.add_run(text)
    _paragraph_rtl(paragraph, data.rtl, data.language)


def _section(document, section: Section, data: ReportData, level: int = 2) -> None:  # type: ignore[no-untyped-def]
    _heading(document, section.title, level, data)
    for text in section.paragraphs:
        _add(document, text, data)


def _table(document, headers: list[str], rows: list[list[str]], data: ReportData) -> None:  # type: ignore[no-untyped-def]
    """A table; without headers, the first column holds the labels, in bold."""
    columns = len(headers) if headers else len(rows[0])
    table = document.add_table(rows=1 if headers else 0, cols=columns)
    table.style = "Table Grid"
    if data.rtl:
        _ensure(table._tbl.tblPr, "w:bidiVisual", AFTER_TBL_BIDI)
    if headers:
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.paragraphs[0].add_run(text).bold = True
            _paragraph_rtl(cell.paragraphs[0], data.rtl, data.language)
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            run = cell.paragraphs[0].add_run(text)
            if not headers and index == 0:
                run.bold = True
            _paragraph_rtl(cell.paragraphs[0], data.rtl, data.language)


def render(data: ReportData) -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    if data.rtl:
        # Sections and the default paragraph read right to left too.
        _ensure(document.sections[0]._sectPr, "w:bidi", AFTER_SECT_BIDI)
    _heading(document, data.title, 0, data)
    _add(document, data.subtitle, data)
    _table(document, [], [[label, value] for label, value in data.facts], data)
    _section(document, data.summary, data, level=1)
    _heading(document, data.labels["framework"], 1, data)
    _table(
        document,
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
        data,
    )
    _add(document, data.labels["small_cells"], data)
    _heading(document, data.labels["narrative"], 1, data)
    for section in data.narrative:
        _section(document, section, data)
    _heading(document, data.labels["written"], 1, data)
    _add(document, data.version_note, data)
    for section in data.written:
        _section(document, section, data)
    _add(document, data.labels["generated"], data)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
