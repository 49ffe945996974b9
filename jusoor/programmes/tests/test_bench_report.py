"""The reporting benchmark at a tiny scale: its figures must be right, whatever their speed."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench" / "report.py"


@pytest.fixture
def bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_report", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_report"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    yield module
    sys.modules.pop("bench_report", None)


@pytest.mark.django_db
def test_benchmark_programme_computes_the_right_figures(bench):
    scale = bench.Scale(projects=2, participants=80, activities=8, submissions=60, organisations=2)
    world = bench.generate(scale)
    bench.recompute_all()
    timings = bench.dashboards(world, requests=6)
    assert len(timings["project"]) + len(timings["programme"]) == 6
    assert len(timings["programme_cold"]) == 2
    bench.recompute_after_change(world)
    _docx, _pdf_s, pdf = bench.donor_report(world)
    assert pdf.startswith(b"%PDF")
    assert bench.check(world) == []
