"""What the moderation engine can learn from an organisation's own moderators.

Only decisions a person took count (accept, reject, appeal), the last one per statement; a
rejection counts as "offensive" only when its reason is about language (an insult, hate,
incitement…), not when the statement was refused for a phone number or for being off topic.
"""

from __future__ import annotations

from jusoor.dialogue.models import DecisionKind, ModerationDecision, Reason
from jusoor.engines.moderation import Example

OFFENSIVE_REASONS = {
    Reason.OFFENSIVE,
    Reason.HATE,
    Reason.INSULT,
    Reason.SECTARIAN,
    Reason.INCITEMENT,
    Reason.PROPAGANDA,
    Reason.PROFANITY,
}
HATE_REASONS = {Reason.HATE, Reason.SECTARIAN, Reason.INCITEMENT}
HUMAN = [
    DecisionKind.ACCEPT,
    DecisionKind.REJECT,
    DecisionKind.APPEAL_ACCEPT,
    DecisionKind.APPEAL_REJECT,
]


def confirmed_examples(organisation_id: int) -> list[Example]:
    """One labelled example per statement a moderator of this organisation decided."""
    last: dict[int, ModerationDecision] = {}
    decisions = (
        ModerationDecision.objects.filter(
            kind__in=HUMAN, statement__conversation__project__owner_id=organisation_id
        )
        .select_related("statement")
        .order_by("created_at", "id")
    )
    for decision in decisions:
        last[decision.statement_id] = decision
    examples = []
    for decision in last.values():
        published = decision.kind in (DecisionKind.ACCEPT, DecisionKind.APPEAL_ACCEPT)
        if published:
            examples.append(Example(decision.statement.text, False, False))
        elif decision.reason in OFFENSIVE_REASONS:
            examples.append(Example(decision.statement.text, True, decision.reason in HATE_REASONS))
    return examples
