"""Small PDF and DOCX files written from paragraphs: for the demo library and the tests.

Arabic in a PDF has to be shaped (``arabic_reshaper``) and put in display order (``python-bidi``)
before reportlab draws it, with a font that has Arabic letters (Noto Naskh Arabic, Debian's
fonts-noto-core; DejaVu Sans when it is missing).
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from jusoor.engines.arabic.text import is_arabic

FONT_DIRS = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/truetype/dejavu"))
FONT_FILES = ("NotoNaskhArabic-Regular.ttf", "NotoSansArabic-Regular.ttf", "DejaVuSans.ttf")


@lru_cache(maxsize=2)
def _font(arabic: bool) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    names = FONT_FILES if arabic else FONT_FILES[-1:]
    for name in names:
        for folder in FONT_DIRS:
            if (folder / name).exists():
                alias = f"Library{name.split('-')[0]}"
                pdfmetrics.registerFont(TTFont(alias, str(folder / name)))
                return alias
    return "Helvetica"


def _display(text: str) -> str:
    if not is_arabic(text):
        return text
    import arabic_reshaper
    from bidi.algorithm import get_display

    return get_display(arabic_reshaper.reshape(text))


def _lines(text: str, width: int = 70) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def make_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A text PDF (A4) with a title and paragraphs, Arabic right-aligned."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    width, height = A4
    y = height - 60
    for size, text in [(15, title), *((11, p) for p in paragraphs)]:
        for line in _lines(text, 60 if size > 12 else 80):
            if y < 60:
                pdf.showPage()
                y = height - 60
            pdf.setFont(_font(is_arabic(line)), size)
            if is_arabic(line):
                pdf.drawRightString(width - 50, y, _display(line))
            else:
                pdf.drawString(50, y, line)
            y -= size + 7
        y -= 6
    pdf.save()
    return buffer.getvalue()


def make_image_pdf() -> bytes:
    """A PDF with a drawing and no text layer, like a scan."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.rect(100, 400, 300, 200, fill=1)
    pdf.save()
    return buffer.getvalue()


def make_docx(title: str, paragraphs: list[str]) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    heading = document.add_heading(title, level=1)
    for paragraph in [heading, *(document.add_paragraph(p) for p in paragraphs)]:
        if is_arabic(paragraph.text):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
