"""Weighted k-means and the silhouette, in numpy, for 2-D opinion maps.

Why our own: the engine must stay light (no scikit-learn at run time), the data are only two
columns wide, and polis needs weights (a base cluster counts as many participants as it holds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

_ASSIGN_CHUNK = 32768


@dataclass(frozen=True)
class KMeansFit:
    """centers (k', 2) with k' ≤ k (empty clusters are dropped, as in polis); labels in 0..k'-1."""

    centers: np.ndarray
    labels: np.ndarray
    inertia: float


def _assign(points: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(centers) > 8 and len(points) > 1000:
        # Many centres (the 100 base clusters): a k-d tree on the centres halves the time.
        dist, labels = cKDTree(centers).query(points)
        return labels.astype(np.int64), dist**2
    labels = np.empty(len(points), dtype=np.int64)
    dist2 = np.empty(len(points))
    c2 = (centers**2).sum(axis=1)
    for start in range(0, len(points), _ASSIGN_CHUNK):
        block = points[start : start + _ASSIGN_CHUNK]
        d = c2[None, :] - 2.0 * (block @ centers.T)
        idx = np.argmin(d, axis=1)
        labels[start : start + _ASSIGN_CHUNK] = idx
        x2 = (block**2).sum(axis=1)
        dist2[start : start + _ASSIGN_CHUNK] = np.maximum(d[np.arange(len(block)), idx] + x2, 0.0)
    return labels, dist2


def kmeans_plus_plus(
    points: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator
) -> np.ndarray:
    """Weighted k-means++ seeding; stops early when every point already sits on a center.

    On more than 5,000 points the seeds are drawn from a seeded sample of 5,000 (weighted by
    the weights), which is plenty for 100 base clusters and keeps seeding off the critical path.
    """
    if len(points) > 5000:
        sample = rng.choice(len(points), size=5000, replace=False, p=weights / weights.sum())
        points, weights = points[sample], np.ones(5000)
    first = rng.choice(len(points), p=weights / weights.sum())
    centers = [points[first]]
    diff = points - points[first]
    dist2 = np.einsum("ij,ij->i", diff, diff)
    for _ in range(1, k):
        mass = dist2 * weights
        total = mass.sum()
        if total <= 0:
            break
        nxt = rng.choice(len(points), p=mass / total)
        centers.append(points[nxt])
        diff = points - points[nxt]
        np.minimum(dist2, np.einsum("ij,ij->i", diff, diff), out=dist2)
    return np.array(centers)


def _lloyd(
    points: np.ndarray,
    weights: np.ndarray,
    centers: np.ndarray,
    max_iter: int,
    tol: float,
    rel_tol: float,
) -> KMeansFit:
    labels, dist2 = _assign(points, centers)
    inertia = float((dist2 * weights).sum())
    for _ in range(max_iter):
        k = len(centers)
        mass = np.bincount(labels, weights=weights, minlength=k)
        sums = np.stack(
            [np.bincount(labels, weights=weights * points[:, d], minlength=k) for d in (0, 1)],
            axis=1,
        )
        keep = mass > 0  # polis drops clusters that lost all their members
        new_centers = sums[keep] / mass[keep, None]
        shift = np.sqrt(((new_centers - centers[keep]) ** 2).sum(axis=1)).max()
        centers = new_centers
        new_labels, dist2 = _assign(points, centers)
        new_inertia = float((dist2 * weights).sum())
        unchanged = keep.all() and np.array_equal(new_labels, labels)
        gain = (inertia - new_inertia) / max(new_inertia, 1e-300)
        labels, inertia = new_labels, new_inertia
        if unchanged or shift < tol or gain < rel_tol:
            break
    return KMeansFit(centers=centers, labels=labels, inertia=inertia)


def kmeans(
    points: np.ndarray,
    k: int,
    weights: np.ndarray | None = None,
    *,
    seed: int = 0,
    n_init: int = 1,
    max_iter: int = 100,
    tol: float = 0.01,
    rel_tol: float = 0.0,
) -> KMeansFit:
    """Weighted k-means with deterministic (seeded) k-means++ starts; best inertia of n_init.

    `tol` is polis' `same-clustering?` threshold: stop once no center moves by 0.01 or more.
    `rel_tol` also stops once an iteration improves the inertia by less than that fraction
    (the base clusters use 1e-3: they only summarise the map, and the last 0.1% of inertia
    costs three quarters of the iterations).
    """
    points = np.asarray(points, dtype=np.float64)
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=np.float64)
    best: KMeansFit | None = None
    for run in range(n_init):
        rng = np.random.default_rng([seed, k, run])
        start = kmeans_plus_plus(points, w, min(k, len(points)), rng)
        fit = _lloyd(points, w, start, max_iter, tol, rel_tol)
        if best is None or fit.inertia < best.inertia - 1e-9:
            best = fit
    assert best is not None
    return best


def silhouette(points: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette over points (polis `silhouette` on base-cluster centres, unweighted).

    A point alone in its cluster scores 0, as in polis and scikit-learn. Fewer than two clusters
    score 0. Meant for the ≤ 100 base clusters, so it builds the full distance matrix.
    """
    labels = np.asarray(labels)
    uniq = np.unique(labels)
    if len(uniq) < 2:
        return 0.0
    dist = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    onehot = (labels[:, None] == uniq[None, :]).astype(np.float64)
    sizes = onehot.sum(axis=0)
    sums = dist @ onehot
    own = np.searchsorted(uniq, labels)
    own_size = sizes[own]
    a = np.divide(
        sums[np.arange(len(points)), own],
        own_size - 1,
        out=np.zeros(len(points)),
        where=own_size > 1,
    )
    mean_other = sums / sizes[None, :]
    mean_other[np.arange(len(points)), own] = np.inf
    b = mean_other.min(axis=1)
    denom = np.maximum(a, b)
    s = np.divide(b - a, denom, out=np.zeros(len(points)), where=denom > 0)
    s[own_size <= 1] = 0.0
    return float(s.mean())
