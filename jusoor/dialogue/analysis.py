"""The opinion map: the app's ids in, the opinion engine's plain arrays through, JSON out.

The engine works on 0-based indices; here statements and participants are mapped to indices in
id order, and the result is stored on the conversation as plain JSON (the map shown to everyone)
with the engine's state (for k smoothing between updates).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from jusoor.dialogue.models import Conversation, Participant, Statement, Status, Vote
from jusoor.engines.opinion import (
    GroupBreakdown,
    OpinionError,
    OpinionResult,
    OpinionState,
    Stability,
    VoteMatrix,
    analyse_matrix,
    build_matrix,
    demographic_breakdown,
    group_stability,
    next_statement,
    priorities,
    regroup,
)

REFRESH_EVERY = timedelta(minutes=2)


@dataclass
class Loaded:
    statement_ids: list[int]
    participant_ids: list[int]
    matrix: VoteMatrix
    n_votes: int


def _finite(value: float) -> float:
    return round(float(value), 4) if math.isfinite(value) else 0.0


def load(conversation: Conversation) -> Loaded:
    statements = list(conversation.statements.order_by("id").values_list("id", "status"))
    statement_ids = [pk for pk, _status in statements]
    s_index = {pk: i for i, pk in enumerate(statement_ids)}
    moderated_out = [i for i, (_pk, status) in enumerate(statements) if status != Status.PUBLISHED]
    rows = list(
        Vote.objects.filter(statement__conversation=conversation).values_list(
            "participant_id", "statement_id", "value"
        )
    )
    participant_ids = sorted({r[0] for r in rows})
    p_index = {pk: i for i, pk in enumerate(participant_ids)}
    matrix = build_matrix(
        np.array([p_index[r[0]] for r in rows], dtype=np.int64),
        np.array([s_index[r[1]] for r in rows], dtype=np.int64),
        np.array([r[2] for r in rows], dtype=np.int64),
        n_participants=len(participant_ids),
        n_statements=len(statement_ids),
        moderated_out=moderated_out,
    )
    return Loaded(statement_ids, participant_ids, matrix, len(rows))


def _picks(picks: list, statement_ids: list[int]) -> list[dict[str, Any]]:
    return [
        {
            "statement": statement_ids[p.statement],
            "direction": p.direction,
            "percent": round(100 * p.n_success / p.n_trials) if p.n_trials else 0,
            "n_success": int(p.n_success),
            "n_trials": int(p.n_trials),
        }
        for p in picks
    ]


def snapshot(result: OpinionResult, loaded: Loaded) -> dict[str, Any]:
    """Everything the map page needs, as plain JSON (no NaN)."""
    sids, pids = loaded.statement_ids, loaded.participant_ids
    points = [
        [_finite(result.projection[i][0]), _finite(result.projection[i][1]), int(result.labels[i])]
        for i in range(len(pids))
        if result.in_conversation[i]
    ]
    return {
        "status": result.status,
        "k": int(result.k),
        "n_participants": len(pids),
        "n_votes": loaded.n_votes,
        "n_clustered": int(np.count_nonzero(result.in_conversation)) if len(pids) else 0,
        "points": points,
        "groups": [
            {
                "id": int(g.id),
                "size": int(len(g.members)),
                "center": [_finite(g.center[0]), _finite(g.center[1])],
                "representative": _picks(g.representative, sids),
            }
            for g in result.groups
        ],
        "consensus": {
            "agree": _picks(result.consensus.get("agree", []), sids),
            "disagree": _picks(result.consensus.get("disagree", []), sids),
        },
        "priority": {str(sid): _finite(result.priority[i]) for i, sid in enumerate(sids)},
        "silhouettes": {str(k): _finite(v) for k, v in result.silhouettes.items()},
    }


def compute_map(conversation: Conversation) -> dict[str, Any]:
    """Recompute, store the map and the engine state (k smoothing carries over), return the map."""
    loaded = load(conversation)
    previous = OpinionState.from_dict(conversation.opinion_state)
    result = analyse_matrix(loaded.matrix, previous=previous)
    data = snapshot(result, loaded)
    now = timezone.now()
    data["computed_at"] = now.isoformat()
    Conversation.objects.filter(pk=conversation.pk).update(
        opinion_state=result.state.as_dict(), map_data=data, map_computed_at=now
    )
    conversation.opinion_state, conversation.map_data = result.state.as_dict(), data
    conversation.map_computed_at = now
    return data


def refresh_if_due(conversation: Conversation, every: timedelta = REFRESH_EVERY) -> None:
    """Keep the priorities of the voting page fresh without recomputing on every request."""
    last = conversation.map_computed_at
    if conversation.map_is_stale and (last is None or timezone.now() - last >= every):
        compute_map(conversation)


def current_map(conversation: Conversation) -> dict[str, Any]:
    """The stored map, recomputed first when votes or moderation changed since."""
    if conversation.map_is_stale:
        return compute_map(conversation)
    return conversation.map_data


def groups_of_participants(conversation: Conversation) -> dict[int, int]:
    """Participant id → opinion group, for those placed on the map."""
    loaded = load(conversation)
    result = analyse_matrix(
        loaded.matrix, previous=OpinionState.from_dict(conversation.opinion_state)
    )
    return {
        pk: int(result.labels[i])
        for i, pk in enumerate(loaded.participant_ids)
        if result.labels[i] >= 0
    }


@dataclass
class FacilitatorView:
    k: int
    result: OpinionResult
    data: dict[str, Any]
    stability: Stability | None
    breakdown: list[GroupBreakdown]
    error: str = ""


def facilitator_view(conversation: Conversation, k: int | None = None) -> FacilitatorView:
    """The map with k groups (2..8) if asked, the groups' stability and who is in them."""
    loaded = load(conversation)
    previous = OpinionState.from_dict(conversation.opinion_state)
    result = analyse_matrix(loaded.matrix, previous=previous)
    error = ""
    if k and k != result.k and result.status == "ok":
        try:
            result = regroup(result, k)
        except OpinionError as exc:
            error = str(exc)
    stability = group_stability(loaded.matrix, result, n_boot=10) if result.k >= 2 else None
    people = Participant.objects.in_bulk(loaded.participant_ids)
    ordered = [people[pk] for pk in loaded.participant_ids]
    breakdown = demographic_breakdown(
        result.labels,
        {
            "sex": [p.sex for p in ordered],
            "age_band": [p.age_band for p in ordered],
            "area": [p.area.name if p.area_id else "" for p in ordered],
        },
        min_cell=settings.SMALL_CELL_THRESHOLD,
    )
    return FacilitatorView(result.k, result, snapshot(result, loaded), stability, breakdown, error)


def choose_next(conversation: Conversation, participant: Participant | None) -> Statement | None:
    """The next statement to vote on, drawn with the engine's priority rule."""
    candidates = list(
        conversation.statements.filter(status=Status.PUBLISHED)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if not candidates:
        return None
    voted = set()
    if participant is not None:
        voted = set(participant.votes.values_list("statement_id", flat=True))
    stored = (conversation.map_data or {}).get("priority", {})
    # A statement written since the last update gets the priority the engine gives an unseen
    # statement (novelty at its highest), so new statements are shown early, as in Pol.is.
    zero = np.zeros(1)
    unseen = float(priorities(zero, zero, zero, zero)[0])
    priority = np.array([float(stored.get(str(pk), unseen)) for pk in candidates])
    index = next_statement(priority, [i for i, pk in enumerate(candidates) if pk in voted])
    return None if index is None else Statement.objects.get(pk=candidates[index])


def statement_counts(conversation: Conversation) -> dict[int, dict[str, int]]:
    """Online votes and paper tallies per published statement."""
    counts = {
        row["pk"]: row
        for row in conversation.statements.filter(status=Status.PUBLISHED)
        .values("pk")
        .annotate(
            agree=Count("votes", filter=Q(votes__value=1)),
            disagree=Count("votes", filter=Q(votes__value=-1)),
            passed=Count("votes", filter=Q(votes__value=0)),
        )
    }
    for row in (
        conversation.statements.filter(status=Status.PUBLISHED)
        .values("pk")
        .annotate(
            paper_agree=Sum("tallies__agree"),
            paper_disagree=Sum("tallies__disagree"),
            paper_passed=Sum("tallies__passed"),
        )
    ):
        for key in ("paper_agree", "paper_disagree", "paper_passed"):
            counts[row["pk"]][key] = row[key] or 0
    return counts
