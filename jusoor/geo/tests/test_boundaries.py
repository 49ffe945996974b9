"""District outlines: built from COD-AB, shipped small, drawn as SVG."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from jusoor.geo import boundaries

SOURCE = boundaries.DEFAULT_SOURCE / "irq_adm2.geojson"


def test_the_shipped_file_has_every_anbar_district_and_stays_small():
    data = boundaries.load()
    anbar = [p for p, d in data["districts"].items() if d["governorate"] == "IQG01"]
    assert sorted(anbar) == [f"IQG01Q0{i}" for i in range(1, 8)]
    assert boundaries.SHIPPED.stat().st_size < 150_000


def test_simplify_keeps_the_corners_and_drops_the_points_on_a_line():
    square = [(0, 0), (0.5, 0.0001), (1, 0), (1, 1), (0, 1), (0, 0)]
    assert boundaries.simplify(square, 0.01) == [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]


def test_the_map_shades_by_count_and_draws_only_the_governorates_asked():
    drawn = boundaries.district_map({"IQG01Q03": 4, "IQG01Q01": 1}, ["IQG01"])
    shades = {s["pcode"]: s["shade"] for s in drawn["shapes"]}
    assert shades["IQG01Q03"] == 5 and shades["IQG01Q01"] == 2 and shades["IQG01Q04"] == 0
    assert all(p.startswith("IQG01") for p in shades)
    assert all(s["d"].startswith("M") and s["d"].endswith("Z") for s in drawn["shapes"])


@pytest.mark.skipif(not SOURCE.exists(), reason="COD-AB boundaries not on this machine")
def test_the_command_builds_the_file_from_cod_ab(tmp_path: Path):
    target = tmp_path / "outlines.json"
    call_command("build_boundaries", str(SOURCE), output=target, stdout=open("/dev/null", "w"))  # noqa: SIM115
    built = json.loads(target.read_text("utf-8"))
    assert len(built["districts"]) == 101
    assert built["districts"]["IQG01Q03"]["name_en"] == "Al-Ramadi"
    boundaries.load.cache_clear()
