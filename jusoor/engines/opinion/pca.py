"""PCA of the vote matrix and the sparsity-aware projection of participants (polis pca.clj).

Column-mean imputation followed by centring turns every unvoted cell into exactly 0, so the
centred, imputed matrix is `where(voted, vote - mean, 0)` and never needs a float copy of the
raw matrix. Two routes to the two leading components:

* up to `CACHE_CELLS` cells, the centred matrix is held once in float32 and block power
  iteration multiplies by it directly (a few cheap products; the projection reuses it);
* past that (100,000 × 1,000), participants stream through an S × S covariance in float32
  chunks, and the power iteration runs on the small covariance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from jusoor.engines.opinion.matrix import MISSING, ROW_CHUNK, VoteMatrix

CACHE_CELLS = 64_000_000
"""Largest centred matrix (participants × active statements) kept in memory: 256 MB float32."""


@dataclass(frozen=True)
class PcaModel:
    """Two principal components over the active statements.

    center: column means of the votes (0 on inactive statements).
    components: (2, n_statements), unit length, zero on inactive statements; a component is all
    zero when the votes have no variance left in that direction.
    explained_variance: the two eigenvalues of the covariance.
    n_active: number of active statements (polis' `n-cmnts` in the sparsity scaling).
    """

    center: np.ndarray
    components: np.ndarray
    explained_variance: np.ndarray
    n_active: int


def _centred(chunk: np.ndarray, center: np.ndarray) -> np.ndarray:
    block = chunk.astype(np.float32)
    block -= center
    np.putmask(block, chunk == MISSING, 0.0)
    return block


def _rows_of(matrix: VoteMatrix, rows: np.ndarray, active_idx: np.ndarray, start: int):
    chunk = matrix.values[rows[start : start + ROW_CHUNK]]
    return chunk if len(active_idx) == matrix.n_statements else chunk[:, active_idx]


def fit_and_project(
    matrix: VoteMatrix,
    rows: np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> tuple[PcaModel, np.ndarray]:
    """Fit PCA and project every participant; returns (model, points of shape (n, 2)).

    By default the fit uses every participant with at least one vote, as polis does. `rows` and
    `weights` fit on some participants counted several times (the bootstrap in `stability.py`
    uses them instead of copying resampled rows); all participants are still projected.
    """
    active_idx = np.flatnonzero(matrix.active)
    n_cols = matrix.n_statements
    every_voter = rows is None
    if every_voter:
        rows = np.flatnonzero(matrix.n_votes > 0)
    w = np.ones(len(rows)) if weights is None else np.asarray(weights, dtype=np.float64)
    total = float(w.sum())
    d = len(active_idx)
    if d == 0 or len(rows) == 0 or total <= 0:
        empty = PcaModel(np.zeros(n_cols), np.zeros((2, n_cols)), np.zeros(2), d)
        return empty, np.zeros((matrix.n_participants, 2))

    if every_voter:
        # Every voter is in: the column means follow from the per-statement counts.
        seen = matrix.n_seen[active_idx]
        center_active = (matrix.n_agree[active_idx] - matrix.n_disagree[active_idx]) / seen
    else:
        center_active = _column_means(matrix, rows, w, active_idx)
    center32 = center_active.astype(np.float32)

    cached: np.ndarray | None = None
    if len(rows) * d <= CACHE_CELLS:
        cached = np.empty((len(rows), d), dtype=np.float32)
        for start in range(0, len(rows), ROW_CHUNK):
            chunk = _rows_of(matrix, rows, active_idx, start)
            cached[start : start + ROW_CHUNK] = _centred(chunk, center32)
        w32 = w.astype(np.float32)[:, None]

        def apply(basis: np.ndarray) -> np.ndarray:
            image = cached @ basis.astype(np.float32)
            if weights is not None:
                image *= w32
            return (cached.T @ image).astype(np.float64) / total

    else:
        cov = np.zeros((d, d), dtype=np.float64)
        for start in range(0, len(rows), ROW_CHUNK):
            block = _centred(_rows_of(matrix, rows, active_idx, start), center32)
            if weights is None:
                cov += block.T @ block
            else:
                cov += (block.T * w[start : start + ROW_CHUNK].astype(np.float32)) @ block
        cov /= total

        def apply(basis: np.ndarray) -> np.ndarray:
            return cov @ basis

    n_take = min(2, d)
    eigvals, eigvecs = top_eigenvectors(apply, d, n_take)
    components = np.zeros((2, n_cols))
    variance = np.zeros(2)
    scale = max(float(eigvals.max(initial=0.0)), 1e-300)
    for i in range(n_take):
        if eigvals[i] <= 1e-9 * scale or eigvals[i] <= 1e-12:
            continue  # no variance along this axis: leave the component at zero
        components[i, active_idx] = eigvecs[:, i] * _sign(eigvecs[:, i])
        variance[i] = eigvals[i]
    center = np.zeros(n_cols)
    center[active_idx] = center_active
    model = PcaModel(center, components, variance, d)

    comps32 = components[:, active_idx].T.astype(np.float32)
    projection = np.zeros((matrix.n_participants, 2))
    if cached is not None and every_voter:
        projection[rows] = cached @ comps32
    else:
        everyone = np.arange(matrix.n_participants)
        for start in range(0, len(everyone), ROW_CHUNK):
            chunk = _rows_of(matrix, everyone, active_idx, start)
            projection[start : start + ROW_CHUNK] = _centred(chunk, center32) @ comps32
    # Polis scales by sqrt(n-cmnts / n-votes) so sparse voters are not pulled into the centre.
    projection *= np.sqrt(d / np.maximum(matrix.n_votes, 1))[:, None]
    projection[matrix.n_votes == 0] = 0.0
    return model, projection


def top_eigenvectors(
    apply: Callable[[np.ndarray], np.ndarray], d: int, n: int, *, tol: float = 1e-6
) -> tuple[np.ndarray, np.ndarray]:
    """The n leading eigenpairs of a symmetric positive semi-definite operator, largest first.

    Block power iteration (polis uses plain power iteration, 100 steps) with 8 spare vectors and
    a Rayleigh–Ritz step; it stops when the leading vectors stop turning. Why not `eigh`: on a
    1,000 × 1,000 covariance it takes a second or more on a busy two-core machine.
    """
    if d <= 64:
        full = apply(np.eye(d))
        vals, vecs = np.linalg.eigh((full + full.T) / 2.0)
        return vals[::-1][:n], vecs[:, ::-1][:, :n]
    block = min(d, n + 8)
    rng = np.random.default_rng(0)
    basis = rng.standard_normal((d, block))
    basis[:, 0] = 1.0
    basis = _orthonormal(basis)
    previous = None
    vals = np.zeros(n)
    vecs = basis[:, :n]
    for _ in range(100):  # polis' pca-iters; enough unless there is no structure to find
        image = apply(basis)
        small = basis.T @ image
        small_vals, small_vecs = np.linalg.eigh((small + small.T) / 2.0)
        vals = small_vals[::-1][:n]
        vecs = basis @ small_vecs[:, ::-1][:, :n]
        if previous is not None:
            overlap = np.abs(np.sum(vecs * previous, axis=0))
            if np.all(overlap > 1.0 - tol):
                break
        previous = vecs
        basis = _orthonormal(image)
    return vals, vecs


def _orthonormal(block: np.ndarray) -> np.ndarray:
    """Orthonormal basis of a tall block's columns (Cholesky QR twice, QR if that fails).

    Why: LAPACK QR of a 1,000 × 10 block costs milliseconds of thread start-up on a busy machine,
    while two Cholesky passes over a 10 × 10 Gram matrix cost microseconds.
    """
    try:
        for _ in range(2):
            chol = np.linalg.cholesky(block.T @ block)
            block = np.linalg.solve(chol, block.T).T
        return block
    except np.linalg.LinAlgError:
        return np.linalg.qr(block)[0]


def _column_means(
    matrix: VoteMatrix, rows: np.ndarray, weights: np.ndarray, active_idx: np.ndarray
) -> np.ndarray:
    sums = np.zeros(len(active_idx))
    counts = np.zeros(len(active_idx))
    for start in range(0, len(rows), ROW_CHUNK):
        chunk = _rows_of(matrix, rows, active_idx, start)
        voted = chunk != MISSING
        w = weights[start : start + ROW_CHUNK]
        sums += w @ np.where(voted, chunk, 0).astype(np.float64)
        counts += w @ voted.astype(np.float64)
    return np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)


def _sign(vec: np.ndarray) -> float:
    """A fixed sign for an eigenvector, so the same data always give the same picture.

    Polis starts power iteration from a vector of ones, which leaves a component pointing
    roughly along that vector; we make the same choice explicitly (sum ≥ 0, ties broken by the
    largest entry).
    """
    total = float(vec.sum())
    if abs(total) > 1e-9:
        return 1.0 if total > 0 else -1.0
    return 1.0 if vec[np.argmax(np.abs(vec))] >= 0 else -1.0


def statement_extremity(pca: PcaModel) -> np.ndarray:
    """How far a participant who only agreed with one statement lands from the centre.

    Polis (`pca-project-cmnts`) projects one virtual participant per statement who voted agree on
    it and nothing else; the length of that point is the statement's extremity, which feeds the
    priority of showing it. Inactive statements get 0.
    """
    offset = np.where(pca.components.any(axis=0), 1.0 - pca.center, 0.0)
    points = pca.components * offset * np.sqrt(max(pca.n_active, 1))
    return np.linalg.norm(points, axis=0)
