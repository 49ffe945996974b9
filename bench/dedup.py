"""Benchmark: person-name deduplication on a synthetic Anbar registry with known duplicates.

Run ``.venv/bin/python bench/dedup.py [--people N] [--runs R] [--seed S]``. The registry comes
from ``jusoor.engines.arabic.synthetic`` (clans sharing name chains, brothers, cousins named after
the same grandfather, fathers and sons, duplicates spelled differently). Quality is pairwise
precision/recall/F1 of the records put in one cluster, against the true persons; time is the
wall time of ``find_duplicates`` alone (median of the runs), not of generating the registry.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jusoor.engines.arabic.dedup import find_duplicates, match_threshold_for  # noqa: E402
from jusoor.engines.arabic.synthetic import (  # noqa: E402
    family_share,
    make_registry,
    pairwise_quality,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000, help="distinct persons")
    parser.add_argument("--runs", type=int, default=1, help="timed runs (median is reported)")
    parser.add_argument("--seed", type=int, default=1404, help="registry seed")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    records, truth = make_registry(args.people, seed=args.seed)
    generated = time.perf_counter() - started
    per_person = Counter(truth)
    relatives = family_share(args.people, seed=args.seed)

    timings = []
    result = None
    for _ in range(max(1, args.runs)):
        started = time.perf_counter()
        result = find_duplicates(records)
        timings.append(time.perf_counter() - started)
    assert result is not None
    cluster_of = result.cluster_ids()
    precision, recall, f1 = pairwise_quality([cluster_of[r["record_id"]] for r in records], truth)
    seconds = statistics.median(timings)

    rows = [
        ("persons", f"{len(per_person):,}"),
        ("records", f"{len(records):,}"),
        ("persons with 2 / 3 records", f"{_count(per_person, 2):,} / {_count(per_person, 3):,}"),
        ("persons with a sibling, parent or child registered", f"{relatives:.0%}"),
        ("true duplicate pairs", f"{sum(c * (c - 1) // 2 for c in per_person.values()):,}"),
        ("match threshold (bits)", f"{match_threshold_for(len(records)):.1f}"),
        ("clusters", f"{len(result.clusters):,}"),
        ("pairs merged / sent to review", f"{len(result.matches):,} / {len(result.review):,}"),
        ("precision / recall / F1", f"{precision:.3f} / {recall:.3f} / {f1:.3f}"),
        (
            "seconds per run (median)",
            f"{seconds:.1f}  runs: {', '.join(f'{t:.1f}' for t in timings)}",
        ),
        ("seconds to generate registry", f"{generated:.1f}"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print(
        f"BENCH dedup people={args.people} precision={precision:.3f} recall={recall:.3f} "
        f"f1={f1:.3f} seconds={seconds:.1f}"
    )
    return 0


def _count(per_person: Counter, copies: int) -> int:
    return sum(1 for c in per_person.values() if c == copies)


if __name__ == "__main__":
    raise SystemExit(main())
