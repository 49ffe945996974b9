"""Cross-check with red-dwarf, the independent Python reimplementation of polis math."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from jusoor.engines.opinion import adjusted_rand_index, analyse
from jusoor.engines.opinion.matrix import MISSING, build_matrix
from jusoor.engines.opinion.priority import priorities
from jusoor.engines.opinion.synthetic import planted_conversation

pd = pytest.importorskip("pandas")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    polis = pytest.importorskip("reddwarf.implementations.polis")
    rd_stats = pytest.importorskip("reddwarf.utils.stats")


@pytest.fixture(scope="module")
def both():
    c = planted_conversation(800, 80, seed=1)
    votes = [
        {"participant_id": int(p), "statement_id": int(t), "vote": int(v)}
        for p, t, v in zip(c.participants, c.statements, c.votes, strict=True)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = polis.run_pipeline(votes=votes, random_state=0)
    ours = analyse(c.participants, c.statements, c.votes)
    return c, ours, theirs


def test_principal_components_match_reddwarf_up_to_sign(both):
    _, ours, theirs = both
    for i in range(2):
        theirs_pc = theirs.reducer.components_[i]
        cosine = abs(ours.pca.components[i] @ theirs_pc) / np.linalg.norm(theirs_pc)
        assert cosine > 0.9999


def test_participant_positions_match_reddwarf_up_to_sign(both):
    _, ours, theirs = both
    ids = theirs.participants_df.index.to_numpy()
    xy = theirs.participants_df[["x", "y"]].to_numpy()
    for i in range(2):
        assert abs(np.corrcoef(ours.projection[ids, i], xy[:, i])[0, 1]) > 0.9999


def test_groups_agree_with_reddwarf(both):
    _, ours, theirs = both
    labels = theirs.participants_df["cluster_id"]
    clustered = labels.notna().to_numpy()
    ids = theirs.participants_df.index.to_numpy()[clustered]
    assert adjusted_rand_index(labels[clustered].astype(int), ours.labels[ids]) > 0.85


def test_consensus_statements_match_reddwarf(both):
    _, ours, theirs = both
    for direction in ("agree", "disagree"):
        expected = [s["tid"] for s in theirs.consensus[direction]]
        assert [p.statement for p in ours.consensus[direction]] == expected


def test_representative_statements_match_reddwarf_on_the_same_groups(both):
    c, ours, _ = both
    matrix = build_matrix(c.participants, c.statements, c.votes)
    clustered = np.flatnonzero(ours.labels >= 0)
    values = matrix.values[clustered].astype(float)
    values[matrix.values[clustered] == MISSING] = np.nan
    frame = pd.DataFrame(values, index=clustered, columns=range(matrix.n_statements))
    grouped, _ = rd_stats.calculate_comment_statistics_dataframes(frame, ours.labels[clustered])
    expected = rd_stats.select_representative_statements(grouped)
    for group in ours.groups:
        picks = [(p.statement, p.direction) for p in group.representative]
        assert picks == [(s["tid"], s["repful-for"]) for s in expected[group.id]]


def test_priorities_match_reddwarf_formula():
    rng = np.random.default_rng(0)
    seen = rng.integers(0, 50, 30)
    agree = rng.integers(0, 1 + seen)
    disagree = rng.integers(0, 1 + seen - agree)
    extremity = rng.random(30) * 3
    meta = rng.random(30) < 0.1
    expected = rd_stats.priority_metric(meta, agree, disagree, seen, extremity)
    assert np.allclose(priorities(agree, disagree, seen, extremity, meta=meta), expected)
