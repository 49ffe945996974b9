"""Every write of the research app: validated, saved in a transaction, audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jusoor.core import audit
from jusoor.programmes.models import Project, ResultNode
from jusoor.research import evidence as evidence_module
from jusoor.research import textindex
from jusoor.research.models import (
    Code,
    Codebook,
    Coding,
    Evidence,
    Finding,
    FindingStatus,
    Segment,
    Suggestion,
    SuggestionStatus,
)
from jusoor.research.seed import SEED_CODES
from jusoor.research.sources import Source


@transaction.atomic
def ensure_codebook(project: Project) -> Codebook:
    """The project's codebook, made with the seed codes the first time it is asked for."""
    codebook, created = Codebook.objects.get_or_create(project=project)
    if created:
        for order, (category, key, name_ar, name_en, keywords) in enumerate(SEED_CODES):
            Code.objects.create(
                codebook=codebook,
                category=category,
                key=key,
                name_ar=name_ar,
                name_en=name_en,
                keywords=keywords,
                order=order,
            )
        audit.record(None, "research.codebook.create", codebook, organisation=project.owner)
    return codebook


@transaction.atomic
def save_code(actor: Any, code: Code, request: HttpRequest | None = None) -> Code:
    if code.pk is None and not code.order:
        last = code.codebook.codes.order_by("-order").first()
        code.order = (last.order + 1) if last else 0
    try:
        return audit.save_audited(actor, code, "research.code", request)
    except ValidationError as exc:
        if "__all__" in getattr(exc, "message_dict", {}):
            raise ValidationError(
                {"name_ar": _("The codebook already has a code with this Arabic name.")}
            ) from exc
        raise


def locate(text: str, passage: str) -> tuple[int, int]:
    """Where ``passage`` is in ``text``: exactly, or else ignoring spelling variants and marks.

    An empty passage is the whole text.
    """
    passage = passage.strip()
    if not passage:
        return 0, len(text)
    index = text.find(passage)
    if index >= 0:
        return index, index + len(passage)
    # Compare word by word on search terms, so that a passage typed with other hamza or
    # diacritics is still found; the span runs from its first word to its last.
    wanted = textindex.terms(passage)
    found = textindex.words(text)
    n = len(wanted)
    for i in range(len(found) - n + 1):
        if n and all(found[i + k][2] == wanted[k] for k in range(n)):
            return found[i][0], found[i + n - 1][1]
    raise ValidationError(
        {"passage": _("This passage is not in the source. Copy it from the text above.")}
    )


@transaction.atomic
def create_segment(
    actor: Any,
    project: Project,
    source: Source,
    start: int,
    end: int,
    request: HttpRequest | None = None,
) -> Segment:
    if not 0 <= start < end <= len(source.text):
        raise ValidationError({"passage": _("Choose a passage of the source.")})
    segment, created = Segment.objects.get_or_create(
        project=project,
        kind=source.kind,
        submission=source.submission,
        field=source.field,
        meeting=source.meeting if source.kind == "minutes" else None,
        takeaway=source.takeaway,
        start=start,
        end=end,
        defaults={
            "text": source.text[start:end],
            "area": source.area,
            "sex": source.sex,
            "age_band": source.age_band,
            "respondent_type": source.respondent_type,
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    if created:
        audit.record(
            actor, "research.segment.create", segment, request=request, start=start, end=end
        )
    return segment


@transaction.atomic
def set_codes(
    actor: Any,
    segment: Segment,
    codes: Iterable[Code],
    request: HttpRequest | None = None,
    *,
    from_suggestion: bool = False,
    replace: bool = True,
) -> tuple[list[str], list[str]]:
    """Give ``segment`` these codes (and, with ``replace``, only these). Returns the names added
    and removed."""
    codes = list(codes)
    if any(c.codebook.project_id != segment.project_id for c in codes):
        raise ValidationError(_("A code of another project cannot be used here."))
    have = {c.code_id: c for c in segment.codings.select_related("code")}
    wanted = {c.pk: c for c in codes}
    user = actor if getattr(actor, "is_authenticated", False) else None
    added = [
        Coding.objects.create(segment=segment, code=code, by=user, from_suggestion=from_suggestion)
        for pk, code in wanted.items()
        if pk not in have
    ]
    removed = [c for pk, c in have.items() if pk not in wanted] if replace else []
    for coding in removed:
        coding.delete()
    if added or removed:
        audit.record(
            actor,
            "research.segment.code",
            segment,
            request=request,
            added=[c.code.key or c.code.name_ar for c in added],
            removed=[c.code.key or c.code.name_ar for c in removed],
        )
    # A suggestion of a code the segment now has (or no longer wants) is settled.
    Suggestion.objects.filter(segment=segment, code_id__in=wanted, status="pending").update(
        status=SuggestionStatus.ACCEPTED, decided_by=user, decided_at=timezone.now()
    )
    return [str(c.code) for c in added], [str(c.code) for c in removed]


@transaction.atomic
def generate_suggestions(actor: Any, project: Project, request: HttpRequest | None = None) -> int:
    """Suggest codes for every segment without a code, from the words it shares with segments
    already coded (and with the codes' keywords). Existing decisions are kept."""
    codebook = ensure_codebook(project)
    codes = list(codebook.codes.all())
    examples: dict[int, list[list[str]]] = {}
    for coding in Coding.objects.filter(segment__project=project).select_related("segment"):
        examples.setdefault(coding.code_id, []).append(textindex.terms(coding.segment.text))
    keywords = {
        c.pk: textindex.terms(f"{c.name_ar} {c.name_en} {c.keywords.replace('،', ' ')}")
        for c in codes
    }
    decided = set(
        Suggestion.objects.filter(segment__project=project)
        .exclude(status=SuggestionStatus.PENDING)
        .values_list("segment_id", "code_id")
    )
    Suggestion.objects.filter(segment__project=project, status=SuggestionStatus.PENDING).delete()
    made = []
    for segment in Segment.objects.filter(project=project, codings__isnull=True):
        for proposal in textindex.suggest(textindex.terms(segment.text), examples, keywords):
            if (segment.pk, proposal.code_id) in decided:
                continue
            made.append(
                Suggestion(
                    segment=segment,
                    code_id=proposal.code_id,
                    score=proposal.score,
                    shared_terms=proposal.shared,
                )
            )
    Suggestion.objects.bulk_create(made)
    audit.record(
        actor, "research.suggestions.generate", project, request=request, suggestions=len(made)
    )
    return len(made)


@transaction.atomic
def decide_suggestion(
    actor: Any, suggestion: Suggestion, accept: bool, request: HttpRequest | None = None
) -> Suggestion:
    if suggestion.status != SuggestionStatus.PENDING:
        raise ValidationError(_("This suggestion has already been decided."))
    suggestion.status = SuggestionStatus.ACCEPTED if accept else SuggestionStatus.REJECTED
    suggestion.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    suggestion.decided_at = timezone.now()
    suggestion.save()
    if accept:
        set_codes(
            actor,
            suggestion.segment,
            [suggestion.code],
            request,
            from_suggestion=True,
            replace=False,
        )
    audit.record(
        actor,
        f"research.suggestion.{'accept' if accept else 'reject'}",
        suggestion.segment,
        request=request,
        code=suggestion.code.key or suggestion.code.name_ar,
        score=suggestion.score,
    )
    return suggestion


# --- findings ---------------------------------------------------------------------------------


def _check_nodes(project: Project, nodes: Iterable[ResultNode]) -> list[ResultNode]:
    nodes = list(nodes)
    if any(n.project_id != project.pk for n in nodes):
        raise ValidationError({"nodes": _("Link only entries of this project's framework.")})
    return nodes


@transaction.atomic
def save_finding(
    actor: Any,
    finding: Finding,
    nodes: Iterable[ResultNode],
    request: HttpRequest | None = None,
) -> Finding:
    if finding.pk and finding.status == FindingStatus.PUBLISHED:
        raise ValidationError(_("A published finding cannot change. Return it to draft first."))
    nodes = _check_nodes(finding.project, nodes)
    if finding.pk is None and getattr(actor, "is_authenticated", False):
        finding.created_by = actor
    audit.save_audited(actor, finding, "research.finding", request)
    finding.nodes.set(nodes)
    return finding


@transaction.atomic
def add_evidence(
    actor: Any,
    finding: Finding,
    kind: str,
    parameters: dict[str, Any],
    request: HttpRequest | None = None,
) -> Evidence:
    if finding.status == FindingStatus.PUBLISHED:
        raise ValidationError(_("A published finding cannot change. Return it to draft first."))
    snapshot = evidence_module.compute(finding.project, kind, parameters)
    last = finding.evidence.order_by("-order").first()
    item = Evidence.objects.create(
        finding=finding,
        kind=kind,
        parameters=parameters,
        snapshot=snapshot,
        computed_at=timezone.now(),
        order=(last.order + 1) if last else 0,
    )
    _mark_synthetic(finding)
    audit.record(
        actor, "research.evidence.add", finding, request=request, kind=kind, parameters=parameters
    )
    return item


def _mark_synthetic(finding: Finding) -> None:
    synthetic = any(e.snapshot.get("synthetic") for e in finding.evidence.all())
    if synthetic != finding.synthetic:
        Finding.objects.filter(pk=finding.pk).update(synthetic=synthetic)
        finding.synthetic = synthetic


@transaction.atomic
def refresh(actor: Any, finding: Finding, request: HttpRequest | None = None) -> int:
    """Recompute every snapshot of a finding from its parameters (not when published)."""
    if finding.status == FindingStatus.PUBLISHED:
        raise ValidationError(
            _("A published finding keeps its figures. Return it to draft to refresh them.")
        )
    count = 0
    for item in finding.evidence.all():
        item.snapshot = evidence_module.compute(finding.project, item.kind, item.parameters)
        item.computed_at = timezone.now()
        item.save(update_fields=["snapshot", "computed_at"])
        count += 1
    _mark_synthetic(finding)
    audit.record(actor, "research.finding.refresh", finding, request=request, evidence=count)
    return count


ALLOWED = {
    FindingStatus.DRAFT: {FindingStatus.REVIEWED},
    FindingStatus.REVIEWED: {FindingStatus.DRAFT, FindingStatus.PUBLISHED},
    FindingStatus.PUBLISHED: {FindingStatus.DRAFT},
}


@transaction.atomic
def set_status(
    actor: Any, finding: Finding, status: str, request: HttpRequest | None = None
) -> Finding:
    if status not in ALLOWED.get(finding.status, set()):
        raise ValidationError(
            _("A finding cannot go from “%(old)s” to “%(new)s”.")
            % {"old": finding.get_status_display(), "new": FindingStatus(status).label}
            if status in FindingStatus.values
            else _("Unknown status.")
        )
    if status == FindingStatus.PUBLISHED and not finding.evidence.exclude(snapshot={}).exists():
        raise ValidationError(_("A finding needs evidence before it is published."))
    old = finding.status
    finding.status = status
    finding.published_at = timezone.now() if status == FindingStatus.PUBLISHED else None
    finding.save(update_fields=["status", "published_at"])
    audit.record(actor, "research.finding.status", finding, request=request, old=old, new=status)
    return finding


def record_download(
    actor: Any, project: Project, kind: str, language: str, request: HttpRequest | None = None
) -> None:
    audit.record(actor, f"research.report.{kind}", project, request=request, language=language)


def record_personal_view(
    actor: Any, project: Project, source_key: str, request: HttpRequest | None = None
) -> None:
    audit.record(
        actor, "research.source.personal_view", project, request=request, source=source_key
    )


@transaction.atomic
def save_report(actor: Any, report: Any, request: HttpRequest | None = None) -> Any:
    return audit.save_audited(actor, report, "research.report", request)
