"""Representative and consensus statements: what the results page says about each group."""

from __future__ import annotations

import numpy as np
import pytest

from jusoor.engines.opinion import analyse
from jusoor.engines.opinion.repness import (
    VoteCounts,
    prop_test,
    repness_stats,
    select_representative,
    two_prop_test,
    z_threshold,
)

from .conftest import full_votes

# Statement 0 splits group 0 from the rest; statement 1 everyone agrees with; statement 2
# everyone rejects; statements 3.. carry the structure that makes the groups.
_P = np.array(
    [
        [0.95, 0.95, 0.05] + [0.9, 0.1] * 10,
        [0.05, 0.95, 0.05] + [0.1, 0.9] * 10,
        [0.05, 0.95, 0.05] + [0.9, 0.9] * 10,
    ]
)


@pytest.fixture(scope="module")
def designed():
    pids, tids, votes, truth = full_votes(_P, [120, 100, 80], seed=4)
    return analyse(pids, tids, votes), truth


def _group_of(result, truth, planted):
    labels = result.labels[truth == planted]
    return int(np.bincount(labels[labels >= 0]).argmax())


def test_representative_statements_pick_what_sets_a_group_apart(designed):
    result, truth = designed
    group = result.groups[_group_of(result, truth, 0)]
    picks = {(p.statement, p.direction) for p in group.representative}
    assert (0, "agree") in picks
    assert 1 not in {p.statement for p in group.representative}  # everyone agrees: not distinctive


def test_every_group_gets_at_most_five_statements_agrees_first(designed):
    result, _ = designed
    for group in result.groups:
        directions = [p.direction for p in group.representative]
        assert 1 <= len(directions) <= 5
        assert directions == sorted(directions)  # "agree" < "disagree"


def test_consensus_picks_statements_every_group_agrees_with(designed):
    result, _ = designed
    assert result.consensus["agree"][0].statement == 1
    assert result.consensus["disagree"][0].statement == 2
    assert 0 not in {p.statement for p in result.consensus["agree"]}


def test_group_informed_consensus_is_highest_where_all_groups_agree(designed):
    result, _ = designed
    gac = result.group_consensus_agree
    assert int(np.argmax(gac)) == 1
    assert gac[1] > 0.7 and gac[0] < 0.1
    assert int(np.argmax(result.group_consensus_disagree)) == 2


def test_moderated_out_statements_have_no_influence():
    pids, tids, votes, _ = full_votes(_P, [60, 50, 40], seed=9)
    rng = np.random.default_rng(1)
    keep = rng.random(len(votes)) < 0.6  # sparse, so the sparsity scaling is exercised
    pids, tids, votes = pids[keep], tids[keep], votes[keep]
    # Statement 23 is a loud, divisive statement a moderator removed.
    loud = np.repeat(np.arange(150), 1)
    pids2 = np.concatenate([pids, loud])
    tids2 = np.concatenate([tids, np.full(150, 23)])
    votes2 = np.concatenate([votes, np.where(loud % 2 == 0, 1, -1)])
    without = analyse(pids, tids, votes, n_statements=24)
    moderated = analyse(pids2, tids2, votes2, moderated_out=[23])
    assert np.allclose(without.projection, moderated.projection)
    assert np.array_equal(without.labels, moderated.labels)
    assert np.allclose(moderated.priority[:23], without.priority[:23])
    assert moderated.priority[23] == 0.0
    picked = [p.statement for g in moderated.groups for p in g.representative]
    picked += [p.statement for d in ("agree", "disagree") for p in moderated.consensus[d]]
    assert 23 not in picked


def test_probability_tests_follow_polis():
    # polis stats.clj: prop-test 2 * sqrt(n + 1) * ((succ + 1) / (n + 1) - 0.5)
    assert prop_test(np.array(7.0), np.array(10.0)) == pytest.approx(
        2 * np.sqrt(11) * (8 / 11 - 0.5)
    )
    z = two_prop_test(np.array(8.0), np.array(2.0), np.array(10.0), np.array(10.0))
    p1, p2, pooled = 9 / 11, 3 / 11, 12 / 22
    expected = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (2 / 11))
    assert float(z) == pytest.approx(expected)
    assert z_threshold(0.90) == pytest.approx(1.2816, abs=1e-4)


def test_a_group_with_nothing_significant_still_gets_its_best_statement():
    counts = VoteCounts(
        agree=np.array([[1, 0], [1, 0]]),
        disagree=np.array([[0, 1], [0, 1]]),
        seen=np.array([[2, 2], [2, 2]]),
    )
    picks = select_representative(repness_stats(counts), np.array([True, True]))
    assert [len(p) for p in picks] == [1, 1]


def test_moderated_out_statements_are_never_representative():
    counts = VoteCounts(
        agree=np.array([[50, 25], [0, 25]]),
        disagree=np.array([[0, 25], [50, 25]]),
        seen=np.array([[50, 50], [50, 50]]),
    )
    picks = select_representative(repness_stats(counts), np.array([False, True]))
    assert all(p.statement == 1 for group in picks for p in group)
