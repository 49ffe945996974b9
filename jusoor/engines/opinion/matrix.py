"""Votes in, one dense participants × statements matrix out.

Why dense int8: a conversation of 100,000 participants × 1,000 statements is 100 MB as int8,
while the 20 million (participant, statement, vote) triples it comes from are 180 MB or more.
Every later step (PCA, counts per group) reads rows in chunks from this one matrix.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from jusoor.engines.opinion.errors import OpinionError

MISSING = np.int8(-128)
"""Cell value for "this participant has not voted on this statement"."""

MAX_CELLS = 600_000_000
"""Refuse matrices past this size (600 MB as int8) instead of running the machine out of memory."""

ROW_CHUNK = 4096
"""Rows per chunk in every pass over the matrix: 4096 × 1000 float32 is 16 MB."""

_ASSIGN_CHUNK = 1 << 22


@dataclass(frozen=True)
class VoteMatrix:
    """The deduplicated votes of one conversation.

    values: int8 (participants, statements); +1 agree, -1 disagree, 0 pass, MISSING unvoted.
    active: statements that shape the opinion map (not moderated out and voted on at least once).
    moderated_out: statements a moderator removed; they keep their votes for the record only.
    n_votes: votes per participant on active statements.
    n_agree / n_disagree / n_seen: per statement, over every participant (passes count as seen).
    """

    values: np.ndarray
    active: np.ndarray
    moderated_out: np.ndarray
    n_votes: np.ndarray
    n_agree: np.ndarray
    n_disagree: np.ndarray
    n_seen: np.ndarray

    @property
    def n_participants(self) -> int:
        return int(self.values.shape[0])

    @property
    def n_statements(self) -> int:
        return int(self.values.shape[1])


def _as_integer_array(name: str, data: ArrayLike) -> np.ndarray:
    array = np.asarray(data)
    if array.ndim != 1:
        raise OpinionError("bad_shape", f"{name} must be a one-dimensional array")
    if array.size == 0:
        return array.astype(np.int64)
    if array.dtype.kind == "f":
        if not np.isfinite(array).all():
            code = "vote_not_a_number" if name == "votes" else "index_not_a_number"
            raise OpinionError(code, f"{name} contains NaN or infinity")
        if not np.array_equal(array, np.round(array)):
            raise OpinionError("not_an_integer", f"{name} contains non-integer values")
        return array.astype(np.int64)
    if array.dtype.kind == "b":
        raise OpinionError("bad_type", f"{name} must hold integers, not booleans")
    if array.dtype.kind not in "iu":
        raise OpinionError("bad_type", f"{name} must hold integers (got dtype {array.dtype})")
    return array


def _check_count(name: str, given: int | None, needed: int) -> int:
    if given is None:
        return needed
    if given < 0:
        raise OpinionError("bad_size", f"{name} must not be negative")
    if needed > given:
        raise OpinionError(
            f"{name.removeprefix('n_')[:-1]}_out_of_range",
            f"an index is {needed - 1} but {name} is {given}",
        )
    return int(given)


def build_matrix(
    participants: ArrayLike,
    statements: ArrayLike,
    votes: ArrayLike,
    *,
    n_participants: int | None = None,
    n_statements: int | None = None,
    moderated_out: Iterable[int] = (),
) -> VoteMatrix:
    """Validate and deduplicate votes into a `VoteMatrix`.

    Participants and statements are 0-based indices (the app maps its ids to indices). When the
    same participant votes on the same statement more than once the last vote in input order
    wins, which is what a participant who changed their mind expects; a vote flood therefore
    counts once. Raises `OpinionError` on NaN, non-integers, negative or out-of-range indices,
    votes outside {-1, 0, 1} and arrays of different lengths.
    """
    pids = _as_integer_array("participants", participants)
    tids = _as_integer_array("statements", statements)
    vals = _as_integer_array("votes", votes)
    if not (len(pids) == len(tids) == len(vals)):
        raise OpinionError(
            "length_mismatch",
            f"participants, statements and votes have {len(pids)}, {len(tids)}, {len(vals)} items",
        )
    if len(vals):
        if int(vals.min()) < -1 or int(vals.max()) > 1:
            raise OpinionError("vote_out_of_range", "votes must be -1 (disagree), 0 or 1 (agree)")
        if int(pids.min()) < 0 or int(tids.min()) < 0:
            raise OpinionError("index_negative", "participant and statement indices start at 0")
    n_rows = _check_count("n_participants", n_participants, int(pids.max()) + 1 if len(pids) else 0)
    n_cols = _check_count("n_statements", n_statements, int(tids.max()) + 1 if len(tids) else 0)

    mod_out = np.zeros(n_cols, dtype=bool)
    mod_list = [int(t) for t in moderated_out]
    if any(t < 0 or t >= n_cols for t in mod_list):
        # A moderated-out statement nobody voted on may lie past the last voted index: ignore it.
        mod_list = [t for t in mod_list if 0 <= t < n_cols]
    mod_out[mod_list] = True

    if n_rows * n_cols > MAX_CELLS:
        raise OpinionError(
            "matrix_too_large",
            f"{n_rows} participants × {n_cols} statements exceeds {MAX_CELLS} cells",
        )
    values = np.full((n_rows, n_cols), MISSING, dtype=np.int8)
    flat_view = values.reshape(-1)
    for start in range(0, len(vals), _ASSIGN_CHUNK):
        stop = start + _ASSIGN_CHUNK
        flat = pids[start:stop].astype(np.int64) * n_cols + tids[start:stop]
        flat_view[flat] = vals[start:stop]
    n_cells_voted = sum(
        int(np.count_nonzero(values[start : start + ROW_CHUNK] != MISSING))
        for start in range(0, n_rows, ROW_CHUNK)
    )
    if n_cells_voted < len(vals):
        _apply_last_vote_wins(flat_view, pids, tids, vals, n_cols)
    return _summarise(values, mod_out)


def _apply_last_vote_wins(
    flat_view: np.ndarray, pids: np.ndarray, tids: np.ndarray, vals: np.ndarray, n_cols: int
) -> None:
    """Rewrite duplicated cells with their last vote.

    Only reached when duplicates exist: numpy does not promise an order for repeated indices in
    one fancy assignment, so we find each cell's last vote with a stable sort and write it again.
    """
    flat = pids.astype(np.int64) * n_cols + tids
    order = np.argsort(flat, kind="stable")
    sorted_flat = flat[order]
    is_last = np.empty(len(sorted_flat), dtype=bool)
    is_last[:-1] = sorted_flat[1:] != sorted_flat[:-1]
    is_last[-1] = True
    winners = order[is_last]
    flat_view[flat[winners]] = vals[winners]


def _summarise(values: np.ndarray, moderated_out: np.ndarray) -> VoteMatrix:
    n_rows, n_cols = values.shape
    n_agree = np.zeros(n_cols, dtype=np.int64)
    n_disagree = np.zeros(n_cols, dtype=np.int64)
    n_seen = np.zeros(n_cols, dtype=np.int64)
    for start in range(0, n_rows, ROW_CHUNK):
        chunk = values[start : start + ROW_CHUNK]
        n_agree += np.count_nonzero(chunk == 1, axis=0)
        n_disagree += np.count_nonzero(chunk == -1, axis=0)
        n_seen += np.count_nonzero(chunk != MISSING, axis=0)
    active = (~moderated_out) & (n_seen > 0)
    n_votes = np.zeros(n_rows, dtype=np.int64)
    if active.any():
        active_idx = np.flatnonzero(active)
        all_active = len(active_idx) == n_cols
        for start in range(0, n_rows, ROW_CHUNK):
            chunk = values[start : start + ROW_CHUNK]
            if not all_active:
                chunk = chunk[:, active_idx]
            n_votes[start : start + ROW_CHUNK] = np.count_nonzero(chunk != MISSING, axis=1)
    return VoteMatrix(
        values=values,
        active=active,
        moderated_out=moderated_out,
        n_votes=n_votes,
        n_agree=n_agree,
        n_disagree=n_disagree,
        n_seen=n_seen,
    )
