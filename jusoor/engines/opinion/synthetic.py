"""Synthetic conversations with planted opinion groups, generated reproducibly.

Why in the engine: the tests, the benchmark and the demo's dialogue all need votes whose true
groups are known, and they must all mean the same thing by "a planted group".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PlantedConversation:
    """Votes (participant, statement, vote arrays) and the truth they were drawn from.

    truth: planted group per participant; agree_probability: (groups, statements).
    """

    participants: np.ndarray
    statements: np.ndarray
    votes: np.ndarray
    truth: np.ndarray
    agree_probability: np.ndarray
    n_participants: int
    n_statements: int


def planted_conversation(
    n_participants: int,
    n_statements: int,
    *,
    n_groups: int = 3,
    density: float = 0.2,
    pass_rate: float = 0.1,
    group_shares: tuple[float, ...] | None = None,
    seed: int = 0,
) -> PlantedConversation:
    """Each group has its own probability of agreeing with each statement (0.1 to 0.9).

    Every participant votes on about `density` of the statements, chosen at random; a vote is a
    pass with probability `pass_rate`, otherwise agree with the group's probability. Groups have
    unequal sizes by default (shares 5:4:3:…) because real groups do.
    """
    rng = np.random.default_rng(seed)
    if group_shares is None:
        raw = np.arange(n_groups + 4, 4, -1, dtype=np.float64)
        group_shares = tuple(raw / raw.sum())
    shares = np.asarray(group_shares, dtype=np.float64)
    truth = rng.choice(n_groups, size=n_participants, p=shares / shares.sum())
    agree_probability = rng.choice([0.1, 0.2, 0.5, 0.8, 0.9], size=(n_groups, n_statements))
    n_each = rng.binomial(n_statements, density, size=n_participants)
    n_total = int(n_each.sum())
    pids = np.repeat(np.arange(n_participants, dtype=np.int32), n_each)
    tids = np.empty(n_total, dtype=np.int32)
    filled = 0
    for start in range(0, n_participants, 8192):
        # A random subset of statements per participant: the first n of a random order per row.
        rows = n_each[start : start + 8192]
        order = np.argsort(rng.random((len(rows), n_statements), dtype=np.float32), axis=1)
        chosen = order[np.arange(n_statements)[None, :] < rows[:, None]]
        tids[filled : filled + len(chosen)] = chosen
        filled += len(chosen)
    p_agree = agree_probability[truth[pids], tids]
    u = rng.random(n_total, dtype=np.float32)
    votes = np.where(u < pass_rate, 0, np.where(u < pass_rate + (1 - pass_rate) * p_agree, 1, -1))
    shuffle = rng.permutation(n_total)
    return PlantedConversation(
        participants=pids[shuffle],
        statements=tids[shuffle],
        votes=votes.astype(np.int8)[shuffle],
        truth=truth,
        agree_probability=agree_probability,
        n_participants=n_participants,
        n_statements=n_statements,
    )
