"""Benchmark of the opinion engine against red-dwarf on planted opinion groups.

Run:  .venv/bin/python bench/opinion.py [--sizes 1000x100,10000x1000,100000x1000] [--repeats 3]

For each size the votes are generated once (seeded, planted groups, 20% density), written to a
temporary file, and each engine runs in its own subprocess so that its peak memory (maxrss) is
its own. Times are medians of --repeats runs. The last lines have the fixed form

    BENCH opinion size=NxS ours_s=X peer_s=Y speedup=Z ari_planted=A ari_peer=B peak_mb=M

(`na` where the peer was not run). Both engines run with the same BLAS thread count (default 1,
as in a gunicorn worker, and steadier on a shared machine; `--blas-threads 0` leaves the
library default). red-dwarf is skipped above --peer-max-cells because it runs
k-means and silhouette on every participant (quadratic in participants) and needs a list of one
dict per vote; at 100,000 × 1,000 that is hours and gigabytes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jusoor.engines.opinion.synthetic import planted_conversation  # noqa: E402


def _peak_mb() -> float:
    """Peak resident memory of this process in MB.

    /proc's VmHWM, not getrusage's ru_maxrss: on Linux ru_maxrss survives execve, so a worker
    would report the parent's peak (the parent holds the generated votes).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_ours(data: dict, repeats: int) -> dict:
    from jusoor.engines.opinion import analyse

    baseline = _peak_mb()
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = analyse(
            data["participants"],
            data["statements"],
            data["votes"],
            n_participants=int(data["n_participants"]),
            n_statements=int(data["n_statements"]),
        )
        times.append(time.perf_counter() - start)
    assert result is not None
    return {
        "seconds": statistics.median(times),
        "times": times,
        "peak_mb": _peak_mb(),
        "input_mb": baseline,
        "labels": result.labels.tolist(),
        "k": result.k,
        "repness": [[p.statement for p in g.representative] for g in result.groups],
        "members": [g.members.tolist() for g in result.groups],
        "consensus": {d: [p.statement for p in result.consensus[d]] for d in ("agree", "disagree")},
        "components": result.pca.components.tolist(),
    }


def run_peer(data: dict, repeats: int) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from reddwarf.implementations.polis import run_pipeline
    votes = [
        {"participant_id": int(p), "statement_id": int(t), "vote": int(v)}
        for p, t, v in zip(data["participants"], data["statements"], data["votes"], strict=True)
    ]
    baseline = _peak_mb()
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = run_pipeline(votes=votes, random_state=0)
        times.append(time.perf_counter() - start)
    assert result is not None
    frame = result.participants_df
    labels = np.full(int(data["n_participants"]), -1)
    clustered = frame["cluster_id"].notna().to_numpy()
    labels[frame.index.to_numpy()[clustered]] = frame["cluster_id"][clustered].astype(int)
    return {
        "seconds": statistics.median(times),
        "times": times,
        "peak_mb": _peak_mb(),
        "input_mb": baseline,
        "labels": labels.tolist(),
        "repness": {int(g): [s["tid"] for s in picks] for g, picks in result.repness.items()},
        "consensus": {d: [s["tid"] for s in result.consensus[d]] for d in ("agree", "disagree")},
        "components": result.reducer.components_.tolist(),
    }


def worker(engine: str, data_path: str, out_path: str, repeats: int) -> None:
    with np.load(data_path) as npz:
        data = {key: npz[key] for key in npz.files}
    outcome = run_ours(data, repeats) if engine == "ours" else run_peer(data, repeats)
    Path(out_path).write_text(json.dumps(outcome))


def _spawn(
    engine: str, data_path: str, repeats: int, timeout: float, blas_threads: int
) -> dict | None:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out_path = handle.name
    cmd = [sys.executable, __file__, "--worker", engine, "--data", data_path, "--out", out_path]
    cmd += ["--repeats", str(repeats)]
    try:
        env = dict(os.environ)
        if blas_threads > 0:
            for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
                env[name] = str(blas_threads)
        subprocess.run(cmd, check=True, timeout=timeout, env=env)
        return json.loads(Path(out_path).read_text())
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        print(f"  {engine} failed: {exc}", flush=True)
        return None
    finally:
        Path(out_path).unlink(missing_ok=True)


def ari(first: np.ndarray, second: np.ndarray) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(first, second))


def oracle_labels(conversation) -> np.ndarray:
    """Best possible guess of each participant's group from the true agree probabilities."""
    c = conversation
    decided = c.votes != 0
    pids, tids, agree = c.participants[decided], c.statements[decided], c.votes[decided] == 1
    loglik = np.zeros((c.n_participants, len(c.agree_probability)))
    for g, probs in enumerate(c.agree_probability):
        p = probs[tids]
        weights = np.where(agree, np.log(p), np.log1p(-p))
        loglik[:, g] = np.bincount(pids, weights=weights, minlength=c.n_participants)
    return loglik.argmax(axis=1)


def _set_overlap(ours: list[int], theirs: list[int]) -> tuple[int, int]:
    return len(set(ours) & set(theirs)), max(len(set(ours)), len(set(theirs)))


def compare_statements(ours: dict, peer: dict) -> str:
    agree = _set_overlap(ours["consensus"]["agree"], peer["consensus"]["agree"])
    disagree = _set_overlap(ours["consensus"]["disagree"], peer["consensus"]["disagree"])
    peer_labels = np.asarray(peer["labels"])
    shared, total = 0, 0
    for g, members in enumerate(ours["members"]):
        votes = peer_labels[np.asarray(members, dtype=int)]
        votes = votes[votes >= 0]
        if len(votes) == 0:
            continue
        match = int(np.bincount(votes).argmax())  # the peer group most of ours ended up in
        s, t = _set_overlap(ours["repness"][g], peer["repness"].get(str(match), []))
        shared, total = shared + s, total + t
    return (
        f"consensus agree {agree[0]}/{agree[1]}, disagree {disagree[0]}/{disagree[1]}; "
        f"representative {shared}/{total} (groups matched by majority membership)"
    )


def bench_size(n: int, s: int, args: argparse.Namespace) -> str:
    print(f"== {n} participants x {s} statements, {args.groups} planted groups", flush=True)
    conv = planted_conversation(n, s, n_groups=args.groups, density=args.density, seed=args.seed)
    print(f"  {len(conv.votes):,} votes", flush=True)
    with tempfile.NamedTemporaryFile(suffix=".npz", delete=False) as handle:
        data_path = handle.name
    np.savez(
        data_path,
        participants=conv.participants,
        statements=conv.statements,
        votes=conv.votes,
        n_participants=n,
        n_statements=s,
    )
    try:
        ours = _spawn("ours", data_path, args.repeats, 3600, args.blas_threads)
        run_peer_here = not args.no_peer and n * s <= args.peer_max_cells
        peer = (
            _spawn("peer", data_path, args.repeats, 3600, args.blas_threads)
            if run_peer_here
            else None
        )
    finally:
        Path(data_path).unlink(missing_ok=True)
    if ours is None:
        return f"BENCH opinion size={n}x{s} ours_s=failed"
    labels = np.asarray(ours["labels"])
    clustered = labels >= 0
    ari_planted = ari(conv.truth[clustered], labels[clustered])
    ari_oracle = ari(conv.truth, oracle_labels(conv))
    print(
        f"  ours: median {ours['seconds']:.3f}s of {[round(t, 3) for t in ours['times']]}, "
        f"k={ours['k']}, peak {ours['peak_mb']:.0f} MB (input loaded: {ours['input_mb']:.0f} MB)",
        flush=True,
    )
    print(
        f"  ARI with planted groups {ari_planted:.4f} "
        f"(best possible from the votes, Bayes oracle: {ari_oracle:.4f})",
        flush=True,
    )
    peer_s = speedup = ari_peer = "na"
    if peer is not None:
        peer_labels = np.asarray(peer["labels"])
        both = clustered & (peer_labels >= 0)
        ari_peer = f"{ari(labels[both], peer_labels[both]):.4f}"
        peer_s = f"{peer['seconds']:.3f}"
        speedup = f"{peer['seconds'] / ours['seconds']:.1f}"
        peer_truth = ari(conv.truth[peer_labels >= 0], peer_labels[peer_labels >= 0])
        cosines = [
            abs(np.dot(ours["components"][i], peer["components"][i]))
            / np.linalg.norm(peer["components"][i])
            for i in range(2)
        ]
        print(
            f"  red-dwarf: median {peer['seconds']:.3f}s of "
            f"{[round(t, 3) for t in peer['times']]}, peak {peer['peak_mb']:.0f} MB "
            f"(input loaded: {peer['input_mb']:.0f} MB); its k={len(set(peer_labels[peer_labels >= 0]))}, "
            f"its ARI with planted {peer_truth:.4f}",
            flush=True,
        )
        print(f"  |cos| of PC1, PC2 with red-dwarf: {cosines[0]:.6f}, {cosines[1]:.6f}")
        print(f"  statements shared with red-dwarf: {compare_statements(ours, peer)}", flush=True)
    elif not args.no_peer:
        print(f"  red-dwarf skipped: {n * s:,} cells > --peer-max-cells {args.peer_max_cells:,}")
    return (
        f"BENCH opinion size={n}x{s} ours_s={ours['seconds']:.3f} peer_s={peer_s} "
        f"speedup={speedup} ari_planted={ari_planted:.4f} ari_peer={ari_peer} "
        f"peak_mb={ours['peak_mb']:.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000x100,10000x1000,100000x1000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--groups", type=int, default=3)
    parser.add_argument("--density", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-peer", action="store_true", help="do not run red-dwarf")
    parser.add_argument("--peer-max-cells", type=int, default=20_000_000)
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="BLAS threads for both engines (1, as in a web worker; 0 leaves the default)",
    )
    parser.add_argument("--worker", choices=["ours", "peer"], help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.data, args.out, args.repeats)
        return
    threads = args.blas_threads or "library default"
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
        f"BLAS threads for both engines: {threads}",
        flush=True,
    )
    lines = []
    for size in args.sizes.split(","):
        n, s = (int(x) for x in size.lower().split("x"))
        lines.append(bench_size(n, s, args))
    print()
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
