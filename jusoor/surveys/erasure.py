"""Surveys in erasure and retention (see ``jusoor.core.erasure``).

A submission is linked to a person when one of its personal-data answers (questions marked
``jusoor::pii``) is the person's name or phone. Such a submission keeps its other answers — the
survey's counts and estimates do not move — but loses its personal-data answers, the attachments
they named, and their copy in the stored XML, which is rebuilt without them. The person's name or
phone in any other answer, review comment, draft or uploaded import file is removed too.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.utils.translation import gettext_lazy as _

from jusoor.core.erasure import (
    ANONYMISE,
    DELETE,
    Dataset,
    Subject,
    redact_fields,
    register_dataset,
)
from jusoor.core.erasure import register_eraser as _register
from jusoor.surveys import import_files, kobo_import, openrosa
from jusoor.surveys.models import KoboImport, Submission, SubmissionReview, WebDraft


def answer_strings(value: Any) -> list[str]:
    """Every text in stored answers (repeats and groups included): what erasure compares."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in answer_strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in answer_strings(item)]
    return []


def _rewrite(submission: Submission, answers: dict[str, Any], private: dict[str, Any]) -> None:
    """Store ``answers`` and ``private`` as the submission's whole content, XML included."""
    version = submission.version
    xml = openrosa.build_xml(
        version.definition,
        submission.form.form_id,
        version.version,
        openrosa.merge_personal(answers, private),
    ).decode("utf-8")
    Submission.objects.filter(pk=submission.pk).update(
        answers=answers,
        pii=json.dumps(private, ensure_ascii=False) if private else "",
        xml=xml,
    )


def _drop_attachments(submission: Submission, names: set[str]) -> int:
    dropped = 0
    for attachment in submission.attachments.filter(name__in=names):
        attachment.file.delete(save=False)
        attachment.delete()
        dropped += 1
    return dropped


def erase(subject: Subject) -> dict[str, int]:
    org = subject.organisation_id
    linked = mentioned = attachments = 0
    submissions = Submission.objects.filter(form__project__owner_id=org).select_related(
        "version", "form"
    )
    for submission in submissions.iterator(chunk_size=200):
        private = submission.personal_answers()
        is_linked = any(subject.is_identified_by(s) for s in answer_strings(private))
        answers, count = subject.redact_value(submission.answers)
        if is_linked:
            attachments += _drop_attachments(submission, set(answer_strings(private)))
            _rewrite(submission, answers, {})
            linked += 1
        elif count:
            private, _count = subject.redact_value(private)
            _rewrite(submission, answers, private)
            mentioned += 1
    reviews = redact_fields(
        subject,
        SubmissionReview.objects.filter(submission__form__project__owner_id=org),
        ["comment"],
    )
    drafts = 0
    for draft in WebDraft.objects.filter(form__project__owner_id=org):
        if any(
            subject.is_identified_by(s) for s in answer_strings(json.loads(draft.answers or "{}"))
        ):
            draft.delete()
            drafts += 1
    files = 0
    for batch in KoboImport.objects.filter(form__project__owner_id=org, size__gt=0):
        try:  # rows are read as they are iterated: damage further in shows up there
            sheets = kobo_import.read_file(import_files.opener(batch), batch.filename)
            cells = (str(c) for sheet in sheets for row in sheet.rows for c in row if c is not None)
            found = any(subject.is_identified_by(c) for c in cells)
        except kobo_import.ImportFileError:
            continue
        if found:
            preview, _count = subject.redact_value(batch.preview)
            import_files.discard(KoboImport.objects.filter(pk=batch.pk))
            KoboImport.objects.filter(pk=batch.pk).update(preview=preview)
            files += 1
    return {
        "linked_submissions": linked,
        "submissions_mentioning": mentioned,
        "attachments": attachments,
        "review_comments": reviews,
        "drafts": drafts,
        "import_files": files,
    }


def _import_files(organisation: Any, cutoff: dt.datetime, dry_run: bool) -> int:
    batches = KoboImport.objects.filter(
        form__project__owner=organisation, created_at__lt=cutoff, size__gt=0
    )
    if dry_run:
        return batches.count()
    batches.update(preview={})
    return import_files.discard(batches)


def _drafts(organisation: Any, cutoff: dt.datetime, dry_run: bool) -> int:
    drafts = WebDraft.objects.filter(form__project__owner=organisation, updated_at__lt=cutoff)
    count = drafts.count()
    if not dry_run:
        drafts.delete()
    return count


def _personal_answers(organisation: Any, cutoff: dt.datetime, dry_run: bool) -> int:
    submissions = (
        Submission.objects.filter(form__project__owner=organisation, received_at__lt=cutoff)
        .exclude(pii="")
        .select_related("version", "form")
    )
    if dry_run:
        return submissions.count()
    count = 0
    for submission in list(submissions):
        names = set(answer_strings(submission.personal_answers()))
        _drop_attachments(submission, names)
        _rewrite(submission, submission.answers, {})
        count += 1
    return count


def register() -> None:
    from jusoor.surveys import self_completion

    _register("surveys", erase)
    self_completion.register()
    register_dataset(
        Dataset(
            "surveys.import_files",
            _("Uploaded KoboToolbox files (the imported submissions stay)"),
            ANONYMISE,
            30,
            _import_files,
        )
    )
    register_dataset(
        Dataset("surveys.web_drafts", _("Unfinished web-form drafts"), DELETE, 90, _drafts)
    )
    register_dataset(
        Dataset(
            "surveys.personal_answers",
            _("Personal-data answers of submissions (the other answers stay)"),
            ANONYMISE,
            None,
            _personal_answers,
        )
    )
