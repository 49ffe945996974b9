"""Beyond polis: how stable the groups are, and who is in them (with small cells withheld)."""

from __future__ import annotations

import numpy as np
import pytest

from jusoor.engines.opinion import (
    adjusted_rand_index,
    analyse_matrix,
    build_matrix,
    demographic_breakdown,
    group_stability,
)
from jusoor.engines.opinion.synthetic import planted_conversation


def test_planted_groups_are_stable_under_resampling():
    c = planted_conversation(600, 80, seed=21, density=0.4)
    matrix = build_matrix(c.participants, c.statements, c.votes)
    result = analyse_matrix(matrix)
    stability = group_stability(matrix, result, n_boot=6, seed=1)
    assert stability.n_boot == 6 and len(stability.aris) == 6
    assert stability.mean_ari > 0.9


def test_groups_drawn_on_noise_are_flagged_as_unstable():
    rng = np.random.default_rng(3)
    n, s = 400, 30
    pids, tids = np.repeat(np.arange(n), s), np.tile(np.arange(s), n)
    votes = rng.integers(-1, 2, n * s)
    matrix = build_matrix(pids, tids, votes)
    stability = group_stability(matrix, analyse_matrix(matrix), n_boot=6, seed=1)
    assert stability.mean_ari < 0.6


def test_adjusted_rand_index_agrees_with_scikit_learn():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    a = rng.integers(0, 4, 300)
    b = np.where(rng.random(300) < 0.7, a, rng.integers(0, 3, 300))
    assert adjusted_rand_index(a, b) == pytest.approx(metrics.adjusted_rand_score(a, b))
    assert adjusted_rand_index(a, (a + 1) % 4) == pytest.approx(1.0)


def test_breakdown_withholds_cells_of_fewer_than_five_people():
    labels = np.array([0] * 30 + [1] * 12)
    sex = ["f"] * 27 + ["m"] * 3 + ["f"] * 6 + ["m"] * 6
    (g0, g1) = demographic_breakdown(labels, {"sex": sex})
    cells0 = {c.category: c.count for c in g0.attributes["sex"]}
    # 3 men are withheld, and so are the women: 30 - 27 would give the men away.
    assert cells0 == {"f": None, "m": None}
    assert g0.size == 30
    assert {c.category: c.count for c in g1.attributes["sex"]} == {"f": 6, "m": 6}


def test_breakdown_withholds_a_whole_group_smaller_than_five():
    labels = np.array([0] * 20 + [1] * 3 + [-1] * 4)
    area = ["Ramadi"] * 10 + ["Fallujah"] * 10 + ["Hit"] * 3 + ["Ramadi"] * 4
    g0, g1 = demographic_breakdown(labels, {"area": area})
    assert g1.size is None and all(c.suppressed for c in g1.attributes["area"])
    assert {c.category: c.count for c in g0.attributes["area"]} == {
        "Fallujah": 10,
        "Hit": 0,
        "Ramadi": 10,
    }


def test_breakdown_counts_unreported_answers_as_unknown():
    labels = np.zeros(12, int)
    age = ["18-24"] * 6 + [None] * 3 + [""] * 3
    (g0,) = demographic_breakdown(labels, {"age_band": age})
    assert {c.category: c.count for c in g0.attributes["age_band"]} == {"18-24": 6, "unknown": 6}


def test_breakdown_of_a_real_result(three_groups, three_groups_result):
    rng = np.random.default_rng(2)
    n = three_groups.n_participants
    sex = rng.choice(["f", "m"], n).tolist()
    rows = demographic_breakdown(three_groups_result.labels, {"sex": sex})
    assert len(rows) == three_groups_result.k
    for row, group in zip(rows, three_groups_result.groups, strict=True):
        assert sum(c.count or 0 for c in row.attributes["sex"]) == group.size


def test_breakdown_refuses_attributes_of_the_wrong_length():
    with pytest.raises(ValueError):
        demographic_breakdown([0, 0], {"sex": ["f"]})


def test_engine_imports_nothing_from_django():
    import ast
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[1]
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "django" for n in names), path
