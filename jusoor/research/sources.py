"""The texts a project's qualitative analysis reads: text answers of its forms (key-informant
interviews among them), meeting minutes and takeaways of its meetings and panels.

A source is addressed by ``(kind, object id, field)``; ``field`` is the question path of a text
answer and empty otherwise. Each source carries the groups its segments are counted by (area,
sex, age band, respondent type) and the names known to be in it, for anonymised quotes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from jusoor.events.models import Meeting, Takeaway
from jusoor.programmes.models import Project
from jusoor.research.models import SourceKind
from jusoor.surveys.models import Form, Submission, SubmissionStatus
from jusoor.surveys.xlsform import label_of, language_for

TEXT_TYPES = {"text"}
GROUP_NAMES = {"area": "area", "sex": "sex", "age_band": "age_band"}


@dataclass
class Source:
    kind: str
    object_id: int
    field: str
    title: str
    question: str
    text: str
    area: str = ""
    sex: str = ""
    age_band: str = ""
    respondent_type: str = ""
    synthetic: bool = False
    known_names: list[str] = field(default_factory=list)
    submission: Submission | None = None
    meeting: Meeting | None = None
    takeaway: Takeaway | None = None

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.kind, self.object_id, self.field)


def _text_questions(form: Form) -> list[dict[str, Any]]:
    version = form.current_version
    if version is None:
        return []
    return [
        q
        for q in version.questions
        if q["type"] in TEXT_TYPES and not q.get("pii") and not q.get("meta")
    ]


def _group_paths(form: Form) -> dict[str, str]:
    version = form.current_version
    found: dict[str, str] = {}
    for q in version.questions if version else []:
        for group, name in GROUP_NAMES.items():
            if q["name"] == name and group not in found:
                found[group] = q["path"]
        if form.is_key_informant_guide and q["name"] == "role":
            found["role"] = q["path"]
    return found


def _personal_names(submission: Submission) -> list[str]:
    if not submission.pii:
        return []
    return [str(v) for v in submission.personal_answers().values() if isinstance(v, str) and v]


def _answer_sources(
    form: Form, submissions: list[Submission], question_paths: set[str] | None = None
) -> Iterator[Source]:
    questions = _text_questions(form)
    if question_paths is not None:
        questions = [q for q in questions if q["path"] in question_paths]
    if not questions:
        return
    version = form.current_version
    language = language_for(version.languages if version else [], "ar")
    groups = _group_paths(form)
    for submission in submissions:
        answers = submission.answers
        respondent = "survey"
        if form.is_key_informant_guide:
            respondent = f"kii:{answers.get(groups.get('role', ''), '')}".rstrip(":")
        for q in questions:
            text = str(answers.get(q["path"]) or "").strip()
            if not text:
                continue
            yield Source(
                kind=SourceKind.ANSWER,
                object_id=submission.pk,
                field=q["path"],
                title=f"{form.title} · {submission.instance_id[-8:]}",
                question=label_of(q, language),
                text=text,
                area=str(answers.get(groups.get("area", ""), "") or ""),
                sex=str(answers.get(groups.get("sex", ""), "") or ""),
                age_band=str(answers.get(groups.get("age_band", ""), "") or ""),
                respondent_type=respondent,
                synthetic=submission.synthetic,
                submission=submission,
            )


def _submissions(form: Form) -> list[Submission]:
    return list(
        form.submissions.filter(is_current=True)
        .exclude(status=SubmissionStatus.REJECTED)
        .order_by("received_at", "pk")
    )


def _meetings(project: Project) -> list[Meeting]:
    return list(Meeting.objects.filter(project=project).select_related("area").order_by("date"))


def _takeaways(project: Project) -> list[Takeaway]:
    return list(
        Takeaway.objects.filter(
            Q(meeting__project=project) | Q(session__event__project=project)
        ).select_related("meeting", "session__event", "area")
    )


def project_sources(project: Project) -> list[Source]:
    """Every source of the project, in a stable order: forms, then meetings, then takeaways."""
    found: list[Source] = []
    for form in Form.objects.filter(project=project).order_by("-is_key_informant_guide", "pk"):
        if _text_questions(form):
            found += _answer_sources(form, _submissions(form))
    for meeting in _meetings(project):
        if meeting.minutes.strip():
            found.append(_meeting_source(meeting))
    for takeaway in _takeaways(project):
        found.append(_takeaway_source(takeaway))
    return found


def _meeting_source(meeting: Meeting) -> Source:
    return Source(
        kind=SourceKind.MINUTES,
        object_id=meeting.pk,
        field="",
        title=meeting.title,
        question=_("Minutes"),
        text=meeting.minutes.strip(),
        area=meeting.area.pcode if meeting.area else "",
        respondent_type="meeting",
        synthetic="synthetic" in meeting.minutes,
        meeting=meeting,
    )


def _takeaway_source(takeaway: Takeaway) -> Source:
    parent = takeaway.meeting or takeaway.session
    return Source(
        kind=SourceKind.TAKEAWAY,
        object_id=takeaway.pk,
        field="",
        title=str(parent),
        question=str(takeaway.get_kind_display()),
        text=takeaway.text.strip(),
        area=takeaway.area.pcode if takeaway.area else "",
        respondent_type="meeting" if takeaway.meeting_id else "panel",
        meeting=takeaway.meeting,
        takeaway=takeaway,
    )


def get_source(project: Project, kind: str, object_id: int, path: str = "") -> Source | None:
    """One source of this project, or None (also when it belongs to another project)."""
    if kind == SourceKind.ANSWER:
        submission = (
            Submission.objects.filter(pk=object_id, form__project=project, is_current=True)
            .select_related("form")
            .first()
        )
        if submission is None:
            return None
        found = list(_answer_sources(submission.form, [submission], {path}))
        if found:
            found[0].known_names = _personal_names(submission)
        return found[0] if found else None
    if kind == SourceKind.MINUTES:
        meeting = Meeting.objects.filter(pk=object_id, project=project).first()
        if meeting is None or not meeting.minutes.strip():
            return None
        source = _meeting_source(meeting)
        # Minutes often name who spoke: the attendees' names are hidden from quotes.
        source.known_names = [p.name for p in meeting.attendees.all() if p.name]
        return source
    if kind == SourceKind.TAKEAWAY:
        takeaway = (
            Takeaway.objects.filter(pk=object_id)
            .filter(Q(meeting__project=project) | Q(session__event__project=project))
            .select_related("meeting", "session__event", "area")
            .first()
        )
        return _takeaway_source(takeaway) if takeaway else None
    return None
