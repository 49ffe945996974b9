"""Bad or degenerate input: a clear OpinionError or an honest empty result, never a crash or NaN."""

from __future__ import annotations

import numpy as np
import pytest

from jusoor.engines.opinion import OpinionError, analyse, build_matrix, regroup


def _assert_no_nan(result):
    for array in (
        result.projection,
        result.priority,
        result.extremity,
        result.group_consensus_agree,
        result.group_consensus_disagree,
        result.pca.components,
        result.pca.center,
    ):
        assert np.isfinite(array).all()
    for value in result.silhouettes.values():
        assert np.isfinite(value)


def test_an_empty_conversation_has_no_groups():
    result = analyse([], [], [])
    assert result.status == "no_votes"
    assert result.groups == [] and result.k == 0
    _assert_no_nan(result)


def test_an_empty_conversation_with_known_sizes_keeps_them():
    result = analyse([], [], [], n_participants=4, n_statements=3)
    assert result.status == "no_votes"
    assert result.labels.tolist() == [-1, -1, -1, -1]
    assert result.priority.shape == (3,)


def test_one_participant_is_one_group():
    result = analyse([0, 0, 0], [0, 1, 2], [1, -1, 0])
    assert result.status == "single_group"
    assert result.k == 1 and result.groups[0].size == 1
    _assert_no_nan(result)


def test_all_passes_give_a_single_group_without_nan():
    n, s = 40, 10
    result = analyse(np.repeat(np.arange(n), s), np.tile(np.arange(s), n), np.zeros(n * s, int))
    assert result.status == "single_group"
    assert result.groups[0].size == n
    _assert_no_nan(result)
    assert regroup(result, 3).status == "single_group"


def test_statements_nobody_voted_on_are_harmless():
    rng = np.random.default_rng(0)
    n = 60
    pids = np.repeat(np.arange(n), 8)
    tids = np.tile(np.arange(8), n)
    votes = rng.integers(-1, 2, len(pids))
    result = analyse(pids, tids, votes, n_statements=12)
    assert result.status in ("ok", "single_group")
    assert np.all(result.pca.components[:, 8:] == 0)
    assert not any(p.statement >= 8 for g in result.groups for p in g.representative)
    _assert_no_nan(result)


def test_all_statements_moderated_out_means_no_groups():
    result = analyse([0, 1, 2], [0, 1, 0], [1, 1, -1], moderated_out=[0, 1])
    assert result.status == "no_votes"
    assert result.consensus == {"agree": [], "disagree": []}
    _assert_no_nan(result)


def test_a_vote_flood_counts_once_and_the_last_vote_wins():
    flood = 5000
    pids = np.concatenate([[0, 1], np.zeros(flood, int), [0]])
    tids = np.concatenate([[0, 0], np.zeros(flood, int), [1]])
    votes = np.concatenate([[-1, 1], np.tile([1, -1], flood // 2), [1]])
    votes[-2] = 0  # the flood's last vote on statement 0 is a pass
    matrix = build_matrix(pids, tids, votes)
    assert matrix.values[0, 0] == 0
    assert matrix.n_seen[0] == 2 and matrix.n_agree[0] == 1
    assert matrix.n_votes.tolist() == [2, 1]


def test_a_changed_vote_replaces_the_earlier_one():
    matrix = build_matrix([0, 0, 0], [3, 3, 3], [1, -1, 1])
    assert matrix.values[0, 3] == 1 and matrix.n_seen[3] == 1


@pytest.mark.parametrize(
    ("participants", "statements", "votes", "code"),
    [
        ([0, 1], [0, 0], [1.0, np.nan], "vote_not_a_number"),
        ([0, np.nan], [0, 0], [1, 1], "index_not_a_number"),
        ([0, 1], [0, 0], [1, 2], "vote_out_of_range"),
        ([0, 1], [0, 0], [1, -5], "vote_out_of_range"),
        ([0, 1], [0, 0], [1, 0.5], "not_an_integer"),
        ([0, -1], [0, 0], [1, 1], "index_negative"),
        ([0, 1], [0, -2], [1, 1], "index_negative"),
        ([0, 1, 2], [0, 0], [1, 1], "length_mismatch"),
        ([[0, 1]], [[0, 0]], [[1, 1]], "bad_shape"),
        (["a", "b"], [0, 0], [1, 1], "bad_type"),
    ],
)
def test_bad_votes_raise_an_opinion_error_with_a_code(participants, statements, votes, code):
    with pytest.raises(OpinionError) as caught:
        analyse(participants, statements, votes)
    assert caught.value.code == code


def test_indices_beyond_the_declared_sizes_are_refused():
    with pytest.raises(OpinionError) as caught:
        analyse([0, 5], [0, 0], [1, 1], n_participants=3)
    assert caught.value.code == "participant_out_of_range"
    with pytest.raises(OpinionError) as caught:
        analyse([0, 1], [0, 9], [1, 1], n_statements=3)
    assert caught.value.code == "statement_out_of_range"


def test_a_matrix_too_large_for_memory_is_refused_before_allocating():
    with pytest.raises(OpinionError) as caught:
        analyse([0, 10**7], [0, 10**3], [1, 1])
    assert caught.value.code == "matrix_too_large"


def test_asking_for_an_absurd_number_of_groups_is_refused(three_groups_result):
    with pytest.raises(OpinionError) as caught:
        regroup(three_groups_result, 0)
    assert caught.value.code == "bad_k"


def test_two_identical_camps_are_two_groups():
    pids = np.repeat(np.arange(30), 10)
    tids = np.tile(np.arange(10), 30)
    votes = np.where(pids < 15, 1, -1)
    result = analyse(pids, tids, votes)
    assert result.k == 2
    assert sorted(g.size for g in result.groups) == [15, 15]
    _assert_no_nan(result)
