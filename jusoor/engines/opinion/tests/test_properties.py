"""Whatever the votes, the engine answers: no crash, no NaN, nothing out of range."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jusoor.engines.opinion import analyse, regroup


@st.composite
def conversations(draw):
    n = draw(st.integers(1, 40))
    s = draw(st.integers(1, 12))
    size = draw(st.integers(0, 300))
    pids = draw(st.lists(st.integers(0, n - 1), min_size=size, max_size=size))
    tids = draw(st.lists(st.integers(0, s - 1), min_size=size, max_size=size))
    votes = draw(st.lists(st.sampled_from([-1, 0, 1]), min_size=size, max_size=size))
    moderated = draw(st.lists(st.integers(0, s - 1), max_size=3))
    return n, s, pids, tids, votes, moderated


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conversations())
def test_any_conversation_gives_a_finite_consistent_result(conversation):
    n, s, pids, tids, votes, moderated = conversation
    result = analyse(pids, tids, votes, n_participants=n, n_statements=s, moderated_out=moderated)
    assert result.status in ("ok", "no_votes", "single_group")
    for array in (result.projection, result.priority, result.group_consensus_agree):
        assert np.isfinite(array).all()
    assert result.labels.shape == (n,)
    assert set(result.labels.tolist()) <= set(range(-1, max(result.k, 0)))
    assert sum(g.size for g in result.groups) == int((result.labels >= 0).sum())
    picked = [p.statement for g in result.groups for p in g.representative]
    picked += [p.statement for d in ("agree", "disagree") for p in result.consensus[d]]
    assert not set(picked) & set(moderated)
    for group in result.groups:
        assert (group.n_agree + group.n_disagree <= group.n_seen).all()
    if result.status == "ok":
        assert 2 <= result.k <= 5
        assert regroup(result, 2).k <= 2
