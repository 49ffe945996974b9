"""Fuzzing campaign over every parser that reads outsiders' input (see tests/security/targets.py).

    python bench/fuzz.py [--target NAME] [--inputs N] [--engine atheris|hypothesis]

atheris (coverage-guided, libFuzzer) is used when it is installed; otherwise hypothesis runs the
same targets with random bytes, hostile text and mutations of valid files. One line per target:

    BENCH fuzz target=openrosa engine=atheris inputs=200000 crashes=0 seconds=41.2

A crash prints the input (and atheris writes it to var/fuzz/crash-*); ``make fuzz`` runs the
long campaign, the test suite a short one (tests/security/test_hostile_input.py).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jusoor.settings")
os.environ.setdefault("JUSOOR_PII_KEY", "dGVzdC1rZXktMzItYnl0ZXMtbG9uZy0xMjM0NTY3ODk=")


def _setup() -> None:
    import django

    django.setup()


def _has_atheris() -> bool:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


def run_hypothesis(name: str, inputs: int) -> tuple[int, int, str]:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.security import targets
    from tests.security.test_hostile_input import inputs as strategy

    target = targets.TARGETS[name]
    seen = 0
    crashes: dict[str, bytes] = {}

    @settings(
        max_examples=inputs,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=strategy(name))
    def campaign(data: bytes) -> None:
        nonlocal seen
        seen += 1
        try:
            target(data)
        except Exception as exc:  # noqa: BLE001 (every distinct crash is counted, then go on)
            where = traceback.extract_tb(exc.__traceback__)[-1]
            key = f"{type(exc).__name__} at {Path(where.filename).name}:{where.lineno}"
            crashes.setdefault(key, data)

    del st
    campaign()
    detail = "; ".join(f"{key} input={data[:120]!r}" for key, data in crashes.items())
    return seen, len(crashes), detail


_WORKER = """
import sys, atheris
sys.path.insert(0, {root!r})
# Only the project's parsers and the libraries under them are instrumented for coverage.
with atheris.instrument_imports(include=["jusoor", "defusedxml", "openpyxl", "pyxform"]):
    import bench.fuzz as fuzz
    fuzz._setup()
    from tests.security import targets
    target = targets.TARGETS[{name!r}]
    for seed in targets.seeds({name!r}):  # import what the target reaches, while instrumenting
        try:
            target(seed)
        except Exception:
            pass
atheris.Setup([sys.argv[0], "-runs={runs}", "-rss_limit_mb=2048", "-timeout=20",
               "-artifact_prefix={artifacts}/{name}-", {corpus!r}], target)
atheris.Fuzz()
"""


def run_atheris(name: str, inputs: int) -> tuple[int, int, str]:
    from tests.security import targets

    artifacts = ROOT / "var" / "fuzz"
    artifacts.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as corpus:
        for i, seed in enumerate(targets.seeds(name)):
            Path(corpus, f"seed{i}").write_bytes(seed)
        code = _WORKER.format(
            root=str(ROOT), name=name, runs=inputs, artifacts=artifacts, corpus=corpus
        )
        result = subprocess.run(  # noqa: S603 (our own interpreter and script)
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
    done = re.search(r"Done (\d+) runs", result.stderr)
    runs = [int(n) for n in re.findall(r"#(\d+)\s", result.stderr)]
    seen = int(done.group(1)) if done else max(runs, default=0)
    crashed = result.returncode != 0
    detail = ""
    if crashed:
        lines = result.stderr.splitlines()
        start = next(
            (i for i, line in enumerate(lines) if "Uncaught Python" in line or "Error" in line),
            max(len(lines) - 12, 0),
        )
        detail = " | ".join(lines[start : start + 14])
    return seen, int(crashed), detail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", action="append", help="one target (repeatable); default all")
    parser.add_argument("--inputs", type=int, default=2000, help="inputs per target")
    parser.add_argument("--engine", choices=["atheris", "hypothesis"], default=None)
    args = parser.parse_args()
    _setup()
    from tests.security import targets

    engine = args.engine or ("atheris" if _has_atheris() else "hypothesis")
    if engine == "atheris" and not _has_atheris():
        print("atheris is not installed; use --engine hypothesis", file=sys.stderr)
        return 2
    failed = 0
    for name in args.target or sorted(targets.TARGETS):
        start = time.perf_counter()
        runner = run_atheris if engine == "atheris" else run_hypothesis
        seen, crashes, detail = runner(name, args.inputs)
        seconds = time.perf_counter() - start
        print(
            f"BENCH fuzz target={name} engine={engine} inputs={seen} crashes={crashes} "
            f"seconds={seconds:.1f}",
            flush=True,
        )
        if crashes:
            failed += 1
            print(f"  crash: {detail}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
