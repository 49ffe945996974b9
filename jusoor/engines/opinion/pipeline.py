"""The whole polis update in one call: votes in, opinion groups and their statements out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import ArrayLike

from jusoor.engines.opinion.clustering import (
    BaseClusters,
    Grouping,
    KSmoother,
    base_clusters,
    choose_groups,
    group,
    select_participants,
)
from jusoor.engines.opinion.errors import OpinionError
from jusoor.engines.opinion.matrix import VoteMatrix, build_matrix
from jusoor.engines.opinion.pca import PcaModel, fit_and_project, statement_extremity
from jusoor.engines.opinion.priority import priorities
from jusoor.engines.opinion.repness import (
    StatementPick,
    VoteCounts,
    base_cluster_counts,
    group_counts,
    group_informed_consensus,
    repness_stats,
    select_consensus,
    select_representative,
)


@dataclass(frozen=True)
class Settings:
    """Polis' defaults; change them only with a reason you can explain to a programme manager."""

    min_votes: int = 7
    min_participants: int = 15
    base_k: int = 100
    max_k: int = 5
    pick_max: int = 5
    confidence: float = 0.90
    seed: int = 0


@dataclass(frozen=True)
class OpinionState:
    """What one update hands to the next: the k smoother, who is already clustered, and where
    the groups were (so that group 1 stays group 1 from one update to the next).

    Store `as_dict()` (plain JSON) with the conversation and give `from_dict()` back next time.
    """

    k_smoother: KSmoother = field(default_factory=KSmoother)
    in_conversation: tuple[int, ...] = ()
    group_centers: tuple[tuple[float, float], ...] = ()

    def as_dict(self) -> dict:
        return {
            "last_k": self.k_smoother.last_k,
            "last_k_count": self.k_smoother.last_k_count,
            "smoothed_k": self.k_smoother.smoothed_k,
            "in_conversation": list(self.in_conversation),
            "group_centers": [list(c) for c in self.group_centers],
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> OpinionState:
        """Rebuild a state; an empty or missing dict is a fresh conversation."""
        if not data:
            return cls()
        smoother = KSmoother(
            last_k=data.get("last_k"),
            last_k_count=int(data.get("last_k_count") or 0),
            smoothed_k=data.get("smoothed_k"),
        )
        centers = tuple(
            (float(c[0]), float(c[1])) for c in data.get("group_centers") or () if len(c) == 2
        )
        return cls(smoother, tuple(int(i) for i in data.get("in_conversation") or ()), centers)


@dataclass(frozen=True)
class OpinionGroup:
    """One opinion group: its members, its centre on the map, its votes and what sets it apart."""

    id: int
    members: np.ndarray
    center: tuple[float, float]
    n_agree: np.ndarray
    n_disagree: np.ndarray
    n_seen: np.ndarray
    representative: list[StatementPick]

    @property
    def size(self) -> int:
        return int(len(self.members))


@dataclass(frozen=True)
class OpinionResult:
    """Everything the dialogue pages show.

    status: "ok"; "no_votes" (nothing to analyse: empty conversation, no votes on any active
    statement, or every statement moderated out); "single_group" (fewer than two distinct
    opinion positions, e.g. everyone passed: everyone clustered is in group 0).
    labels: group per participant, -1 for those not clustered (too few votes).
    consensus: polis' consensus statements {"agree": [...], "disagree": [...]}.
    group_consensus_agree / _disagree: group-informed consensus per statement.
    priority: polis comment priority per statement (feed it to `next_statement`).
    """

    status: str
    n_participants: int
    n_statements: int
    projection: np.ndarray
    in_conversation: np.ndarray
    labels: np.ndarray
    k: int
    silhouettes: dict[int, float]
    groups: list[OpinionGroup]
    consensus: dict[str, list[StatementPick]]
    group_consensus_agree: np.ndarray
    group_consensus_disagree: np.ndarray
    priority: np.ndarray
    extremity: np.ndarray
    pca: PcaModel
    base: BaseClusters
    base_counts: VoteCounts
    eligible: np.ndarray
    settings: Settings
    state: OpinionState


def analyse(
    participants: ArrayLike,
    statements: ArrayLike,
    votes: ArrayLike,
    *,
    n_participants: int | None = None,
    n_statements: int | None = None,
    moderated_out: Iterable[int] = (),
    meta: Iterable[int] = (),
    previous: OpinionState | None = None,
    k: int | None = None,
    settings: Settings | None = None,
) -> OpinionResult:
    """Run the polis pipeline on raw votes (three equal-length int arrays, agree = +1).

    `previous` is the `state` of the last update of the same conversation: it keeps clustered
    participants in and smooths the number of groups. `k` forces a number of groups (2..8);
    otherwise k is chosen by silhouette, as polis does. Raises `OpinionError` for bad input.
    """
    matrix = build_matrix(
        participants,
        statements,
        votes,
        n_participants=n_participants,
        n_statements=n_statements,
        moderated_out=moderated_out,
    )
    return analyse_matrix(matrix, meta=meta, previous=previous, k=k, settings=settings)


def analyse_matrix(
    matrix: VoteMatrix,
    *,
    meta: Iterable[int] = (),
    previous: OpinionState | None = None,
    k: int | None = None,
    settings: Settings | None = None,
) -> OpinionResult:
    """`analyse` for a matrix you already built (the bootstrap and the bench reuse it)."""
    cfg = settings or Settings()
    if k is not None and not (1 <= k <= 20):
        raise OpinionError("bad_k", "the number of groups must be between 1 and 20")
    pca, projection = fit_and_project(matrix)
    previous = previous or OpinionState()
    members = select_participants(
        matrix.n_votes,
        pca.n_active,
        np.asarray(previous.in_conversation, dtype=np.int64),
        min_votes=cfg.min_votes,
        min_participants=cfg.min_participants,
    )
    base = base_clusters(projection, members, base_k=cfg.base_k, seed=cfg.seed)
    counts = base_cluster_counts(matrix, base.labels, len(base.centers))
    grouping, scores, smoother = choose_groups(
        base, previous.k_smoother, max_k=cfg.max_k, force_k=k, seed=cfg.seed
    )
    grouping = _keep_group_numbers(grouping, previous.group_centers)
    state = OpinionState(
        smoother,
        tuple(int(i) for i in np.flatnonzero(members)),
        tuple((float(x), float(y)) for x, y in grouping.centers) if grouping.k >= 2 else (),
    )
    extremity = statement_extremity(pca)
    total = VoteCounts(counts.agree.sum(0), counts.disagree.sum(0), counts.seen.sum(0))
    meta_mask = np.zeros(matrix.n_statements, dtype=bool)
    meta_idx = np.asarray(list(meta), dtype=np.int64)
    meta_mask[meta_idx[(meta_idx >= 0) & (meta_idx < matrix.n_statements)]] = True
    priority = priorities(total.agree, total.disagree, total.seen, extremity, meta=meta_mask)
    priority[matrix.moderated_out] = 0.0  # never to be shown; `next_statement` needs `excluded`
    eligible = matrix.active.copy()
    consensus = select_consensus(
        matrix.n_agree,
        matrix.n_disagree,
        matrix.n_seen,
        eligible,
        pick_max=cfg.pick_max,
        confidence=cfg.confidence,
    )
    result = OpinionResult(
        status="ok",
        n_participants=matrix.n_participants,
        n_statements=matrix.n_statements,
        projection=projection,
        in_conversation=members,
        labels=np.full(matrix.n_participants, -1, dtype=np.int64),
        k=0,
        silhouettes=scores,
        groups=[],
        consensus=consensus,
        group_consensus_agree=np.zeros(matrix.n_statements),
        group_consensus_disagree=np.zeros(matrix.n_statements),
        priority=priority,
        extremity=extremity,
        pca=pca,
        base=base,
        base_counts=counts,
        eligible=eligible,
        settings=cfg,
        state=state,
    )
    if pca.n_active == 0 or not members.any():
        return _replace(result, status="no_votes")
    return _with_grouping(result, grouping)


def regroup(result: OpinionResult, k: int) -> OpinionResult:
    """The same analysis with k groups instead (the "show me 2..8 groups" view).

    Reuses the base clusters and their counts, so it costs a few milliseconds. The k smoother
    state is left as it was: looking at another k is not an update of the conversation.
    """
    if not (1 <= k <= 20):
        raise OpinionError("bad_k", "the number of groups must be between 1 and 20")
    if result.status == "no_votes":
        return result
    if len(result.base.centers) < 2:
        return result
    grouping = group(result.base, k, seed=result.settings.seed)
    scores = dict(result.silhouettes)
    scores.setdefault(grouping.k, grouping.silhouette)
    return _with_grouping(_replace(result, silhouettes=scores), grouping)


def _keep_group_numbers(
    grouping: Grouping, previous_centers: tuple[tuple[float, float], ...]
) -> Grouping:
    """Renumber groups to match the previous update's, when the number of groups is unchanged.

    Polis keeps group identity by warm-starting k-means from the last clustering; we start
    fresh (deterministic), so we pair each new group with the nearest previous centre (an
    optimal assignment) and give it that group's number. Otherwise groups go largest first.
    """
    if grouping.k < 2 or len(previous_centers) != grouping.k:
        return grouping
    from scipy.optimize import linear_sum_assignment  # only here: scipy.optimize is heavy to load

    previous = np.asarray(previous_centers, dtype=np.float64)
    cost = np.sqrt(((grouping.centers[:, None, :] - previous[None, :, :]) ** 2).sum(axis=2))
    new_idx, old_idx = linear_sum_assignment(cost)
    number = np.empty(grouping.k, dtype=np.int64)
    number[new_idx] = old_idx
    centers = np.empty_like(grouping.centers)
    centers[number] = grouping.centers
    return replace(grouping, base_to_group=number[grouping.base_to_group], centers=centers)


def _replace(result: OpinionResult, **changes: object) -> OpinionResult:
    return replace(result, **changes)


def _with_grouping(result: OpinionResult, grouping: Grouping) -> OpinionResult:
    cfg = result.settings
    base = result.base
    labels = np.full(result.n_participants, -1, dtype=np.int64)
    clustered = base.labels >= 0
    labels[clustered] = grouping.base_to_group[base.labels[clustered]]
    counts = group_counts(result.base_counts, grouping.base_to_group, grouping.k)
    if grouping.k >= 2:
        stats = repness_stats(counts)
        reps = select_representative(
            stats, result.eligible, pick_max=cfg.pick_max, confidence=cfg.confidence
        )
    else:
        reps = [[] for _ in range(grouping.k)]
    gac_agree, gac_disagree = group_informed_consensus(counts)
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(grouping.k + 1))
    groups = [
        OpinionGroup(
            id=g,
            members=order[bounds[g] : bounds[g + 1]],
            center=(float(grouping.centers[g, 0]), float(grouping.centers[g, 1])),
            n_agree=counts.agree[g],
            n_disagree=counts.disagree[g],
            n_seen=counts.seen[g],
            representative=reps[g],
        )
        for g in range(grouping.k)
    ]
    return _replace(
        result,
        status="ok" if grouping.k >= 2 else "single_group",
        labels=labels,
        k=grouping.k,
        groups=groups,
        group_consensus_agree=gac_agree,
        group_consensus_disagree=gac_disagree,
    )
