"""Opinion groups: what a facilitator sees on the map."""

from __future__ import annotations

import numpy as np

from jusoor.engines.opinion import (
    KSmoother,
    OpinionState,
    adjusted_rand_index,
    analyse,
    regroup,
)
from jusoor.engines.opinion.clustering import select_participants, update_k_smoother
from jusoor.engines.opinion.synthetic import planted_conversation


def test_planted_groups_are_recovered(three_groups, three_groups_result):
    result = three_groups_result
    clustered = result.labels >= 0
    assert result.status == "ok"
    assert result.k == 3
    assert clustered.all()
    assert adjusted_rand_index(three_groups.truth, result.labels) >= 0.95


def test_groups_are_numbered_largest_first(three_groups_result):
    sizes = [g.size for g in three_groups_result.groups]
    assert sizes == sorted(sizes, reverse=True)
    assert sum(sizes) == int((three_groups_result.labels >= 0).sum())


def test_group_counts_add_up_to_the_votes_of_members(three_groups, three_groups_result):
    c, result = three_groups, three_groups_result
    group = result.groups[1]
    members = set(group.members.tolist())
    mine = np.array([p in members for p in c.participants])
    statement = 7
    on_statement = mine & (c.statements == statement)
    assert group.n_agree[statement] == int((c.votes[on_statement] == 1).sum())
    assert group.n_disagree[statement] == int((c.votes[on_statement] == -1).sum())
    assert group.n_seen[statement] == int(on_statement.sum())


def test_same_votes_in_any_order_give_the_same_groups(three_groups, three_groups_result):
    c = three_groups
    order = np.random.default_rng(5).permutation(len(c.votes))
    again = analyse(c.participants[order], c.statements[order], c.votes[order])
    assert np.array_equal(again.labels, three_groups_result.labels)
    assert np.allclose(again.projection, three_groups_result.projection, atol=1e-4)


def test_asking_for_another_number_of_groups_gives_that_many(three_groups_result):
    for k in range(2, 9):
        other = regroup(three_groups_result, k)
        assert other.k == k
        assert len(other.groups) == k
        assert all(g.representative for g in other.groups)
    assert three_groups_result.k == 3  # the original is untouched


def test_forcing_k_in_analyse_matches_regroup(three_groups, three_groups_result):
    c = three_groups
    forced = analyse(c.participants, c.statements, c.votes, k=4)
    assert np.array_equal(forced.labels, regroup(three_groups_result, 4).labels)


def test_a_new_best_k_must_win_four_updates_in_a_row():
    state = KSmoother(last_k=2, last_k_count=5, smoothed_k=2)
    history = []
    for _ in range(5):
        state = update_k_smoother(state, 3)
        history.append(state.smoothed_k)
    assert history == [2, 2, 2, 3, 3]


def test_a_one_off_best_k_does_not_change_the_groups():
    state = KSmoother(last_k=2, last_k_count=5, smoothed_k=2)
    for best in (3, 3, 2, 3, 3, 3):
        state = update_k_smoother(state, best)
    assert state.smoothed_k == 2


def test_k_smoothing_holds_the_previous_number_of_groups_across_updates(
    three_groups, three_groups_result
):
    c = three_groups
    state = OpinionState(k_smoother=KSmoother(last_k=2, last_k_count=9, smoothed_k=2))
    seen = []
    for _ in range(4):
        result = analyse(c.participants, c.statements, c.votes, previous=state)
        seen.append(result.k)
        state = result.state
    assert seen == [2, 2, 2, 3]


def test_participants_with_fewer_than_seven_votes_are_not_clustered():
    n_votes = np.array([7] * 20 + [6, 3, 0])
    chosen = select_participants(n_votes, n_active=50)
    assert chosen[:20].all()
    assert not chosen[20:].any()


def test_small_conversations_are_topped_up_to_fifteen_by_most_votes():
    n_votes = np.array([9, 8, 1, 2, 3, 4, 5, 6, 6, 5, 4, 3, 2, 1, 1, 1, 0, 0])
    chosen = select_participants(n_votes, n_active=40)
    assert chosen.sum() == 15
    assert chosen[:2].all()
    assert not chosen[16:].any()  # no votes: never clustered


def test_with_few_statements_voting_on_all_of_them_is_enough():
    n_votes = np.array([4] * 20 + [3])
    chosen = select_participants(n_votes, n_active=4)
    assert chosen[:20].all() and not chosen[20]


def test_once_clustered_a_participant_stays_clustered():
    n_votes = np.array([8] * 20 + [2])
    chosen = select_participants(n_votes, n_active=50, previous=np.array([20]))
    assert chosen[20]


def test_participants_below_threshold_get_no_group_but_a_place_on_the_map():
    c = planted_conversation(300, 60, seed=2, density=0.3)
    keep = ~((c.participants == 0) & (np.cumsum(c.participants == 0) > 3))
    result = analyse(c.participants[keep], c.statements[keep], c.votes[keep])
    assert result.labels[0] == -1
    assert np.isfinite(result.projection[0]).all()
    assert not np.allclose(result.projection[0], 0.0)


def test_the_state_survives_a_round_trip_through_json(three_groups_result):
    import json

    state = three_groups_result.state
    again = OpinionState.from_dict(json.loads(json.dumps(state.as_dict())))
    assert again == state
    assert OpinionState.from_dict(None) == OpinionState()


def test_running_twice_gives_identical_results(three_groups, three_groups_result):
    c = three_groups
    again = analyse(c.participants, c.statements, c.votes)
    assert np.array_equal(again.labels, three_groups_result.labels)
    assert np.array_equal(again.projection, three_groups_result.projection)
    assert again.groups[0].representative == three_groups_result.groups[0].representative
    assert again.silhouettes == three_groups_result.silhouettes


def test_group_numbers_stay_put_from_one_update_to_the_next(three_groups, three_groups_result):
    c = three_groups
    first = three_groups_result
    # As if the last update had numbered the same groups in the opposite order.
    flipped = first.state.group_centers[::-1]
    previous = OpinionState(first.state.k_smoother, first.state.in_conversation, flipped)
    second = analyse(c.participants, c.statements, c.votes, previous=previous)
    k = first.k
    assert np.array_equal(second.labels[first.labels >= 0], k - 1 - first.labels[first.labels >= 0])
    assert second.groups[k - 1].size == first.groups[0].size
