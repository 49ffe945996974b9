"""Which statement to show a participant next (polis `comment-priorities` and the server's pick).

Why: a conversation with hundreds of statements cannot ask everyone everything. Polis shows
statements that are new (few votes yet), engaging (few passes), agreeable and that split the
opinion map (extremity), and draws the next one at random in proportion to that priority so
that every statement keeps a chance.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

META_PRIORITY = 7.0
"""Polis `meta-priority`: meta statements (about the participant, not opinions) get 7² = 49."""


def importance(
    agree: np.ndarray, passes: np.ndarray, seen: np.ndarray, extremity: np.ndarray
) -> np.ndarray:
    """Polis `importance-metric`: (1 - p) × (E + 1) × a.

    p = (passes + 1) / (seen + 2), a = (agree + 1) / (seen + 2), E = extremity.
    """
    seen = np.asarray(seen, dtype=np.float64)
    p = (np.asarray(passes, dtype=np.float64) + 1.0) / (seen + 2.0)
    a = (np.asarray(agree, dtype=np.float64) + 1.0) / (seen + 2.0)
    return (1.0 - p) * (np.asarray(extremity, dtype=np.float64) + 1.0) * a


def priorities(
    agree: np.ndarray,
    disagree: np.ndarray,
    seen: np.ndarray,
    extremity: np.ndarray,
    *,
    meta: np.ndarray | None = None,
) -> np.ndarray:
    """Polis `priority-metric`: (importance × novelty)², novelty = 1 + 8 × 2^(-seen / 5).

    Counts are over the clustered participants (polis sums its group votes). A statement seen
    by nobody has novelty 9, so new statements are shown early. Meta statements get 49.
    """
    seen = np.asarray(seen, dtype=np.float64)
    passes = seen - np.asarray(agree) - np.asarray(disagree)
    novelty = 1.0 + 8.0 * np.power(2.0, -seen / 5.0)
    value = importance(agree, passes, seen, extremity) * novelty
    if meta is not None:
        value = np.where(np.asarray(meta, dtype=bool), META_PRIORITY, value)
    return value**2


def next_statement(
    priority: np.ndarray,
    already_voted: Iterable[int],
    *,
    excluded: Iterable[int] = (),
    rng: np.random.Generator | None = None,
    seed: int | None = None,
) -> int | None:
    """Draw the next statement for a participant, with probability proportional to priority.

    As the polis server does (`selectProbabilistically`): only statements the participant has
    not voted on and that are not excluded (moderated out, or not yet moderated in), a priority
    of 0 or NaN counting as 1 (a statement the math has not seen yet). None when nothing is left.
    Pass `rng` (or `seed`) for reproducible draws.
    """
    weights = np.array(priority, dtype=np.float64, copy=True)
    weights[~np.isfinite(weights) | (weights <= 0)] = 1.0
    available = np.ones(len(weights), dtype=bool)
    for group in (already_voted, excluded):
        idx = np.fromiter((int(t) for t in group), dtype=np.int64)
        idx = idx[(idx >= 0) & (idx < len(weights))]
        available[idx] = False
    candidates = np.flatnonzero(available)
    if len(candidates) == 0:
        return None
    generator = rng if rng is not None else np.random.default_rng(seed)
    cumulative = np.cumsum(weights[candidates])
    draw = generator.random() * cumulative[-1]
    return int(
        candidates[min(int(np.searchsorted(cumulative, draw, side="right")), len(candidates) - 1)]
    )
