"""Shared planted conversations: generated once per test session (they are deterministic)."""

from __future__ import annotations

import numpy as np
import pytest

from jusoor.engines.opinion import OpinionResult, analyse
from jusoor.engines.opinion.synthetic import PlantedConversation, planted_conversation


@pytest.fixture(scope="session")
def three_groups() -> PlantedConversation:
    return planted_conversation(1500, 200, n_groups=3, seed=11)


@pytest.fixture(scope="session")
def three_groups_result(three_groups: PlantedConversation) -> OpinionResult:
    c = three_groups
    return analyse(
        c.participants,
        c.statements,
        c.votes,
        n_participants=c.n_participants,
        n_statements=c.n_statements,
    )


def full_votes(agree_probability: np.ndarray, sizes: list[int], seed: int = 0):
    """Everyone votes on every statement; group g agrees with statement t w.p. p[g, t]."""
    rng = np.random.default_rng(seed)
    truth = np.repeat(np.arange(len(sizes)), sizes)
    n, s = len(truth), agree_probability.shape[1]
    agree = rng.random((n, s)) < agree_probability[truth]
    votes = np.where(agree, 1, -1)
    pids = np.repeat(np.arange(n), s)
    tids = np.tile(np.arange(s), n)
    return pids, tids, votes.ravel(), truth
