"""A short kill-cycle: phones keep submitting while the server is killed (SIGKILL, master and
workers) and started again; every submission the server acknowledged must be stored once, with
its photo whole. The full run is ``make bench-killcycle``; this one does two cycles, on SQLite,
and on PostgreSQL too when the suite runs there (``DATABASE_URL``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[3]


def backends() -> list[tuple[str, str]]:
    found = [("sqlite", "")]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urllib.parse.urlsplit(url)
        throwaway = urllib.parse.urlunsplit(parts._replace(path=f"/jusoor_killcycle_{os.getpid()}"))
        found.append(("postgresql", throwaway))
    return found


@pytest.mark.parametrize(("backend", "url"), backends(), ids=[b for b, _ in backends()])
def test_every_acknowledged_submission_survives_the_server_being_killed(backend, url):
    command = [
        sys.executable,
        str(REPOSITORY / "bench" / "killcycle.py"),
        "--cycles",
        "2",
        "--clients",
        "4",
        "--workers",
        "2",
        "--threads",
        "2",
        "--min-uptime",
        "1",
        "--jitter",
        "1",
        "--backend",
        backend,
    ]
    if url:
        command += ["--postgres", url]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    done = subprocess.run(
        command, cwd=REPOSITORY, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    found = re.search(
        r"^BENCH killcycle backend=(\w+) cycles=(\d+) acknowledged=(\d+) lost=(\S+) "
        r"duplicated=(\S+) half_written=(\S+)$",
        done.stdout,
        re.M,
    )
    assert found, done.stdout[-3000:] + done.stderr[-3000:]
    _backend, cycles, acknowledged, lost, duplicated, half_written = found.groups()
    assert cycles == "2"
    assert int(acknowledged) > 0
    assert (lost, duplicated, half_written) == ("0", "0", "0"), done.stdout[-2000:]
    assert done.returncode == 0
