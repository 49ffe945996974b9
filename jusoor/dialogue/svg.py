"""The opinion map as server-rendered SVG: no JavaScript, readable in both directions.

In Arabic the map reads from the right: the x axis is mirrored (the principal components have no
natural sign, so nothing is lost) and every label is anchored at its reading start, with
``direction="rtl"`` so that Arabic text and digits come out in the right order.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT, MARGIN = 640, 420, 36
COLOURS = ["#1b7f79", "#c0522b", "#5a4ea3", "#b08800", "#2f6db5", "#a3367a", "#4f7d2a", "#6b6b6b"]


def group_name(group_id: int) -> str:
    return _("Group %(number)d") % {"number": group_id + 1}


def colour(group_id: int) -> str:
    return COLOURS[group_id % len(COLOURS)] if group_id >= 0 else "#999999"


def opinion_map_svg(data: dict[str, Any], *, rtl: bool) -> SafeString:
    points = data.get("points") or []
    groups = data.get("groups") or []
    xs = [p[0] for p in points] + [g["center"][0] for g in groups] or [0.0]
    ys = [p[1] for p in points] + [g["center"][1] for g in groups] or [0.0]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    inner_w, inner_h = WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN - 24

    def place(x: float, y: float) -> tuple[float, float]:
        fx = (x - min(xs)) / span_x
        if rtl:
            fx = 1.0 - fx
        return MARGIN + fx * inner_w, MARGIN + 24 + (1.0 - (y - min(ys)) / span_y) * inner_h

    direction = "rtl" if rtl else "ltr"
    start_x = WIDTH - MARGIN if rtl else MARGIN  # where reading starts
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="opinion-map" direction="{direction}" aria-labelledby="map-title">',
        f'<title id="map-title">{escape(_("Opinion map: each dot is a participant"))}</title>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fbfaf7" stroke="#ddd"/>',
    ]
    # Axis: a baseline with the reading-direction label at its start.
    axis_y = HEIGHT - MARGIN / 2
    parts.append(
        f'<line x1="{MARGIN}" y1="{axis_y - 10}" x2="{WIDTH - MARGIN}" y2="{axis_y - 10}" '
        f'stroke="#bbb"/>'
    )
    parts.append(
        f'<text class="axis-label" x="{start_x}" y="{axis_y + 4}" text-anchor="start" '
        f'direction="{direction}" font-size="12" fill="#555">'
        f"{escape(_('Closer dots voted more alike'))}</text>"
    )
    for x, y, label in points:
        px, py = place(x, y)
        parts.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour(label)}" fill-opacity="0.55"/>'
        )
    for group in groups:
        px, py = place(*group["center"])
        name = escape(f"{group_name(group['id'])} ({group['size']})")
        parts.append(
            f'<g class="group-label"><circle cx="{px:.1f}" cy="{py:.1f}" r="7" fill="none" '
            f'stroke="{colour(group["id"])}" stroke-width="2"/>'
            f'<text x="{px:.1f}" y="{py - 12:.1f}" text-anchor="middle" direction="{direction}" '
            f'font-size="14" font-weight="bold" fill="{colour(group["id"])}">{name}</text></g>'
        )
    # Legend along the top, from the reading start.
    step = (WIDTH - 2 * MARGIN) / max(len(groups), 1)
    for n, group in enumerate(groups):
        offset = n * step
        lx = WIDTH - MARGIN - offset if rtl else MARGIN + offset
        sx = lx - 8 if rtl else lx + 8
        tx = lx - 20 if rtl else lx + 20
        parts.append(
            f'<circle cx="{sx:.1f}" cy="{MARGIN - 6}" r="6" fill="{colour(group["id"])}"/>'
            f'<text class="legend" x="{tx:.1f}" y="{MARGIN - 1}" text-anchor="start" '
            f'direction="{direction}" font-size="13">{escape(group_name(group["id"]))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every piece of text above is escaped
