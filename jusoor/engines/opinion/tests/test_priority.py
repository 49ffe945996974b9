"""Which statement a participant sees next (polis comment priorities)."""

from __future__ import annotations

import numpy as np
import pytest

from jusoor.engines.opinion import next_statement, priorities
from jusoor.engines.opinion.priority import importance


def test_importance_matches_the_polis_example():
    # conversation.clj (importance-metric 1 0 1 0): p = 1/3, a = 2/3 -> (1 - 1/3) * 1 * 2/3
    assert float(importance(1, 0, 1, 0.0)) == pytest.approx(4 / 9)


def test_priority_is_importance_times_novelty_squared():
    expected = (4 / 9 * (1 + 8 * 2 ** (-1 / 5))) ** 2
    assert float(priorities(np.array([1]), np.array([0]), np.array([1]), np.array([0.0]))[0]) == (
        pytest.approx(expected)
    )


def test_new_statements_come_before_well_worn_ones():
    value = priorities(np.array([0, 60]), np.array([0, 30]), np.array([0, 100]), np.zeros(2))
    assert value[0] > value[1]


def test_passed_and_divisive_statements_rank_as_polis_says():
    seen = np.array([100, 100, 100])
    value = priorities(np.array([60, 20, 60]), np.array([30, 10, 30]), seen, np.array([0, 0, 2.0]))
    assert value[0] > value[1]  # mostly passed: less important
    assert value[2] > value[0]  # splits the map: more important


def test_meta_statements_get_fixed_priority():
    value = priorities(np.array([5]), np.array([5]), np.array([10]), np.zeros(1), meta=[True])
    assert value[0] == 49.0


def test_next_statement_is_never_one_already_voted_or_moderated_out():
    rng = np.random.default_rng(0)
    priority = np.ones(10)
    for _ in range(200):
        pick = next_statement(priority, already_voted=[0, 1, 2], excluded=[9], rng=rng)
        assert pick not in (0, 1, 2, 9)


def test_next_statement_is_none_when_everything_is_voted():
    assert next_statement(np.ones(3), already_voted=[0, 1, 2]) is None
    assert next_statement(np.ones(0), already_voted=[]) is None


def test_next_statement_draws_in_proportion_to_priority():
    rng = np.random.default_rng(1)
    draws = [next_statement(np.array([1.0, 3.0]), [], rng=rng) for _ in range(4000)]
    share = np.mean(np.array(draws) == 1)
    assert 0.72 < share < 0.78


def test_next_statement_with_a_seed_is_reproducible():
    priority = np.arange(1.0, 21.0)
    assert next_statement(priority, [3], seed=7) == next_statement(priority, [3], seed=7)


def test_result_priorities_feed_next_statement(three_groups_result):
    pick = next_statement(three_groups_result.priority, already_voted=range(10), seed=0)
    assert pick is not None and pick >= 10
    assert np.isfinite(three_groups_result.priority).all()
