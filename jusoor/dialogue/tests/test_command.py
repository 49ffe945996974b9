"""`manage.py moderation_score` scores texts from standard input."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

TEXTS = "البطالة تدفع الشباب نحو التطرف\nانت حمار وما تفهم شي\nاتصلوا على 07701234567\n\n"


def run(text: str, *args: str) -> list[list[str]]:
    out = io.StringIO()
    call_command("moderation_score", *args, stdin=io.BytesIO(text.encode()), stdout=out)
    return [line.split("\t") for line in out.getvalue().splitlines()]


def test_each_line_gets_two_probabilities_and_a_decision():
    rows = run(TEXTS)
    assert len(rows) == 4  # the empty line too: output lines match input lines
    for p_offensive, p_hate, decision in rows:
        assert 0.0 <= float(p_offensive) <= 1.0 and 0.0 <= float(p_hate) <= 1.0
        assert decision in {"hold", "review", "publish"}
    assert [row[2] for row in rows] == ["publish", "hold", "hold", "publish"]
    assert float(rows[1][0]) > 0.8


def test_the_command_reads_real_standard_input():
    manage = Path(__file__).resolve().parents[3] / "manage.py"
    result = subprocess.run(
        [sys.executable, str(manage), "moderation_score", "--policy", "strict"],
        input=TEXTS.encode(),
        capture_output=True,
        check=True,
        timeout=120,
    )
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 4
    assert lines[1].endswith("\thold")
