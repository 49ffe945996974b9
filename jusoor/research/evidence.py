"""Evidence snapshots: what a finding shows, computed from its parameters.

Three kinds: a survey estimate (a share overall and by area, sex or age band, with its interval
and n), a cross-tabulation (row percentages and the Rao–Scott test), and coded quotes
(anonymised passages of the segments coded with given codes). Each snapshot is plain JSON in
both languages, with small cells already hidden, so it can be shown and published as it is.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from jusoor.programmes.models import Project
from jusoor.research import survey_data
from jusoor.research.anonymise import anonymise
from jusoor.research.models import Code, Coding, EvidenceKind, Segment
from jusoor.research.sources import get_source
from jusoor.surveys.models import Form


def respondent_labels(respondent_type: str) -> dict[str, str]:
    """How a quote is attributed: the kind of source only, never a role or a place, which
    together could point at one person (there is one mayor of Hit)."""
    out = {}
    for language in ("ar", "en"):
        with override(language):
            if respondent_type.startswith("kii"):
                out[language] = _("Key-informant interview")
            elif respondent_type == "survey":
                out[language] = _("Survey respondent")
            elif respondent_type == "panel":
                out[language] = _("Conference panel")
            else:
                out[language] = _("Meeting")
    return out


def quote_of(project: Project, segment: Segment) -> tuple[str, bool]:
    """A segment's text fit to quote (the names known in its source and any phone removed),
    and whether the source is synthetic."""
    source = get_source(
        project,
        segment.kind,
        segment.submission_id or segment.meeting_id or segment.takeaway_id or 0,
        segment.field,
    )
    names = source.known_names if source else []
    return anonymise(segment.text, names), bool(source and source.synthetic)


def _form(project: Project, form_id: str) -> Form:
    form = Form.objects.filter(project=project, form_id=form_id).first()
    if form is None:
        raise ValidationError(_("The form %(form)s is not in this project.") % {"form": form_id})
    return form


def _question(data: survey_data.FormData, path: str, field: str) -> dict[str, Any]:
    q = data.questions.get(path)
    if q is None or not (survey_data.is_single(q) or survey_data.is_multiple(q)):
        raise ValidationError(
            {field: _("Choose a single- or multiple-choice question of the form.")}
        )
    return q


def compute(project: Project, kind: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """The snapshot of one piece of evidence; raises ValidationError for bad parameters."""
    if kind == EvidenceKind.QUOTES:
        snapshot = _quotes(project, parameters)
    else:
        snapshot = _survey(project, kind, parameters)
    snapshot["computed_at"] = timezone.now().isoformat()
    return snapshot


def _survey(project: Project, kind: str, parameters: dict[str, Any]) -> dict[str, Any]:
    from jusoor.surveys.analysis import AnalysisError

    try:
        return _survey_snapshot(project, kind, parameters)
    except AnalysisError as exc:
        raise ValidationError(f"{exc.message} {exc.advice}".strip()) from exc


def _survey_snapshot(project: Project, kind: str, parameters: dict[str, Any]) -> dict[str, Any]:
    form = _form(project, str(parameters.get("form", "")))
    data = survey_data.load(form)
    if not data.answers:
        raise ValidationError(_("The form has no submissions to analyse yet."))
    weighted = bool(parameters.get("weighted", True))
    if kind == EvidenceKind.ESTIMATE:
        q = _question(data, str(parameters.get("question", "")), "question")
        category = str(parameters.get("category", ""))
        if category not in {c["name"] for c in q["choices"]}:
            raise ValidationError({"category": _("Choose one of the question's answers.")})
        breakdown = str(parameters.get("breakdown", ""))
        if breakdown and breakdown not in data.groups:
            raise ValidationError({"breakdown": _("The form does not ask for this group.")})
        snapshot = survey_data.estimate(data, q["path"], category, breakdown, weighted)
    elif kind == EvidenceKind.CROSSTAB:
        rows = _question(data, str(parameters.get("rows", "")), "rows")
        cols = _question(data, str(parameters.get("cols", "")), "cols")
        if not (survey_data.is_single(rows) and survey_data.is_single(cols)):
            raise ValidationError(_("A cross-tabulation needs two single-choice questions."))
        snapshot = survey_data.crosstab(data, rows["path"], cols["path"], weighted)
    else:
        raise ValidationError(_("Unknown kind of evidence."))
    snapshot["fingerprint"] = survey_data.fingerprint(form)
    return snapshot


def _quotes(project: Project, parameters: dict[str, Any]) -> dict[str, Any]:
    keys = [str(k) for k in parameters.get("codes", [])]
    codes = list(Code.objects.filter(codebook__project=project, key__in=keys)) + list(
        Code.objects.filter(codebook__project=project, pk__in=[k for k in keys if k.isdigit()])
    )
    if not codes:
        raise ValidationError({"codes": _("Choose at least one code.")})
    limit = int(parameters.get("limit", 3))
    codings = (
        Coding.objects.filter(code__in=codes, segment__project=project)
        .select_related("segment")
        .order_by("segment__pk")
    )
    segments = list(dict.fromkeys(c.segment for c in codings))
    quotes = []
    synthetic = False
    seen: set[str] = set()
    for segment in segments:
        if len(quotes) >= limit:
            break
        text, from_synthetic = quote_of(project, segment)
        synthetic = synthetic or from_synthetic
        if text in seen:  # several informants said the same words: quote them once
            continue
        seen.add(text)
        quotes.append({"text": text, "source": respondent_labels(segment.respondent_type)})
    return {
        "codes": [{"ar": c.name_ar, "en": c.name_en or c.name_ar} for c in codes],
        "segments": len(segments),
        "sources": len({s.source_key for s in segments}),
        "quotes": quotes,
        "synthetic": synthetic,
    }


def is_stale(project: Project, kind: str, parameters: dict[str, Any], snapshot: dict) -> bool:
    """True when the survey data behind an estimate or table changed since its snapshot."""
    if kind == EvidenceKind.QUOTES or not snapshot:
        return False
    form = Form.objects.filter(project=project, form_id=parameters.get("form")).first()
    return form is not None and survey_data.fingerprint(form) != snapshot.get("fingerprint")
