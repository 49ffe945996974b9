"""Figures from the feedback form after an event, for the results page and for reports.

``feedback_summary(event)`` counts the answers; ``public=True`` gives a copy safe to publish
(cells under the small-cell threshold hidden, as for reach). Written answers are never counted
as text here: only how many were approved, held or still waiting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count

from jusoor.engines.stats import protect_counts
from jusoor.events.models import (
    Event,
    Feedback,
    JoinDialogue,
    Registration,
    RegistrationStatus,
    TextReview,
    Usefulness,
)
from jusoor.events.reach import suppress_value


@dataclass
class FeedbackSummary:
    responses: int  # n: answers received
    invited: int  # confirmed registrations (who could answer)
    ratings: list[tuple[int, str, int | None]]  # (value, label, count) from 1 to 5
    mean_usefulness: float | None
    join_dialogue: list[tuple[str, str, int | None]]  # (value, label, count)
    written: dict[str, int] = field(default_factory=dict)  # by review status

    @property
    def response_rate(self) -> float | None:
        if not self.invited or self.responses is None:
            return None
        return round(100 * self.responses / self.invited, 1)

    @property
    def would_join(self) -> int | None:
        return next((n for value, _l, n in self.join_dialogue if value == JoinDialogue.YES), 0)


def feedback_summary(event: Event, *, public: bool = False) -> FeedbackSummary:
    answers = Feedback.objects.filter(event=event)
    ratings = dict(answers.values_list("usefulness").annotate(n=Count("id")))
    joins = dict(answers.values_list("join_dialogue").annotate(n=Count("id")))
    written = dict(answers.values_list("text_review").annotate(n=Count("id")))
    responses = sum(ratings.values())
    mean = (
        round(sum(value * n for value, n in ratings.items()) / responses, 2) if responses else None
    )
    invited = Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED, is_guest=False
    ).count()
    rating_counts = [ratings.get(value, 0) for value in Usefulness.values]
    join_counts = [joins.get(value, 0) for value in JoinDialogue.values]
    if public:
        rating_counts = protect_counts(rating_counts, settings.SMALL_CELL_THRESHOLD)
        join_counts = protect_counts(join_counts, settings.SMALL_CELL_THRESHOLD)
        if suppress_value(responses) is None:
            mean = None
    return FeedbackSummary(
        responses=suppress_value(responses) if public else responses,  # type: ignore[arg-type]
        invited=invited,
        ratings=[
            (value, str(label), n)
            for (value, label), n in zip(Usefulness.choices, rating_counts, strict=True)
        ],
        mean_usefulness=mean,
        join_dialogue=[
            (value, str(label), n)
            for (value, label), n in zip(JoinDialogue.choices, join_counts, strict=True)
        ],
        written={status: written.get(status, 0) for status in TextReview.values},
    )
