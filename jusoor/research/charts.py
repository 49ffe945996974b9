"""Bar charts with 95% interval whiskers, drawn as PNG with Pillow for the report files.

Pillow lays out text with libraqm (HarfBuzz and FriBiDi), so Arabic labels come out joined and in
reading order without reshaping by hand. Without libraqm, labels are shaped and reordered with
arabic_reshaper and python-bidi, as the PDF writer does. In an Arabic chart the labels stand on the right and the
bars grow leftwards, as an Arabic reader scans; percentages are drawn at the bar ends.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

FONT_DIRS = [Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/truetype/dejavu")]
LATIN_FONT = "DejaVuSans.ttf"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # percent; None when hidden
    low: float | None = None
    high: float | None = None
    n: int | None = None
    emphasis: bool = False  # the overall figure


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]
    hidden_note: str = ""


def _find(name: str) -> str:
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    raise RuntimeError(
        f"The font {name} is missing: install fonts-noto-core and fonts-dejavu-core."
    )


@cache
def _font(rtl: bool, size: int) -> ImageFont.FreeTypeFont:
    # DejaVu Sans carries Arabic as well as Latin and punctuation (quotes, brackets), so a label
    # that mixes them never falls into a missing glyph; Noto Naskh has no Latin letters.
    layout = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(_find(LATIN_FONT), size, layout_engine=layout)


@cache
def _latin(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(_find(LATIN_FONT), size)


def _text(draw: ImageDraw.ImageDraw, xy, text: str, font, anchor: str, rtl: bool, fill="#222"):  # type: ignore[no-untyped-def]
    if features.check("raqm"):
        kwargs = {"direction": "rtl", "language": "ar"} if rtl else {}
        draw.text(xy, text, font=font, fill=fill, anchor=anchor, **kwargs)
        return
    import arabic_reshaper
    from bidi.algorithm import get_display

    shown = get_display(arabic_reshaper.reshape(text), base_dir="R" if rtl else "L")
    draw.text(xy, shown, font=font, fill=fill, anchor=anchor)


def render_png(chart: Chart, rtl: bool, scale: int = 2) -> bytes:
    """The chart as PNG bytes; ``scale`` 2 gives sharp print at 16 cm wide."""
    width = 760 * scale
    row = 34 * scale
    top = 46 * scale
    label_w = 230 * scale
    pad = 16 * scale
    height = top + row * len(chart.bars) + 44 * scale
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    title_font = _font(rtl, 15 * scale)
    label_font = _font(rtl, 12 * scale)
    number_font = _latin(11 * scale)
    _text(
        draw,
        (width - pad if rtl else pad, 14 * scale),
        chart.title,
        title_font,
        "ra" if rtl else "la",
        rtl,
    )
    plot_w = width - label_w - 3 * pad - 60 * scale

    def x_of(percent: float) -> float:
        share = max(0.0, min(100.0, percent)) / 100 * plot_w
        return (width - label_w - 2 * pad - share) if rtl else (label_w + 2 * pad + share)

    base = x_of(0)
    for tick in (0, 25, 50, 75, 100):
        x = x_of(tick)
        draw.line(
            [(x, top - 4 * scale), (x, top + row * len(chart.bars))], fill="#ddd", width=scale
        )
        draw.text(
            (x, top + row * len(chart.bars) + 4 * scale),
            f"{tick}%",
            font=number_font,
            fill="#666",
            anchor="ma",
        )
    for index, bar in enumerate(chart.bars):
        y = top + index * row
        mid = y + row / 2
        _text(
            draw,
            (width - pad if rtl else pad, mid),
            bar.label,
            label_font,
            "rm" if rtl else "lm",
            rtl,
            fill="#000" if bar.emphasis else "#222",
        )
        if bar.value is None:
            _text(
                draw,
                ((base - 8 * scale) if rtl else (base + 8 * scale), mid),
                chart.hidden_note or "—",
                label_font,
                "rm" if rtl else "lm",
                rtl,
                fill="#888",
            )
            continue
        end = x_of(bar.value)
        colour = "#1f5f8b" if bar.emphasis else "#5b9bd5"
        left, right = sorted((base, end))
        draw.rectangle([left, y + 7 * scale, right, y + row - 7 * scale], fill=colour)
        if bar.low is not None and bar.high is not None:
            lo, hi = sorted((x_of(bar.low), x_of(bar.high)))
            draw.line([(lo, mid), (hi, mid)], fill="#222", width=2 * scale)
            for x in (lo, hi):
                draw.line(
                    [(x, mid - 6 * scale), (x, mid + 6 * scale)], fill="#222", width=2 * scale
                )
        outer = min(lo, end) if rtl and bar.low is not None else end
        if not rtl and bar.high is not None:
            outer = max(hi, end)
        draw.text(
            ((outer - 6 * scale) if rtl else (outer + 6 * scale), mid),
            f"{bar.value:g}%",
            font=number_font,
            fill="#000",
            anchor="rm" if rtl else "lm",
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
