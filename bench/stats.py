"""Benchmark of the survey statistics engine against samplics.

Generates a 40-question form's answers reproducibly (10 areas as strata, ~10 villages (PSUs) per
area, unequal weights, sex, age band; select_one, Likert and numeric questions with some skipped
answers), times the full tabulation (every question x overall, area, sex, age band, weighted, with
intervals) and a representative subset of the same estimates with samplics, compares the numbers
and extrapolates samplics' time to the whole table.

    .venv/bin/python bench/stats.py                      # 500, 100k and 1M rows
    .venv/bin/python bench/stats.py --rows 100000 --samplics-questions 2
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jusoor.engines.stats import (  # noqa: E402
    Likert,
    Numeric,
    SelectOne,
    SurveyDesign,
    tabulate,
)

DOMAINS = ("area", "sex", "age")


def make_form(rows: int, questions: int = 40, seed: int = 2026) -> dict:
    """A synthetic survey shaped like the seed's (labelled synthetic wherever it is shown)."""
    rng = np.random.default_rng(seed)
    area = rng.integers(0, 10, rows).astype(np.int8)
    village = rng.integers(0, 10, rows).astype(np.int8)
    village[: min(rows, 100)] = np.arange(min(rows, 100)) % 10  # every village has someone
    area[: min(rows, 100)] = np.arange(min(rows, 100)) // 10
    population = np.array([520, 310, 140, 95, 80, 60, 45, 40, 35, 25]) * 1000.0
    weight = population[area] / np.bincount(area, minlength=10)[area] * rng.uniform(0.6, 1.6, rows)
    sex = rng.integers(0, 2, rows).astype(np.int8)
    age = rng.integers(0, 5, rows).astype(np.int8)
    effect = rng.normal(0, 0.6, (10, 10))[area, village]
    form = []
    for j in range(questions):
        skipped = rng.random(rows) < 0.03
        kind = ("select_one", "likert", "numeric")[j % 3] if j < 39 else "select_one"
        latent = rng.normal(0, 1, rows) + effect + 0.2 * sex
        if kind == "select_one":
            k = 2 + j % 5
            codes = np.clip(((latent + 2) * k / 4).astype(np.int8), 0, k - 1)
            codes[skipped] = -1
            form.append(SelectOne(f"q{j:02d}", codes, [f"c{c}" for c in range(k)]))
        elif kind == "likert":
            codes = np.clip((latent + 2.5).astype(np.int8), 0, 4)
            codes[skipped] = -1
            form.append(Likert(f"q{j:02d}", codes, ["sd", "d", "n", "a", "sa"]))
        else:
            values = 30 + 8 * latent
            values[skipped] = np.nan
            form.append(Numeric(f"q{j:02d}", values))
    return {
        "weight": weight,
        "area": area,
        "village": village,
        "sex": sex,
        "age": age,
        "form": form,
    }


def run_ours(data: dict, domain_df: str = "r"):
    design = SurveyDesign.from_columns(data["weight"], data["area"], data["village"])
    return tabulate(design, data["form"], {k: data[k] for k in DOMAINS}, domain_df=domain_df)


def time_ours(data: dict, runs: int, domain_df: str = "r") -> tuple[float, object]:
    times, table = [], None
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        table = run_ours(data, domain_df)
        times.append(time.perf_counter() - start)
    return statistics.median(times), table


def _samplics_calls(q) -> list[tuple[str, str, np.ndarray, np.ndarray, object]]:
    """The samplics calls that reproduce one question's blocks: (kind, statistic, y, keep, map)."""
    if isinstance(q, SelectOne):
        codes = np.asarray(q.codes)
        return [("proportion", "proportion", codes, codes >= 0, q.categories)]
    if isinstance(q, Numeric):
        values = np.asarray(q.values)
        return [("mean", "mean", values, ~np.isnan(values), None)]
    codes = np.asarray(q.codes)  # Likert: distribution, mean score, top-two box
    keep = codes >= 0
    return [
        ("proportion", "proportion", codes, keep, q.categories),
        ("mean", "mean", codes + 1.0, keep, None),
        ("proportion", "top_box", (codes >= 3).astype(np.int8), keep, {1: "top2"}),
    ]


def run_samplics(data: dict, table, n_questions: int | None) -> tuple[float, float, int, str]:
    """Run samplics' TaylorEstimator on the same estimates and compare every value.

    With ``n_questions`` only that many select_one and that many numeric questions are run (by
    overall, area, sex, age) and the time is extrapolated: the median time of each (kind, domain)
    call times the number of such calls the whole table needs. With None, every block is run.
    Returns (seconds, max abs diff, values compared, description).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from samplics.estimation import TaylorEstimator
        from samplics.utils.types import PopParam

    rows = {}
    for r in table.rows():
        spec = r.domain[0][0] if r.domain else ""
        level = r.domain[0][1] if r.domain else None
        rows[(r.question, r.statistic, spec, level, r.category)] = r
    if n_questions is None:
        chosen = list(data["form"])
    else:
        ones = [q for q in data["form"] if isinstance(q, SelectOne)][:n_questions]
        nums = [q for q in data["form"] if isinstance(q, Numeric)][:n_questions]
        chosen = ones + nums
    per_call: dict[tuple[str, str], list[float]] = {}
    max_diff, compared = 0.0, 0
    for q in chosen:
        for kind, statistic, y, keep, labels in _samplics_calls(q):
            for spec in ("", *DOMAINS):
                est = TaylorEstimator(PopParam.prop if kind == "proportion" else PopParam.mean)
                start = time.perf_counter()
                est.estimate(
                    y=y[keep],
                    samp_weight=data["weight"][keep],
                    stratum=data["area"][keep],
                    psu=data["village"][keep],
                    domain=data[spec][keep] if spec else None,
                )
                per_call.setdefault((kind, spec), []).append(time.perf_counter() - start)
                for level in np.unique(data[spec]).tolist() if spec else [None]:
                    pick = (
                        (lambda d, level=level: d[level]) if spec else (lambda d: d)  # noqa: E731
                    )
                    pe, se = pick(est.point_est), pick(est.stderror)
                    lo, hi = pick(est.lower_ci), pick(est.upper_ci)
                    cats = list(pe) if kind == "proportion" else [None]
                    for cat in cats:
                        if isinstance(labels, dict) and int(cat) not in labels:
                            continue  # top box: only the "yes" share is published
                        label = labels[int(cat)] if kind == "proportion" else None
                        ours = rows[(q.name, statistic, spec, level, label)]
                        theirs = (
                            (pe, se, lo, hi)
                            if cat is None
                            else (pe[cat], se[cat], lo[cat], hi[cat])
                        )
                        for a, b in zip(
                            (ours.estimate, ours.se, ours.lower, ours.upper), theirs, strict=True
                        ):
                            max_diff = max(max_diff, abs(a - b))
                            compared += 1
    for (kind, spec), times in sorted(per_call.items()):
        print(
            f"  samplics {kind:<10} by {spec or 'overall':<8} median"
            f" {statistics.median(times):6.2f} s per call ({len(times)} calls)"
        )
    measured = sum(sum(t) for t in per_call.values())
    n_calls = sum(len(t) for t in per_call.values())
    if n_questions is None:
        how = f"samplics TaylorEstimator run on every block: {n_calls} calls in {measured:.1f} s"
        return measured, max_diff, compared, how
    calls = {"proportion": 0, "mean": 0}
    for q in data["form"]:
        for kind, *_ in _samplics_calls(q):
            calls[kind] += 1
    total = sum(statistics.median(t) * calls[kind] for (kind, _), t in per_call.items())
    how = (
        f"samplics TaylorEstimator run on {n_questions} select_one + {n_questions} numeric"
        f" questions x (overall, area, sex, age) = {n_calls} calls in {measured:.1f} s;"
        f" extrapolated as median time per call of each kind and domain x"
        f" {calls['proportion']} proportion + {calls['mean']} mean calls per domain in the table"
    )
    return total, max_diff, compared, how


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[500, 100_000, 1_000_000])
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--samplics-questions", type=int, default=2)
    parser.add_argument(
        "--samplics-all", action="store_true", help="run samplics on every block (slow)"
    )
    parser.add_argument("--no-samplics", action="store_true")
    args = parser.parse_args()

    results = {}
    for rows in args.rows:
        data = make_form(rows, args.questions)
        full_s, table = time_ours(data, args.runs)
        full_rule_s, table_full = time_ours(data, 1, "full")
        results[rows] = (full_s, data, table_full)
        print(
            f"rows={rows:>9,} questions={args.questions} estimates={len(table):,}"
            f" full_s={full_s:.3f} (median of {args.runs}; domain_df=full once: {full_rule_s:.3f})"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    largest = max(args.rows)
    if largest >= 100_000:
        data = results[largest][1]
        for q in (10, 20):
            if q < args.questions:
                sub = dict(data, form=data["form"][:q])
                t, _ = time_ours(sub, args.runs)
                print(f"rows={largest:,} questions={q} full_s={t:.3f}")
    full_s, data, table_full = results[largest]
    samplics_s, diff, compared = float("nan"), float("nan"), 0
    if not args.no_samplics:
        subset = None if args.samplics_all else args.samplics_questions
        samplics_s, diff, compared, how = run_samplics(data, table_full, subset)
        print(how)
        print(f"compared {compared} values (estimates, SEs, CI bounds): max abs diff {diff:.3g}")
    print(f"peak memory {peak_mb:.0f} MB (ru_maxrss, before samplics ran)")
    print(
        f"BENCH stats rows={largest} questions={args.questions} full_s={full_s:.3f}"
        f" samplics_s={samplics_s:.1f} speedup={samplics_s / full_s:.0f}"
        f" max_abs_diff={diff:.2g} peak_mb={peak_mb:.0f}"
    )


if __name__ == "__main__":
    main()
