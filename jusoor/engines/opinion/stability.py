"""How much to trust the groups: bootstrap over participants (beyond polis).

Why: polis always draws groups, even on noise. Before a facilitator says "the room splits three
ways", we resample the clustered participants with replacement, redo the PCA and clustering with
the same k, and measure how well each re-clustering agrees with the reference (adjusted Rand
index, 1 = identical, about 0 = chance). A mean ARI under about 0.6 means the groups are not a
finding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jusoor.engines.opinion.clustering import base_clusters, group
from jusoor.engines.opinion.matrix import VoteMatrix
from jusoor.engines.opinion.pca import fit_and_project
from jusoor.engines.opinion.pipeline import OpinionResult


@dataclass(frozen=True)
class Stability:
    """mean_ari over n_boot resamples, with each resample's ARI (in draw order)."""

    mean_ari: float
    aris: tuple[float, ...]
    n_boot: int


def adjusted_rand_index(first: np.ndarray, second: np.ndarray) -> float:
    """Adjusted Rand index of two labellings of the same items (Hubert and Arabie, 1985)."""
    first, second = np.asarray(first), np.asarray(second)
    if len(first) != len(second):
        raise ValueError("labellings must have the same length")
    if len(first) < 2:
        return 1.0
    _, a = np.unique(first, return_inverse=True)
    _, b = np.unique(second, return_inverse=True)
    n_b = int(b.max()) + 1
    table = np.bincount(a * n_b + b, minlength=(int(a.max()) + 1) * n_b).astype(np.float64)
    table = table.reshape(-1, n_b)

    def pairs(x: np.ndarray) -> float:
        return float((x * (x - 1.0) / 2.0).sum())

    together = pairs(table)
    rows, cols = pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * cols / pairs(np.array([float(len(first))]))
    best = (rows + cols) / 2.0
    if best == expected:
        return 1.0
    return (together - expected) / (best - expected)


def group_stability(
    matrix: VoteMatrix, result: OpinionResult, *, n_boot: int = 20, seed: int = 0
) -> Stability:
    """Mean ARI between the reference groups and `n_boot` bootstrap re-clusterings.

    Each resample draws the clustered participants with replacement; duplicates become weights
    (in the PCA, the base clusters and the group k-means) rather than copied rows. Only the
    participants drawn at least once are compared. A conversation without groups scores 0.
    """
    if result.k < 2:
        return Stability(0.0, (), 0)
    members = np.flatnonzero(result.in_conversation)
    rng = np.random.default_rng(seed)
    settings = result.settings
    scores = []
    for _ in range(n_boot):
        draws = np.bincount(rng.integers(0, len(members), len(members)), minlength=len(members))
        drawn = members[draws > 0]
        weights = draws[draws > 0].astype(np.float64)
        _, projection = fit_and_project(matrix, rows=drawn, weights=weights)
        mask = np.zeros(matrix.n_participants, dtype=bool)
        mask[drawn] = True
        full_weights = np.zeros(matrix.n_participants)
        full_weights[drawn] = weights
        base = base_clusters(
            projection, mask, base_k=settings.base_k, seed=settings.seed, weights=full_weights
        )
        if len(base.centers) < 2:
            scores.append(0.0)
            continue
        grouping = group(base, result.k, seed=settings.seed)
        labels = grouping.base_to_group[base.labels[drawn]]
        scores.append(adjusted_rand_index(result.labels[drawn], labels))
    return Stability(float(np.mean(scores)), tuple(scores), n_boot)
