"""Who is clustered, base clusters, opinion groups and the choice of k (polis conversation.clj).

Two-level clustering is what lets polis scale: participants are first summarised by up to 100
base clusters, and the opinion groups are a weighted k-means over those base clusters. The
choice of k by silhouette is then cheap (≤ 100 points) and every count per group is a sum of
counts per base cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jusoor.engines.opinion.kmeans import kmeans, silhouette

K_BUFFER = 4
"""Polis' `group-k-buffer`: a new best k must win this many updates in a row to be adopted."""


@dataclass(frozen=True)
class KSmoother:
    """Polis' `group-k-smoother`, carried from one update of a conversation to the next."""

    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None


@dataclass(frozen=True)
class BaseClusters:
    """centers (B, 2), sizes (B,) and, per participant, the base cluster (-1 if not clustered)."""

    centers: np.ndarray
    sizes: np.ndarray
    labels: np.ndarray


@dataclass(frozen=True)
class Grouping:
    """Opinion groups over the base clusters, numbered by size (group 0 is the largest; the
    pipeline may renumber them to match the previous update).

    base_to_group maps each base cluster to its group; centers are weighted group centres.
    """

    k: int
    base_to_group: np.ndarray
    centers: np.ndarray
    silhouette: float


def select_participants(
    n_votes: np.ndarray,
    n_active: int,
    previous: np.ndarray | None = None,
    *,
    min_votes: int = 7,
    min_participants: int = 15,
) -> np.ndarray:
    """Boolean mask of participants who take part in clustering (polis `in-conv`).

    In: everyone with at least min(7, n_active) votes, plus everyone who was in before (a
    participant never drops out between updates). If that is fewer than 15 people, the
    participants with the most votes are added until there are 15 (ties by lower index).
    Participants without any vote are never added.
    """
    threshold = min(min_votes, n_active)
    chosen = (n_votes >= max(threshold, 1)) & (n_votes > 0)
    if previous is not None and len(previous):
        prev = np.zeros(len(n_votes), dtype=bool)
        prev[np.asarray(previous)[np.asarray(previous) < len(n_votes)]] = True
        chosen |= prev & (n_votes > 0)
    missing = min_participants - int(chosen.sum())
    if missing > 0:
        candidates = np.flatnonzero(~chosen & (n_votes > 0))
        order = np.argsort(-n_votes[candidates], kind="stable")
        chosen[candidates[order[:missing]]] = True
    return chosen


def base_clusters(
    projection: np.ndarray,
    members: np.ndarray,
    *,
    base_k: int = 100,
    seed: int = 0,
    weights: np.ndarray | None = None,
) -> BaseClusters:
    """k-means with k = 100 over the clustered participants' points (polis `base-clusters`)."""
    idx = np.flatnonzero(members)
    labels = np.full(len(projection), -1, dtype=np.int64)
    if len(idx) == 0:
        return BaseClusters(np.zeros((0, 2)), np.zeros(0, dtype=np.int64), labels)
    w = None if weights is None else weights[idx]
    fit = kmeans(projection[idx], base_k, w, seed=seed, n_init=1, max_iter=100, rel_tol=1e-3)
    labels[idx] = fit.labels
    mass = np.ones(len(idx)) if w is None else w
    sizes = np.bincount(fit.labels, weights=mass, minlength=len(fit.centers))
    return BaseClusters(fit.centers, sizes.astype(np.int64), labels)


def max_k_for(n_base: int, max_k: int = 5) -> int:
    """Polis `max-k-fn`: no more than 2 + one group per 12 base clusters."""
    return min(max_k, 2 + n_base // 12)


def group(base: BaseClusters, k: int, *, seed: int = 0, n_init: int = 10) -> Grouping:
    """Weighted k-means of the base clusters into k groups, numbered largest first."""
    fit = kmeans(base.centers, k, base.sizes.astype(np.float64), seed=seed, n_init=n_init)
    mass = np.bincount(fit.labels, weights=base.sizes, minlength=len(fit.centers))
    order = np.lexsort((fit.centers[:, 1], fit.centers[:, 0], -mass))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    score = silhouette(base.centers, fit.labels) if len(fit.centers) > 1 else 0.0
    return Grouping(
        k=len(fit.centers),
        base_to_group=rank[fit.labels],
        centers=fit.centers[order],
        silhouette=score,
    )


def choose_groups(
    base: BaseClusters,
    previous: KSmoother | None = None,
    *,
    max_k: int = 5,
    force_k: int | None = None,
    seed: int = 0,
) -> tuple[Grouping, dict[int, float], KSmoother]:
    """Cluster for k = 2..max_k, pick k by silhouette, smoothed across updates as polis does.

    The best k of this update only replaces the k in use once it has been the best for
    `K_BUFFER` updates in a row; on the first update it is adopted at once. `force_k` bypasses
    the choice (the smoother still records what the silhouette preferred).
    Returns the grouping used, the silhouette of every k tried, and the new smoother state.
    """
    n_base = len(base.centers)
    if n_base < 2:
        single = Grouping(1, np.zeros(n_base, dtype=np.int64), base.centers.copy(), 0.0)
        return single, {}, previous or KSmoother()
    top = max_k_for(n_base, max_k)
    groupings = {k: group(base, k, seed=seed) for k in range(2, top + 1)}
    scores = {k: g.silhouette for k, g in groupings.items()}
    best_k = max(scores, key=lambda k: (scores[k], -k))  # ties go to the smaller k
    smoother = update_k_smoother(previous, best_k)
    if force_k is not None:
        chosen = groupings.get(force_k) or group(base, force_k, seed=seed)
    else:
        k_use = smoother.smoothed_k or best_k
        chosen = groupings.get(k_use) or group(base, k_use, seed=seed)
    return chosen, scores, smoother


def update_k_smoother(previous: KSmoother | None, best_k: int, buffer: int = K_BUFFER) -> KSmoother:
    """One step of polis' k smoother (conversation.clj `group-k-smoother`)."""
    prev = previous or KSmoother()
    same = prev.last_k is not None and prev.last_k == best_k
    count = prev.last_k_count + 1 if same else 1
    adopt = count >= buffer or prev.smoothed_k is None
    smoothed = best_k if adopt else prev.smoothed_k
    return KSmoother(last_k=best_k, last_k_count=count, smoothed_k=smoothed)
