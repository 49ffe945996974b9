"""District (adm2) outlines for maps drawn on the server as SVG, with no tiles and no JavaScript.

``build`` reads OCHA's COD-AB district boundaries (GeoJSON), simplifies every ring with
Douglas–Peucker and rounds coordinates, and ``manage.py build_boundaries`` writes the result to
``data/irq_adm2_boundaries.json``, which ships with Jusoor: maps work without the source data.
``district_map`` turns it into SVG path data for the districts of some governorates, each shaded
by a count.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).parent / "data" / "irq_adm2_boundaries.json"
DEFAULT_SOURCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "iraq-cod-ab"


def _distance(point: tuple[float, float], start: tuple[float, float], end: tuple[float, float]):  # type: ignore[no-untyped-def]
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (x1 + t * dx), y - (y1 + t * dy))


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, iterative (rings have thousands of points)."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, 0
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def build(source: Path, tolerance: float = 0.01, digits: int = 3) -> dict[str, Any]:
    """Simplified district outlines from ``irq_adm2.geojson``."""
    data = json.loads(Path(source).read_text(encoding="utf-8"))
    districts: dict[str, Any] = {}
    for feature in data["features"]:
        props = feature["properties"]
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings = []
        for polygon in polygons:
            for ring in polygon[:1]:  # outer rings: holes do not show at this scale
                simple = simplify([(float(x), float(y)) for x, y, *_ in ring], tolerance)
                if len(simple) >= 4:
                    rings.append([[round(x, digits), round(y, digits)] for x, y in simple])
        districts[props["ADM2_PCODE"]] = {
            "name_en": props.get("ADM2_EN") or "",
            "name_ar": props.get("ADM2_AR") or "",
            "governorate": props.get("ADM1_PCODE") or props["ADM2_PCODE"][:5],
            "rings": rings,
        }
    return {
        "source": "OCHA COD-AB Iraq adm2 (irq_admbnda_adm2_cso_20190603), simplified",
        "tolerance_degrees": tolerance,
        "districts": dict(sorted(districts.items())),
    }


def write(source: Path, target: Path = SHIPPED, tolerance: float = 0.01) -> dict[str, Any]:
    result = build(source, tolerance)
    target.write_text(json.dumps(result, ensure_ascii=False, separators=(",", ":")), "utf-8")
    load.cache_clear()
    return result


@cache
def load() -> dict[str, Any]:
    if not SHIPPED.exists():
        return {"districts": {}}
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def district_of(pcode: str) -> str:
    """A sub-district's p-code (IQG01Q03N03) belongs to its district's (IQG01Q03)."""
    return pcode[:8]


def district_map(
    counts: dict[str, int], governorates: list[str], width: int = 600
) -> dict[str, Any] | None:
    """SVG geometry for the districts of ``governorates``, each with its count and a shade 0–5.

    Coordinates are projected equirectangularly around the mean latitude (fine at this scale),
    y downwards as SVG wants it. None when no outline is known for those governorates.
    """
    districts = {
        pcode: d
        for pcode, d in load()["districts"].items()
        if d["governorate"] in set(governorates)
    }
    points = [p for d in districts.values() for ring in d["rings"] for p in ring]
    if not points:
        return None
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    scale_x = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = (max(lons) - min(lons)) * scale_x or 1
    span_y = (max(lats) - min(lats)) or 1
    factor = width / span_x
    height = round(span_y * factor)
    peak = max(counts.values(), default=0)
    shapes = []
    for pcode, d in districts.items():
        path = []
        sx = sy = n = 0.0
        for ring in d["rings"]:
            coords = [
                ((x - min(lons)) * scale_x * factor, (max(lats) - y) * factor) for x, y in ring
            ]
            path.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in coords) + "Z")
            for x, y in coords:
                sx, sy, n = sx + x, sy + y, n + 1
        count = counts.get(pcode, 0)
        shade = 0 if not count or not peak else 1 + min(4, int(4 * count / peak))
        shapes.append(
            {
                "pcode": pcode,
                "name_en": d["name_en"],
                "name_ar": d["name_ar"],
                "d": "".join(path),
                "count": count,
                "shade": shade,
                "x": f"{sx / n:.1f}" if n else "0",
                "y": f"{sy / n:.1f}" if n else "0",
            }
        )
    return {
        "width": width,
        "height": height,
        "viewbox": f"0 0 {width} {height}",
        "shapes": shapes,
        "peak": peak,
    }
