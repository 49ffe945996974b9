"""What the moderation engine can learn from an organisation's own moderators.

Only decisions a person took count (accept, reject, appeal), the last one per statement; a
rejection counts as "offensive" only when its reason is about language (an insult, hate,
incitement…), not when the statement was refused for a phone number or for being off topic.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jusoor.accounts.models import Organisation
from jusoor.core import audit
from jusoor.dialogue.models import (
    DecisionKind,
    EngineModelStatus,
    ModerationDecision,
    OrganisationModerationModel,
    Reason,
)
from jusoor.engines import moderation
from jusoor.engines.moderation import Example

logger = logging.getLogger(__name__)

# Fewer confirmed decisions than this teach the model nothing worth switching to.
MIN_CONFIRMED = 5

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


# --- candidates, switching on and off ------------------------------------------------------------


def model_folder(candidate: OrganisationModerationModel) -> Path:
    return Path(settings.MEDIA_ROOT) / candidate.files


def _summary(metrics: dict[str, Any]) -> dict[str, Any]:
    """The numbers the workspace shows: cross-validated macro-F1 of both scorers."""
    cv = metrics.get("cv", {}) if isinstance(metrics, dict) else {}
    return {
        "offensive_f1": cv.get("offensive", {}).get("macro_f1"),
        "hate_f1": cv.get("hate", {}).get("macro_f1"),
        "folds": cv.get("offensive", {}).get("folds"),
        "examples": metrics.get("examples") if isinstance(metrics, dict) else None,
        "confirmed": metrics.get("confirmed_examples", 0) if isinstance(metrics, dict) else 0,
    }


def shipped_summary() -> dict[str, Any]:
    return _summary(moderation.default_model().metrics)


def summary(candidate: OrganisationModerationModel) -> dict[str, Any]:
    return _summary(candidate.new_metrics)


def train_candidate(
    actor: Any,
    organisation: Organisation,
    *,
    request: HttpRequest | None = None,
    **retrain_options: Any,
) -> OrganisationModerationModel:
    """Retrain on the organisation's confirmed decisions and keep the result as a candidate.

    Nothing is switched on: the candidate waits, with its metrics and the current model's, for a
    person to ``activate`` it. ``retrain_options`` go to ``moderation.retrain`` (tests pass a
    small ``base`` and ``folds``).
    """
    examples = confirmed_examples(organisation.pk)
    if not examples:
        raise ValidationError(_("No confirmed moderation decisions to learn from yet."))
    if len(examples) < MIN_CONFIRMED:
        raise ValidationError(
            _(
                "Too few confirmed moderation decisions to learn from: %(count)d; at least "
                "%(minimum)d are needed."
            )
            % {"count": len(examples), "minimum": MIN_CONFIRMED}
        )
    current = active_model(organisation.pk)
    if current is not None:
        retrain_options.setdefault("current", current)
    try:
        result = moderation.retrain(examples, **retrain_options)
    except FileNotFoundError as exc:
        raise ValidationError(
            _("The base training data is not available on this server: %(error)s") % {"error": exc}
        ) from exc
    candidate = OrganisationModerationModel.objects.create(
        organisation=organisation,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        status=EngineModelStatus.CANDIDATE,
        metrics={
            "new": result.metrics,
            "previous": result.previous_metrics,
            "changed": result.changed,
        },
        confirmed_count=len(examples),
    )
    candidate.files = f"moderation/{organisation.slug}/{candidate.pk}"
    candidate.save(update_fields=["files"])
    try:
        result.model.save(model_folder(candidate))
    except OSError:
        candidate.delete()
        raise
    audit.record(
        actor,
        "dialogue.moderation_model_trained",
        candidate,
        request=request,
        organisation=organisation,
        confirmed=len(examples),
        offensive_f1=summary(candidate)["offensive_f1"],
        hate_f1=summary(candidate)["hate_f1"],
    )
    return candidate


@transaction.atomic
def activate(
    actor: Any, candidate: OrganisationModerationModel, *, request: HttpRequest | None = None
) -> OrganisationModerationModel:
    """Switch a candidate on; the model that was on (if any) is retired."""
    candidate = OrganisationModerationModel.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != EngineModelStatus.CANDIDATE:
        raise ValidationError(_("Only a candidate model can be switched on."))
    previous = list(
        OrganisationModerationModel.objects.select_for_update().filter(
            organisation_id=candidate.organisation_id, status=EngineModelStatus.ACTIVE
        )
    )
    for old in previous:
        old.status = EngineModelStatus.RETIRED
        old.save(update_fields=["status"])
    candidate.status = EngineModelStatus.ACTIVE
    candidate.activated_at = timezone.now()
    candidate.save(update_fields=["status", "activated_at"])
    audit.record(
        actor,
        "dialogue.moderation_model_activated",
        candidate,
        request=request,
        organisation=candidate.organisation_id,
        retired=[old.pk for old in previous],
    )
    return candidate


@transaction.atomic
def deactivate(
    actor: Any, organisation: Organisation, *, request: HttpRequest | None = None
) -> OrganisationModerationModel | None:
    """Go back to the shipped model; the active one (if any) is retired and returned."""
    current = (
        OrganisationModerationModel.objects.select_for_update()
        .filter(organisation=organisation, status=EngineModelStatus.ACTIVE)
        .first()
    )
    if current is None:
        return None
    current.status = EngineModelStatus.RETIRED
    current.save(update_fields=["status"])
    audit.record(
        actor,
        "dialogue.moderation_model_deactivated",
        current,
        request=request,
        organisation=organisation,
    )
    return current


# Loaded models, per OrganisationModerationModel id: files never change once written.
_LOADED: dict[int, moderation.Model] = {}


def active_model(organisation_id: int) -> moderation.Model | None:
    """The organisation's switched-on model, or None for the shipped one.

    Missing or unreadable files fall back to the shipped model (and are logged), so that a lost
    media folder never stops statements from being routed.
    """
    record = (
        OrganisationModerationModel.objects.filter(
            organisation_id=organisation_id, status=EngineModelStatus.ACTIVE
        )
        .only("pk", "files")
        .first()
    )
    if record is None:
        return None
    if record.pk not in _LOADED:
        try:
            _LOADED[record.pk] = moderation.load_model(model_folder(record))
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("Moderation model %s could not be loaded: %s", record.pk, exc)
            return None
    return _LOADED[record.pk]
