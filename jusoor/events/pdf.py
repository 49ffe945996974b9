"""PDFs with Arabic shaped and in reading order: attendance sheet, badges, certificates.

reportlab draws glyphs left to right as given, so Arabic text is first shaped (joined letter
forms, ``arabic_reshaper``) and reordered for display (``python-bidi``). Arabic runs use Noto
Naskh Arabic; text the Noto font cannot show (Latin) falls back to DejaVu Sans, which has both.
Fonts come from the system packages fonts-noto-core and fonts-dejavu-core.
"""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import arabic_reshaper
import qrcode
from bidi.algorithm import get_display
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Table, TableStyle

from jusoor.events import qr
from jusoor.events.models import Event, Registration

FONT_DIRS = [Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/truetype/dejavu")]
ARABIC = "JusoorNaskh"
ARABIC_BOLD = "JusoorNaskhBold"
FALLBACK = "JusoorDejaVu"
FALLBACK_BOLD = "JusoorDejaVuBold"
_ARABIC_LETTERS = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def _find(name: str) -> str:
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    raise RuntimeError(
        f"Font {name} is missing: install the system packages fonts-noto-core and "
        "fonts-dejavu-core."
    )


@cache
def _fonts() -> dict[str, frozenset[int]]:
    """Register the fonts once; return the characters each can draw."""
    covered = {}
    for name, file in (
        (ARABIC, "NotoNaskhArabic-Regular.ttf"),
        (ARABIC_BOLD, "NotoNaskhArabic-Bold.ttf"),
        (FALLBACK, "DejaVuSans.ttf"),
        (FALLBACK_BOLD, "DejaVuSans-Bold.ttf"),
    ):
        font = TTFont(name, _find(file))
        pdfmetrics.registerFont(font)
        covered[name] = frozenset(font.face.charToGlyph)
    return covered


def visual(text: str) -> str:
    """Text as it must be drawn: Arabic joined and right to left, other text untouched."""
    text = str(text or "")
    if not _ARABIC_LETTERS.search(text):
        return text
    return get_display(arabic_reshaper.reshape(text))


def font_for(text: str, bold: bool = False) -> str:
    covered = _fonts()
    arabic = ARABIC_BOLD if bold else ARABIC
    if all(ord(c) in covered[arabic] or c.isspace() for c in text):
        return arabic
    return FALLBACK_BOLD if bold else FALLBACK


def _draw(
    c: canvas.Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    align: str = "right",
    bold: bool = False,
) -> None:
    shown = visual(text)
    c.setFont(font_for(shown, bold), size)
    if align == "right":
        c.drawRightString(x, y, shown)
    elif align == "centre":
        c.drawCentredString(x, y, shown)
    else:
        c.drawString(x, y, shown)


def _rtl() -> bool:
    return get_language_bidi()


def _dates(event: Event) -> str:
    if event.start_date == event.end_date:
        return event.start_date.isoformat()
    return f"{event.start_date.isoformat()} – {event.end_date.isoformat()}"


def _synthetic_note(c: canvas.Canvas, width: float, rows: list[Registration]) -> None:
    if any(r.person.is_synthetic for r in rows):
        c.setFillColor(colors.HexColor("#a4262c"))
        _draw(
            c,
            width / 2,
            8 * mm,
            _("Synthetic demo data: these people do not exist."),
            9,
            align="centre",
        )
        c.setFillColor(colors.black)


def attendance_sheet(event: Event, rows: list[Registration]) -> bytes:
    """The donor's shape: name, sex, age band, organisation or area, signature."""
    buffer = io.BytesIO()
    page = landscape(A4)
    c = canvas.Canvas(buffer, pagesize=page, pageCompression=1)
    c.setTitle(f"{_('Attendance sheet')} — {event}")
    width, height = page
    headers = ["#", _("Name"), _("Sex"), _("Age band"), _("Organisation or area"), _("Signature")]
    widths = [12 * mm, 80 * mm, 22 * mm, 28 * mm, 75 * mm, 50 * mm]
    per_page = 14
    chunks = [rows[i : i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    for page_number, chunk in enumerate(chunks, start=1):
        x_edge = width - 15 * mm if _rtl() else 15 * mm
        align = "right" if _rtl() else "left"
        _draw(
            c,
            x_edge,
            height - 18 * mm,
            f"{_('Attendance sheet')}: {event}",
            15,
            align=align,
            bold=True,
        )
        # Place and dates apart: the bidi algorithm would reorder an ISO date inside Arabic.
        _draw(c, x_edge, height - 26 * mm, event.place, 10, align=align)
        other_edge, other_align = (15 * mm, "left") if _rtl() else (width - 15 * mm, "right")
        _draw(c, other_edge, height - 26 * mm, _dates(event), 10, align=other_align)
        _draw(c, width / 2, 12 * mm, f"{page_number} / {len(chunks)}", 9, align="centre")
        data = [headers]
        for number, registration in enumerate(chunk, start=(page_number - 1) * per_page + 1):
            person = registration.person
            where = person.affiliation or (str(person.area) if person.area_id else "")
            if registration.is_guest and registration.guest_of_id:
                where = str(registration.guest_of)
            data.append(
                [
                    str(number),
                    person.name or person.code,
                    person.get_sex_display(),
                    person.get_age_band_display(),
                    where,
                    "",
                ]
            )
        shaped = [[visual(cell) for cell in row] for row in data]
        col_widths = widths
        if _rtl():
            shaped = [list(reversed(row)) for row in shaped]
            col_widths = list(reversed(widths))
        style = [
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef0")),
            ("ALIGN", (0, 0), (-1, -1), "RIGHT" if _rtl() else "LEFT"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        for r, row in enumerate(shaped):
            for col, cell in enumerate(row):
                style.append(("FONT", (col, r), (col, r), font_for(cell, bold=r == 0), 10))
        table = Table(
            shaped, colWidths=col_widths, rowHeights=[9 * mm] + [10.5 * mm] * (len(shaped) - 1)
        )
        table.setStyle(TableStyle(style))
        _w, h = table.wrapOn(c, width, height)
        table.drawOn(c, (width - sum(widths)) / 2, height - 32 * mm - h)
        _synthetic_note(c, width, chunk)
        c.showPage()
    c.save()
    return buffer.getvalue()


def _qr_image(text: str) -> ImageReader:
    image = qrcode.make(text, box_size=6, border=1)
    data = io.BytesIO()
    image.save(data, format="PNG")
    data.seek(0)
    return ImageReader(data)


def badges(event: Event, rows: list[Registration], request: HttpRequest | None = None) -> bytes:
    """Eight badges to an A4 page: name, group or organisation, code and its QR code."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    c.setTitle(f"{_('Badges')} — {event}")
    width, height = A4
    badge_w, badge_h = 90 * mm, 62 * mm
    margin_x, margin_y = (width - 2 * badge_w) / 2, (height - 4 * badge_h) / 2
    for index, registration in enumerate(rows):
        slot = index % 8
        if index and slot == 0:
            c.showPage()
        col, row = slot % 2, slot // 2
        x0 = margin_x + col * badge_w
        y0 = height - margin_y - (row + 1) * badge_h
        c.setStrokeColor(colors.HexColor("#0b5d6b"))
        c.rect(x0 + 2 * mm, y0 + 2 * mm, badge_w - 4 * mm, badge_h - 4 * mm)
        person = registration.person
        right = x0 + badge_w - 6 * mm
        _draw(c, right, y0 + badge_h - 12 * mm, str(event), 9)
        _draw(c, right, y0 + badge_h - 24 * mm, person.name or person.code, 15, bold=True)
        role = (
            str(registration.guest_of)
            if registration.is_guest and registration.guest_of_id
            else (person.affiliation or person.get_target_group_display())
        )
        _draw(c, right, y0 + badge_h - 33 * mm, role, 10)
        if registration.is_guest:
            _draw(c, right, y0 + badge_h - 41 * mm, _("Guest"), 10, bold=True)
        c.drawImage(
            _qr_image(qr.check_in_url(request, registration)),
            x0 + 6 * mm,
            y0 + 6 * mm,
            26 * mm,
            26 * mm,
        )
        _draw(c, x0 + 34 * mm, y0 + 8 * mm, registration.code, 10, align="left")
    if not rows:
        _draw(c, width / 2, height / 2, _("Nobody is registered yet."), 14, align="centre")
    _synthetic_note(c, width, rows)
    c.showPage()
    c.save()
    return buffer.getvalue()


def certificate(registration: Registration, feedback_url: str = "") -> bytes:
    """A certificate of attendance; with ``feedback_url``, a line and QR code to the feedback
    form (the registration's own link: one set of answers per registration)."""
    event, person = registration.event, registration.person
    buffer = io.BytesIO()
    page = landscape(A4)
    c = canvas.Canvas(buffer, pagesize=page, pageCompression=1)
    c.setTitle(f"{_('Certificate of attendance')} — {person.code}")
    width, height = page
    c.setStrokeColor(colors.HexColor("#0b5d6b"))
    c.setLineWidth(3)
    c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    middle = width / 2
    _draw(
        c, middle, height - 45 * mm, _("Certificate of attendance"), 28, align="centre", bold=True
    )
    _draw(
        c,
        middle,
        height - 65 * mm,
        _("%(organisation)s certifies that") % {"organisation": event.organisation},
        14,
        align="centre",
    )
    _draw(c, middle, height - 85 * mm, person.name or person.code, 24, align="centre", bold=True)
    _draw(c, middle, height - 105 * mm, _("took part in"), 14, align="centre")
    _draw(c, middle, height - 122 * mm, str(event), 16, align="centre", bold=True)
    _draw(c, middle, height - 138 * mm, event.place, 12, align="centre")
    _draw(c, middle, height - 146 * mm, _dates(event), 12, align="centre")
    if feedback_url:
        c.drawImage(_qr_image(feedback_url), width - 62 * mm, 22 * mm, 26 * mm, 26 * mm)
        _draw(
            c,
            width - 49 * mm,
            18 * mm,
            _("Your opinion of the event: scan the code"),
            7,
            align="centre",
        )
        _draw(c, middle, 22 * mm, feedback_url, 7, align="centre")
    _draw(
        c,
        middle,
        30 * mm,
        _("Issued on %(date)s · %(code)s")
        % {"date": timezone.localdate().isoformat(), "code": registration.code},
        9,
        align="centre",
    )
    _synthetic_note(c, width, [registration])
    c.showPage()
    c.save()
    return buffer.getvalue()
