"""Counts per group, representative statements, consensus (polis repness.clj, stats.clj).

Our votes use agree = +1 (polis stores agree as -1 internally); the formulas are the same with
"agree" meaning agree. Every probability carries polis' pseudo-counts (+1 / +2) so a statement
seen by three people cannot look like a landslide.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from statistics import NormalDist

import numpy as np

from jusoor.engines.opinion.matrix import MISSING, VoteMatrix


@dataclass(frozen=True)
class VoteCounts:
    """agree, disagree and seen (agree + disagree + pass) per (group or base cluster, statement)."""

    agree: np.ndarray
    disagree: np.ndarray
    seen: np.ndarray


@dataclass(frozen=True)
class RepnessStats:
    """Polis' per-group statistics, each an array of shape (groups, statements).

    pa/pd: smoothed probability to agree/disagree in the group; pat/pdt their one-proportion
    z-scores; ra/rd: that probability divided by the same for everyone else clustered; rat/rdt:
    two-proportion z-scores of in-group against out-group.
    """

    counts: VoteCounts
    pa: np.ndarray
    pd: np.ndarray
    pat: np.ndarray
    pdt: np.ndarray
    ra: np.ndarray
    rd: np.ndarray
    rat: np.ndarray
    rdt: np.ndarray


@dataclass(frozen=True)
class StatementPick:
    """A representative or consensus statement, in polis' client format.

    repness / repness_test are None for consensus picks. best_agree marks the statement polis
    puts first because it is what the group most clearly agrees with.
    """

    statement: int
    direction: str
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float | None = None
    repness_test: float | None = None
    best_agree: bool = False


def z_threshold(confidence: float) -> float:
    """One-sided critical z; 0.90 gives 1.2816, the constant in polis `z-sig-90?`."""
    return NormalDist().inv_cdf(confidence)


def base_cluster_counts(matrix: VoteMatrix, labels: np.ndarray, n_base: int) -> VoteCounts:
    """Votes per base cluster and statement (polis `votes-base`), one pass over member rows."""
    shape = (n_base, matrix.n_statements)
    agree, disagree, seen = (np.zeros(shape, dtype=np.int64) for _ in range(3))
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    bounds = np.searchsorted(sorted_labels, np.arange(n_base + 1))
    for b in range(n_base):
        rows = order[bounds[b] : bounds[b + 1]]
        if len(rows) == 0:
            continue
        sub = matrix.values[rows]
        agree[b] = np.count_nonzero(sub == 1, axis=0)
        disagree[b] = np.count_nonzero(sub == -1, axis=0)
        seen[b] = np.count_nonzero(sub != MISSING, axis=0)
    return VoteCounts(agree, disagree, seen)


def group_counts(base: VoteCounts, base_to_group: np.ndarray, k: int) -> VoteCounts:
    """Sum base-cluster counts into group counts (polis `group-votes`)."""
    onehot = np.zeros((k, len(base_to_group)), dtype=np.int64)
    onehot[base_to_group, np.arange(len(base_to_group))] = 1
    return VoteCounts(onehot @ base.agree, onehot @ base.disagree, onehot @ base.seen)


def prop_test(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """Polis `prop-test`: z of a proportion against 1/2, with one pseudo-count on each side."""
    s = successes + 1.0
    n = trials + 1.0
    return 2.0 * np.sqrt(n) * (s / n - 0.5)


def two_prop_test(
    succ_in: np.ndarray, succ_out: np.ndarray, n_in: np.ndarray, n_out: np.ndarray
) -> np.ndarray:
    """Polis `two-prop-test`, pseudo-count 1 on all four counts; 0 when the pooled rate is 1."""
    s1, s2, n1, n2 = succ_in + 1.0, succ_out + 1.0, n_in + 1.0, n_out + 1.0
    pi1, pi2 = s1 / n1, s2 / n2
    pooled = (s1 + s2) / (n1 + n2)
    denom = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    z = np.divide(pi1 - pi2, denom, out=np.zeros_like(pi1), where=denom > 0)
    return np.where(pooled >= 1.0, 0.0, z)


def repness_stats(counts: VoteCounts) -> RepnessStats:
    """All of polis' `conv-repness` statistics for every group and statement at once."""
    na, nd, ns = (c.astype(np.float64) for c in (counts.agree, counts.disagree, counts.seen))
    rest_na, rest_nd, rest_ns = na.sum(0) - na, nd.sum(0) - nd, ns.sum(0) - ns
    pa = (1.0 + na) / (2.0 + ns)
    pd = (1.0 + nd) / (2.0 + ns)
    return RepnessStats(
        counts=counts,
        pa=pa,
        pd=pd,
        pat=prop_test(na, ns),
        pdt=prop_test(nd, ns),
        ra=pa / ((1.0 + rest_na) / (2.0 + rest_ns)),
        rd=pd / ((1.0 + rest_nd) / (2.0 + rest_ns)),
        rat=two_prop_test(na, rest_na, ns, rest_ns),
        rdt=two_prop_test(nd, rest_nd, ns, rest_ns),
    )


def _finalise(stats: RepnessStats, g: int, t: int) -> StatementPick:
    """Polis `finalize-cmt-stats`: report the direction whose repness z-score is larger."""
    c = stats.counts
    if stats.rat[g, t] > stats.rdt[g, t]:
        direction, n, p, pt, r, rt = "agree", c.agree, stats.pa, stats.pat, stats.ra, stats.rat
    else:
        direction, n, p, pt, r, rt = (
            "disagree",
            c.disagree,
            stats.pd,
            stats.pdt,
            stats.rd,
            stats.rdt,
        )
    return StatementPick(
        statement=int(t),
        direction=direction,
        n_success=int(n[g, t]),
        n_trials=int(c.seen[g, t]),
        p_success=float(p[g, t]),
        p_test=float(pt[g, t]),
        repness=float(r[g, t]),
        repness_test=float(rt[g, t]),
    )


def select_representative(
    stats: RepnessStats,
    eligible: np.ndarray,
    *,
    pick_max: int = 5,
    confidence: float = 0.90,
) -> list[list[StatementPick]]:
    """Polis `select-rep-comments`, group by group.

    A statement is representative of a group when both its repness z and its probability z pass
    the confidence threshold (for agree, or for disagree). Those are sorted by
    repness × repness-z × p × p-z; the group's "best agree" statement goes first; five are kept;
    agrees come before disagrees. A group with no significant statement still gets its best one.
    `eligible` excludes moderated-out statements.
    """
    z = z_threshold(confidence)
    statements = np.flatnonzero(eligible)
    picks: list[list[StatementPick]] = []
    for g in range(stats.pa.shape[0]):
        passes = ((stats.rat[g] > z) & (stats.pat[g] > z)) | (
            (stats.rdt[g] > z) & (stats.pdt[g] > z)
        )
        sufficient = [t for t in statements if passes[t]]
        best_agree = _best_agree(stats, g, statements, z)
        head: list[StatementPick] = []
        if best_agree is not None:
            pick = _finalise(stats, g, best_agree)
            head = [replace(pick, best_agree=True)]
        if not sufficient:
            if not head and len(statements):
                best_test = np.maximum(stats.rat[g, statements], stats.rdt[g, statements])
                head = [_finalise(stats, g, int(statements[int(np.argmax(best_test))]))]
            picks.append(head)
            continue
        rest = [_finalise(stats, g, t) for t in sufficient if t != best_agree]
        rest.sort(key=lambda p: -(p.repness * p.repness_test * p.p_success * p.p_test))
        chosen = (head + rest)[:pick_max]
        chosen = [p for p in chosen if p.direction == "agree"] + [
            p for p in chosen if p.direction == "disagree"
        ]
        picks.append(chosen)
    return picks


def _best_agree(stats: RepnessStats, g: int, statements: np.ndarray, z: float) -> int | None:
    """Polis `beats-best-agr?` folded over statements in order; returns a statement or None."""
    na, nd = stats.counts.agree[g], stats.counts.disagree[g]
    ra, rat, pa, pat = stats.ra[g], stats.rat[g], stats.pa[g], stats.pat[g]
    best: int | None = None
    for t in statements:
        if na[t] == 0 and nd[t] == 0:
            continue
        if best is not None and ra[best] > 1.0:
            better = ra[t] * rat[t] * pa[t] * pat[t] > ra[best] * rat[best] * pa[best] * pat[best]
        elif best is not None:
            better = pa[t] * pat[t] > pa[best] * pat[best]
        else:
            better = pat[t] > z or (ra[t] > 1.0 and pa[t] > 0.5)
        if better:
            best = int(t)
    return best


def select_consensus(
    agree: np.ndarray,
    disagree: np.ndarray,
    seen: np.ndarray,
    eligible: np.ndarray,
    *,
    pick_max: int = 5,
    confidence: float = 0.90,
) -> dict[str, list[StatementPick]]:
    """Polis `select-consensus-comments` over everyone who voted (not only those clustered).

    Agree consensus: statements with smoothed P(agree) > 0.5 and a significant z, ranked by
    P(agree) × z; five at most. The same for disagree.
    """
    z = z_threshold(confidence)
    na, nd, ns = (np.asarray(x, dtype=np.float64) for x in (agree, disagree, seen))
    result: dict[str, list[StatementPick]] = {}
    for direction, n in (("agree", na), ("disagree", nd)):
        p = (1.0 + n) / (2.0 + ns)
        pt = prop_test(n, ns)
        ok = np.flatnonzero(eligible & (p > 0.5) & (pt > z))
        ranked = ok[np.argsort(-(p[ok] * pt[ok]), kind="stable")][:pick_max]
        result[direction] = [
            StatementPick(
                statement=int(t),
                direction=direction,
                n_success=int(n[t]),
                n_trials=int(ns[t]),
                p_success=float(p[t]),
                p_test=float(pt[t]),
            )
            for t in ranked
        ]
    return result


def group_informed_consensus(counts: VoteCounts) -> tuple[np.ndarray, np.ndarray]:
    """Product over groups of (agree + 1) / (seen + 2), and the same for disagree.

    High only when every group leans the same way, however small the group: the "bridging"
    statements polis shows as group-informed consensus.
    """
    seen = counts.seen + 2.0
    agree = np.prod((counts.agree + 1.0) / seen, axis=0)
    disagree = np.prod((counts.disagree + 1.0) / seen, axis=0)
    return agree, disagree
