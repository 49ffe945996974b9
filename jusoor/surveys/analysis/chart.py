"""Horizontal bar charts with confidence-interval whiskers, as SVG and as PNG, without JS.

One layout (positions in an LTR frame, mirrored for Arabic) is drawn twice: as SVG text for the page
and the SVG download, and with Pillow for the PNG download (Pillow lays Arabic out with libraqm:
joined letters, right to left; without libraqm the text is shaped and reordered first).
Every bar carries its interval and n; a suppressed figure is drawn as a hatched placeholder in the
workspace, and as an empty row saying it is hidden in anything that leaves it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from jusoor.surveys.analysis.results import QuestionTable, TableRow, figure_text

WIDTH = 760
LABEL_WIDTH = 270
VALUE_WIDTH = 170
ROW_HEIGHT = 26
GROUP_GAP = 22
TOP = 58
BOTTOM = 44
FONT_FAMILY = "'DejaVu Sans', 'Noto Naskh Arabic', 'Noto Sans Arabic', Tahoma, Arial, sans-serif"
# One font must carry both scripts (Pillow has no per-glyph fallback): DejaVu Sans does.
FONT_FILES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
]
BAR = "#2f6f8f"
BAR_SMALL = "#b7c9d3"
WHISKER = "#1d2b33"
TEXT = "#1d2b33"
MUTED = "#5b6870"


@dataclass
class Text:
    x: float
    y: float
    text: str
    align: str  # "left" | "right" | "middle": where x is, whatever the direction
    size: int = 12
    bold: bool = False
    colour: str = TEXT
    rtl: bool = False  # the text's own direction


@dataclass
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    hatched: bool = False


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str = WHISKER
    width: float = 1.5
    dashed: bool = False


@dataclass
class Layout:
    width: int
    height: int
    rtl: bool
    title: str
    texts: list[Text] = field(default_factory=list)
    rects: list[Rect] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)


_percent = figure_text


def value_text(row: TableRow) -> str:
    """The figure with its interval and n, as the chart and table print it."""
    if row.estimate is None:
        return ""
    share = row.is_share
    interval = ""
    if row.ci_low is not None and row.ci_high is not None:
        interval = f" [{_percent(row.ci_low, share)}–{_percent(row.ci_high, share)}]"
    return f"{_percent(row.estimate, share)}{interval} n={row.n}"


def chart_rows(table: QuestionTable, breakdown: str) -> tuple[str, list[TableRow]]:
    """The statistic a chart shows (shares of each answer, or the mean) and its rows."""
    for statistic in ("proportion", "selected", "ranked_first", "mean"):
        rows = table.rows_for(breakdown, statistic)
        if rows:
            return statistic, rows
    return "", []


def _hidden_text(row: TableRow, threshold: int) -> str:
    if row.suppressed_reason == "empty":
        return _("nobody in this group answered")
    if row.suppressed_reason == "complementary":
        return _("hidden to protect a small cell")
    return _("hidden: fewer than %(n)s respondents") % {"n": threshold}


def layout(
    table: QuestionTable,
    breakdown: str,
    *,
    rtl: bool,
    released: bool,
    subtitle: str = "",
    threshold: int = 5,
) -> Layout:
    statistic, rows = chart_rows(table, breakdown)
    share = statistic != "mean"
    groups: list[tuple[str, list[TableRow]]] = []
    for row in rows:
        label = row.domain_label if breakdown else ""
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(row)
    grouped = bool(breakdown)
    height = (
        TOP + BOTTOM + sum(len(g) * ROW_HEIGHT + (GROUP_GAP if grouped else 0) for _l, g in groups)
    )
    lay = Layout(WIDTH, int(height), rtl, table.label)
    plot_x0 = LABEL_WIDTH
    plot_w = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    top_value = 1.0 if share else max([r.ci_high or r.estimate or 0 for r in rows] + [1.0]) * 1.05

    def x(v: float) -> float:
        return plot_x0 + plot_w * max(0.0, min(v, top_value)) / top_value

    def put_text(t: Text) -> None:
        if rtl:
            t.x = WIDTH - t.x
            t.align = {"left": "right", "right": "left"}.get(t.align, t.align)
        lay.texts.append(t)

    def put_rect(r: Rect) -> None:
        if rtl:
            r.x = WIDTH - r.x - r.w
        lay.rects.append(r)

    def put_line(line: Line) -> None:
        if rtl:
            line.x1, line.x2 = WIDTH - line.x1, WIDTH - line.x2
        lay.lines.append(line)

    put_text(Text(12, 22, table.label[:110], "left", 14, True, rtl=rtl))
    if subtitle:
        put_text(Text(12, 42, subtitle, "left", 11, colour=MUTED, rtl=rtl))
    y = TOP
    for label, items in groups:
        if grouped:
            put_text(Text(12, y + 14, label, "left", 12, True, rtl=rtl))
            y += GROUP_GAP
        for row in items:
            mid = y + ROW_HEIGHT / 2
            put_text(Text(LABEL_WIDTH - 10, mid + 4, row.category_label[:48], "right", 11, rtl=rtl))
            hidden = row.suppressed and (released or row.estimate is None)
            if hidden:
                put_text(
                    Text(
                        plot_x0 + 4,
                        mid + 4,
                        _hidden_text(row, threshold),
                        "left",
                        10,
                        colour=MUTED,
                        rtl=rtl,
                    )
                )
                y += ROW_HEIGHT
                continue
            value = row.estimate or 0.0
            put_rect(
                Rect(
                    plot_x0,
                    y + 5,
                    x(value) - plot_x0,
                    ROW_HEIGHT - 10,
                    BAR_SMALL if row.suppressed else BAR,
                    hatched=row.suppressed,
                )
            )
            end = x(value)
            if row.ci_low is not None and row.ci_high is not None:
                lo, hi = x(row.ci_low), x(row.ci_high)
                put_line(Line(lo, mid, hi, mid))
                put_line(Line(lo, mid - 6, lo, mid + 6))
                put_line(Line(hi, mid - 6, hi, mid + 6))
                end = max(end, hi)
            text = value_text(row) + (" *" if row.suppressed else "")
            put_text(Text(end + 6, mid + 4, text, "left", 10, rtl=False))
            y += ROW_HEIGHT
    # the axis: 0 and the top of the scale
    put_line(Line(plot_x0, TOP - 4, plot_x0, y, MUTED, 1))
    put_text(Text(plot_x0, y + 16, "0" if not share else "0%", "middle", 10, colour=MUTED))
    put_text(
        Text(
            plot_x0 + plot_w,
            y + 16,
            "100%" if share else f"{top_value:.1f}",
            "middle",
            10,
            colour=MUTED,
        )
    )
    put_line(Line(plot_x0 + plot_w, TOP - 4, plot_x0 + plot_w, y, "#d5dde2", 1, dashed=True))
    # xgettext:no-python-format
    note = _("Bars: estimate; whiskers: 95% confidence interval; n: respondents who answered.")
    if any(r.suppressed for r in rows) and not released:
        note += " " + _(
            "* hidden in downloads: fewer than %(n)s respondents, or a figure that would "
            "reveal such a cell."
        ) % {"n": threshold}
    put_text(Text(12, y + 34, note, "left", 10, colour=MUTED, rtl=rtl))
    lay.height = int(y + BOTTOM)
    return lay


# --- SVG -------------------------------------------------------------------------------------


def _svg_anchor(t: Text) -> str:
    if t.align == "middle":
        return "middle"
    # text-anchor is relative to the text's direction: "start" is its right edge in RTL
    if t.rtl:
        return "start" if t.align == "right" else "end"
    return "start" if t.align == "left" else "end"


def to_svg(lay: Layout, *, element_id: str = "") -> str:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{lay.width}" height="{lay.height}" '
        f'viewBox="0 0 {lay.width} {lay.height}" role="img" aria-label="{escape(lay.title, {chr(34): "&quot;"})}"'
        + (f' id="{element_id}"' if element_id else "")
        + ' class="analysis-chart">',
        f"<title>{escape(lay.title)}</title>",
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#dfe8ed"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{BAR}" stroke-width="2"/></pattern></defs>',
        f'<rect width="{lay.width}" height="{lay.height}" fill="#ffffff"/>',
    ]
    for r in lay.rects:
        fill = "url(#hatch)" if r.hatched else r.fill
        parts.append(
            f'<rect x="{r.x:.1f}" y="{r.y:.1f}" width="{max(r.w, 0):.1f}" height="{r.h:.1f}" '
            f'fill="{fill}"/>'
        )
    for ln in lay.lines:
        dash = ' stroke-dasharray="3 3"' if ln.dashed else ""
        parts.append(
            f'<line x1="{ln.x1:.1f}" y1="{ln.y1:.1f}" x2="{ln.x2:.1f}" y2="{ln.y2:.1f}" '
            f'stroke="{ln.colour}" stroke-width="{ln.width}"{dash}/>'
        )
    for t in lay.texts:
        weight = ' font-weight="bold"' if t.bold else ""
        parts.append(
            f'<text x="{t.x:.1f}" y="{t.y:.1f}" font-family="{FONT_FAMILY}" font-size="{t.size}" '
            f'fill="{t.colour}" text-anchor="{_svg_anchor(t)}" direction="{"rtl" if t.rtl else "ltr"}"'
            f"{weight}>{escape(t.text)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


# --- PNG -------------------------------------------------------------------------------------


@cache
def _font_path() -> str:
    for path in FONT_FILES:
        if Path(path).exists():
            return path
    raise RuntimeError("No font for charts: install fonts-dejavu-core (or fonts-noto-core).")


@cache
def _font(size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont, features

    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(_font_path(), size, layout_engine=engine)


def _prepare_text(text: str, rtl: bool) -> tuple[str, str | None]:
    from PIL import features

    if features.check("raqm"):
        return text, "rtl" if rtl else "ltr"
    import arabic_reshaper
    from bidi.algorithm import get_display

    return get_display(arabic_reshaper.reshape(text), base_dir="R" if rtl else "L"), None


def to_png(lay: Layout, scale: float = 2.0) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (int(lay.width * scale), int(lay.height * scale)), "white")
    draw = ImageDraw.Draw(image)
    for r in lay.rects:
        box = [r.x * scale, r.y * scale, (r.x + max(r.w, 0)) * scale, (r.y + r.h) * scale]
        draw.rectangle(box, fill="#dfe8ed" if r.hatched else r.fill)
        if r.hatched:
            step = int(6 * scale)
            x0, y0, x1, y1 = (int(v) for v in box)
            for start in range(x0 - (y1 - y0), x1, step):
                a = (max(start, x0), y1 - max(0, max(start, x0) - start))
                b = (min(start + (y1 - y0), x1), y1 - (min(start + (y1 - y0), x1) - start))
                draw.line([a, b], fill=BAR, width=max(1, int(scale)))
    for ln in lay.lines:
        draw.line(
            [ln.x1 * scale, ln.y1 * scale, ln.x2 * scale, ln.y2 * scale],
            fill=ln.colour,
            width=max(1, int(ln.width * scale)),
        )
    for t in lay.texts:
        font = _font(int(t.size * scale * (1.08 if t.bold else 1)))
        text, direction = _prepare_text(t.text, t.rtl)
        anchor = {"left": "ls", "right": "rs", "middle": "ms"}[t.align]
        kwargs = {"direction": direction} if direction else {}
        draw.text(
            (t.x * scale, t.y * scale), text, font=font, fill=t.colour, anchor=anchor, **kwargs
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
