"""The export benchmark, small: every step gives the right rows (times are not judged here)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[3]


def test_the_export_benchmark_round_trips_300_submissions():
    done = subprocess.run(
        [sys.executable, "bench/export.py", "--rows", "300"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "xlsx export: " in done.stdout and ", 300 rows," in done.stdout
    assert "added 300" in done.stdout
    assert "re-import: preview says 0 new, added 0" in done.stdout
    line = done.stdout.strip().splitlines()[-1]
    assert re.fullmatch(
        r"BENCH export rows=300 xlsx_export_s=[\d.]+ xlsx_import_s=[\d.]+ "
        r"csv_export_s=[\d.]+ peak_mb=\d+",
        line,
    ), line
