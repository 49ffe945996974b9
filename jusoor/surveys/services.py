"""Every write of the surveys app: validated, saved in a transaction, recorded in the audit log."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
import uuid
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jusoor.accounts.models import User
from jusoor.core import audit, crypto, writelock
from jusoor.jobs.models import Job
from jusoor.jobs.services import enqueue
from jusoor.programmes.models import Project
from jusoor.surveys import import_files, kobo_import, odk_central, openrosa, xlsform
from jusoor.surveys.models import (
    AppToken,
    Attachment,
    Channel,
    DigestNonceUse,
    Form,
    FormVersion,
    ImportStatus,
    KoboImport,
    Submission,
    SubmissionReview,
    SubmissionStatus,
    WebDraft,
)


def upload_form(
    actor: Any,
    project: Project,
    content: bytes,
    filename: str,
    *,
    key_informant: bool = False,
    request: HttpRequest | None = None,
) -> FormVersion:
    """Parse an XLSForm with pyxform; a known form_id gets a new version. Nothing saved on error."""
    try:
        parsed = xlsform.parse(content, filename)
    except xlsform.XLSFormError as exc:
        raise ValidationError(str(exc)) from exc
    if not parsed.form_id:
        raise ValidationError(_("The XLSForm has no form_id in its settings sheet."))
    with transaction.atomic():
        form, created = Form.objects.get_or_create(
            project=project,
            form_id=parsed.form_id,
            defaults={"title": parsed.title[:300], "is_key_informant_guide": key_informant},
        )
        if form.versions.filter(version=parsed.version).exists():
            raise ValidationError(
                _(
                    "Version %(version)s of form %(form)s is already here. Raise the version "
                    "in the settings sheet to upload a new one."
                )
                % {"version": parsed.version, "form": parsed.form_id}
            )
        if not created:
            form.title = parsed.title[:300]
            form.is_key_informant_guide = key_informant or form.is_key_informant_guide
            form.save(update_fields=["title", "is_key_informant_guide"])
        version = FormVersion.objects.create(
            form=form,
            version=parsed.version,
            title=parsed.title[:300],
            default_language=parsed.default_language,
            languages=parsed.languages,
            xlsform=content,
            xlsform_name=filename[:255],
            xform=parsed.xform,
            xform_md5=parsed.xform_md5,
            root_name=parsed.root_name,
            definition=parsed.definition,
            questions=parsed.questions,
            unsupported=parsed.unsupported,
            warnings=parsed.warnings,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(
            actor,
            "survey.form.upload",
            form,
            request=request,
            version=version.version,
            new_form=created,
            unsupported=len(parsed.unsupported),
        )
    return version


class SubmissionRefused(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Receipt:
    submission: Submission
    status: int  # 201 new, 202 identical re-submission


def personal_paths(version: FormVersion) -> set[str]:
    return {q["path"] for q in version.questions if q.get("pii")}


def repeat_paths(version: FormVersion) -> set[str]:
    return {q["path"] for q in version.questions if q["type"] == "repeat"}


@dataclass(frozen=True)
class _VersionShape:
    pk: int
    personal: frozenset[str]
    repeats: frozenset[str]


# A form version never changes once uploaded, so what ingestion needs of it (the personal and
# repeat paths, from a large JSON column) is kept per process. The form's creation time is part
# of the key: a form deleted and made anew may get the same primary key.
_VERSION_SHAPES: dict[tuple[int, Any, str], _VersionShape] = {}


def _version_shape(form: Form, label: str) -> _VersionShape | None:
    key = (form.pk, form.created_at, label)
    shape = _VERSION_SHAPES.get(key)
    if shape is None:
        version = form.versions.filter(version=label).only("pk", "questions").first()
        if version is None:
            return None
        shape = _VersionShape(
            version.pk, frozenset(personal_paths(version)), frozenset(repeat_paths(version))
        )
        if len(_VERSION_SHAPES) > 512:
            _VERSION_SHAPES.clear()
        _VERSION_SHAPES[key] = shape
    return shape


def receive_submission(
    *,
    forms: Any,
    raw: bytes,
    attachments: list[UploadedFile] | None = None,
    enumerator: User | None = None,
    channel: str = Channel.OPENROSA,
    request: HttpRequest | None = None,
) -> Receipt:
    """Store one submission's XML. ``forms`` is what the sender may submit to: a queryset, or
    forms by form_id already read (an app token's grant, ``access.token_grant``).

    The same instanceID with the same bytes is a re-submission (ODK Collect sends the XML again
    with each batch of attachments): its new attachments are kept and 202 is answered. The same
    instanceID with other bytes is a conflict (409). A ``meta/deprecatedID`` makes an edit: a new
    submission that replaces the old one, which stays in the history.

    The row, its attachments and its audit event are written in one transaction: a process
    killed half-way leaves nothing, and the phone's retry is then a first submission. A
    re-submission is recognised by the unique (form, instanceID) constraint rather than by a
    look-up first, which saves a query on every new submission.
    """
    try:
        parsed = openrosa.parse_submission(raw)
    except openrosa.SubmissionXMLError as exc:
        raise SubmissionRefused(str(exc)) from exc
    if isinstance(forms, Mapping):
        form = forms.get(parsed.form_id)
    else:
        form = (
            forms.filter(form_id=parsed.form_id)
            .select_related("project")
            # What storing needs; compiling every column of forms and projects costs more than
            # the query. Anything else a caller reads later loads on first use.
            .only("id", "project_id", "form_id", "created_at", "project__owner_id")
            .first()
        )
    if form is None:
        raise SubmissionRefused(
            _("No form %(form)s open to you here.") % {"form": parsed.form_id}, 404
        )
    shape = _version_shape(form, parsed.version)
    if shape is None:
        raise SubmissionRefused(
            _("Form %(form)s has no version %(version)s.")
            % {"form": parsed.form_id, "version": parsed.version or "-"}
        )
    answers = openrosa.answers_from_xml(parsed.root, set(shape.repeats))
    plain, private = openrosa.split_personal(answers, set(shape.personal))
    try:
        with writelock.serial_writes(), transaction.atomic():
            replaced = None
            if parsed.deprecated_id:
                replaced = (
                    Submission.objects.select_for_update()
                    .filter(form=form, instance_id=parsed.deprecated_id)
                    .first()
                )
            submission = Submission.objects.create(
                form=form,
                version_id=shape.pk,
                instance_id=parsed.instance_id,
                xml=raw.decode("utf-8"),
                xml_sha256=parsed.sha256,
                answers=plain,
                pii=json.dumps(private, ensure_ascii=False) if private else "",
                enumerator=enumerator,
                channel=channel,
                received_at=timezone.now(),
                status=replaced.status if replaced else SubmissionStatus.RECEIVED,
                replaces=replaced,
                first_instance_id=replaced.first_instance_id if replaced else "",
            )
            if replaced is not None:
                Submission.objects.filter(pk=replaced.pk).update(is_current=False)
            _save_attachments(submission, attachments or [], have=set())
            # Sealed into the audit chain after the commit (core.models.seal_pending).
            audit.record(
                enumerator,
                "survey.submission.edit" if replaced else "survey.submission.receive",
                submission,
                request=request,
                organisation=form.project.owner_id,
                form=form.form_id,
                channel=channel,
            )
    except IntegrityError:
        existing = Submission.objects.filter(form=form, instance_id=parsed.instance_id).first()
        if existing is not None:
            return _resubmitted(existing, parsed, attachments or [])
        if parsed.deprecated_id:
            # Another edit already replaced the one this edit names.
            raise SubmissionRefused(
                _("Submission %(id)s has already been replaced by another edit.")
                % {"id": parsed.deprecated_id},
                409,
            ) from None
        raise
    return Receipt(submission, 201)


def _resubmitted(
    existing: Submission, parsed: openrosa.ParsedSubmission, attachments: list[UploadedFile]
) -> Receipt:
    # An imported row was rebuilt from an export of this same submission, so its bytes differ
    # from the phone's: the phone re-sending it is a re-submission, not a conflicting edit.
    if existing.xml_sha256 != parsed.sha256 and existing.channel != Channel.IMPORT:
        raise SubmissionRefused(
            _(
                "A different submission with instanceID %(id)s is already here. An edit must "
                "carry meta/deprecatedID."
            )
            % {"id": parsed.instance_id},
            409,
        )
    if attachments:
        with transaction.atomic():
            _save_attachments(existing, attachments)
    return Receipt(existing, 202)


def _save_attachments(
    submission: Submission, files: list[UploadedFile], have: set[str] | None = None
) -> None:
    if not files:
        return
    if have is None:
        have = set(submission.attachments.values_list("name", flat=True))
    for upload in files:
        name = (upload.name or "").rsplit("/", 1)[-1][:255]
        if not name or name in have:
            continue
        _write_attachment(submission, name, upload).save()
        have.add(name)


def _write_attachment(
    submission: Submission,
    name: str,
    upload: UploadedFile,
    written: list[tuple[Any, str]] | None = None,
) -> Attachment:
    """Write the file into the storage and return its row, not yet saved. ``written`` gets
    (storage, path) before the file is written, so that a caller whose transaction fails can
    delete it, a half-written one included."""
    attachment = Attachment(
        submission=submission,
        name=name[:255],
        content_type=(upload.content_type or "")[:100],
        size=upload.size or 0,
    )
    field, storage = attachment.file.field, attachment.file.storage
    path = storage.get_available_name(
        field.generate_filename(attachment, name), max_length=field.max_length
    )
    if written is not None:
        written.append((storage, path))
    attachment.file = storage.save(path, upload, max_length=field.max_length)
    if written is not None:
        written[-1] = (storage, attachment.file.name)
    return attachment


def set_status(
    actor: User,
    submission: Submission,
    status: str,
    comment: str = "",
    request: HttpRequest | None = None,
) -> SubmissionReview:
    if status not in SubmissionStatus.values:
        raise ValidationError(_("Unknown status."))
    with transaction.atomic():
        before = submission.status
        submission.status = status
        submission.save(update_fields=["status"])
        review = SubmissionReview.objects.create(
            submission=submission, status=status, comment=comment, by=actor
        )
        audit.record(
            actor,
            "survey.submission.status",
            submission,
            request=request,
            organisation=submission.form.project.owner_id,
            changes={"status": [before, status]},
            comment=comment,
        )
    return review


# --- HTTP Digest: each answer taken once -------------------------------------------------------

# Each process deletes the uses of expired nonces at most this often, in a Digest request.
_SWEEP_SECONDS = 60.0
_sweep = {"next": 0.0}


def take_nonce_use(params: dict[str, str], age: float) -> bool:
    """Record this answer's use of its nonce; False when it was taken before (a replay).

    Each (nonce, nc, cnonce) is taken once, as RFC 7616 asks, rather than requiring nc to grow:
    a phone's HTTP client may send requests in parallel on one nonce (okhttp-digest shares it
    between them), so its counts may arrive out of order. The unique key refuses the second
    use atomically across processes and servers, with or without a shared cache; the savepoint
    keeps a caller's transaction usable after the refusal.
    """
    now = time.time()
    _sweep_nonce_uses(now)
    # Kept a minute past the nonce's end, in case a server that sweeps runs ahead of the clock
    # of one that still takes the nonce.
    until = now - age + openrosa.DIGEST_NONCE_SECONDS + openrosa.DIGEST_CLOCK_SKEW_SECONDS
    try:
        with transaction.atomic():
            DigestNonceUse.objects.create(
                key=openrosa.nonce_use_key(params), expires_at=datetime.fromtimestamp(until, UTC)
            )
    except IntegrityError:
        return False
    return True


def _sweep_nonce_uses(now: float) -> None:
    """Delete the uses of nonces that have expired: no answer with them is taken any more."""
    if time.monotonic() < _sweep["next"]:
        return
    _sweep["next"] = time.monotonic() + _SWEEP_SECONDS
    DigestNonceUse.objects.filter(expires_at__lt=datetime.fromtimestamp(now, UTC)).delete()


def hash_token(raw: str) -> str:
    return crypto.blind_index("survey-app-token:" + raw)


def create_token(
    actor: User,
    project: Project,
    forms: list[Form],
    label: str = "",
    request: HttpRequest | None = None,
) -> tuple[AppToken, str]:
    """A new app token for ODK Collect; the raw token is returned once and never stored.

    The same token is the password for ``actor``'s user name with HTTP Digest or Basic, so the
    Digest HA1 for the realm is derived now, while the raw token is at hand.
    """
    if not forms:
        raise ValidationError(_("Choose at least one form for this token."))
    if any(form.project_id != project.pk for form in forms):
        raise ValidationError(_("Every form must belong to this project."))
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = AppToken.objects.create(
            user=actor,
            project=project,
            label=label,
            token_hash=hash_token(raw),
            collect_username=actor.get_username(),
            digest_ha1=openrosa.digest_ha1(actor.get_username(), raw),
        )
        token.forms.set(forms)
        audit.record(
            actor,
            "survey.token.create",
            project,
            request=request,
            token=token.pk,
            forms=[f.form_id for f in forms],
        )
    return token, raw


def revoke_token(actor: User, token: AppToken, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "survey.token.revoke", token.project, request=request, token=token.pk)


def record_export(
    actor: User,
    form: Form,
    *,
    fmt: str,
    include_personal: bool,
    rows: int | None = None,
    request: HttpRequest | None = None,
) -> None:
    audit.record(
        actor,
        "survey.export",
        form,
        request=request,
        organisation=form.project.owner_id,
        format=fmt,
        personal_data=include_personal,
        rows=rows,
    )


def record_personal_view(actor: User, submission: Submission, request: HttpRequest) -> None:
    audit.record(
        actor,
        "survey.submission.view_personal_data",
        submission,
        request=request,
        organisation=submission.form.project.owner_id,
    )


def _current_version(form: Form) -> FormVersion:
    version = form.current_version
    if version is None:
        raise ValidationError(_("Upload the form's XLSForm before importing data into it."))
    return version


def _open_import(content: bytes | kobo_import.Opener, filename: str) -> list[kobo_import.Sheet]:
    """Open the file and read its headers: a file that cannot be read at all is refused here,
    in the person's language. The rows are read later, one pass at a time."""
    try:
        return kobo_import.read_file(content, filename)
    except kobo_import.ImportFileError as exc:
        raise ValidationError(str(exc)) from exc


def _stored(form: Form, ids: list[str]) -> set[str]:
    found = Submission.objects.filter(form=form, instance_id__in=ids)
    return set(found.values_list("instance_id", flat=True))


@dataclass
class _StoredLookup:
    """``known`` for ``kobo_import.analyse``: which instanceIDs are stored, counting on the way
    the rows that are edits of a stored submission (see ``_edits_in``)."""

    form: Form
    earlier: dict[str, tuple[str, ...]]
    edits: int = 0

    def __call__(self, ids: list[str]) -> set[str]:
        stored = _stored(self.form, ids)
        fresh = [i for i in ids if i not in stored]
        self.edits += len(_edits_in(self.form, fresh, self.earlier))
        return stored


def _edits_in(form: Form, ids: list[str], earlier: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Of these instanceIDs (none stored), those whose row names an earlier version that is
    stored, with that version's instanceID (the nearest one the row names). A first version
    that was never stored is found through the submission that records it as its first
    (``Submission.first_instance_id``)."""
    named = {i: earlier[i] for i in ids if i in earlier}
    if not named:
        return {}
    versions = [e for versions in named.values() for e in versions]
    stored = _stored(form, versions)
    through_first = dict(
        Submission.objects.filter(form=form, first_instance_id__in=versions).values_list(
            "first_instance_id", "instance_id"
        )
    )
    found = {}
    for instance_id, versions in named.items():
        here = next((e for e in versions if e in stored), None)
        if here is None:
            here = next((through_first[e] for e in versions if e in through_first), None)
        if here is not None:
            found[instance_id] = here
    return found


def _fill_preview(
    batch: KoboImport, progress: Callable[[int, int], None] | None = None
) -> kobo_import.Analysis:
    """Check every row of the batch's file (streamed) and keep what the preview page shows."""
    version = _current_version(batch.form)
    sheets = _open_import(import_files.opener(batch), batch.filename)
    known = _StoredLookup(batch.form, odk_central.earlier_ids(sheets))
    with odk_central.open_media(import_files.opener(batch), batch.filename) as media:
        attachments = odk_central.MediaCount(version, media)
        analysis = kobo_import.analyse(
            version, sheets, known=known, progress=progress, each=attachments.see
        )
    batch.preview = {
        "rows": analysis.rows,
        "new": analysis.new - known.edits,  # brand-new submissions
        "edits": known.edits,  # new versions of stored submissions
        "writes": analysis.new,  # what the import writes: both
        "existing": analysis.existing,
        "sheets": analysis.sheets,
        "columns": analysis.columns,
        "problems": analysis.problems,
        "problem_count": analysis.problem_count,
    }
    batch.preview.update(attachments.counts())
    batch.status = ImportStatus.PREVIEW
    return analysis


def _new_batch(actor: User | None, form: Form, content: bytes, filename: str) -> KoboImport:
    """The batch, saved, with its file kept (call inside a transaction)."""
    batch = KoboImport.objects.create(form=form, filename=filename[:255], created_by=actor)
    import_files.store(batch, content)
    return batch


def _record_preview(
    actor: User | None,
    batch: KoboImport,
    analysis: kobo_import.Analysis,
    request: HttpRequest | None = None,
) -> None:
    audit.record(
        actor,
        "survey.import.preview",
        batch.form,
        request=request,
        file=batch.filename,
        rows=analysis.rows,
        problems=analysis.problem_count,
    )


def receive_import(
    actor: User, form: Form, content: bytes, filename: str, request: HttpRequest | None = None
) -> tuple[KoboImport, Job]:
    """Keep an uploaded file and queue the job that checks it (``surveys.import_check``): the
    upload only makes sure the file opens and has headers; every row is read by the worker.
    Nothing is kept of a file that cannot be opened."""
    from jusoor.surveys.tasks import CHECK_IMPORT  # tasks imports this module

    _current_version(form)
    _open_import(content, filename)
    with transaction.atomic():
        batch = _new_batch(actor, form, content, filename)
        batch.status = ImportStatus.CHECKING
        batch.save(update_fields=["status"])
        job = enqueue(
            CHECK_IMPORT,
            {"batch": batch.pk},
            user=actor,
            organisation=form.project.owner_id,
            project=form.project,
        )
        audit.record(actor, "survey.import.upload", form, request=request, file=batch.filename)
    return batch, job


def check_import(batch: KoboImport, progress: Callable[[int, int], None] | None = None) -> None:
    """The background half of ``receive_import``: read and check every row and store the
    preview. A file found unreadable further in has that as a problem of its sheet."""
    if batch.status != ImportStatus.CHECKING:
        return  # checked already (a job run twice), or imported since
    analysis = _fill_preview(batch, progress)
    with transaction.atomic():
        updated = KoboImport.objects.filter(pk=batch.pk, status=ImportStatus.CHECKING).update(
            preview=batch.preview, status=batch.status
        )
        if updated:
            _record_preview(batch.created_by, batch, analysis)


def start_import(
    actor: User | None,
    form: Form,
    content: bytes,
    filename: str,
    request: HttpRequest | None = None,
) -> KoboImport:
    """Keep the file and its preview, checked here and now (for scripts and tests; the upload
    page uses ``receive_import``, which checks in the worker). Nothing is written to the
    submissions yet."""
    _current_version(form)
    with transaction.atomic():
        batch = _new_batch(actor, form, content, filename)
        analysis = _fill_preview(batch)
        batch.save(update_fields=["preview", "status"])
        _record_preview(actor, batch, analysis, request)
    return batch


IMPORT_WRITE_CHUNK = 500


def _problems(count: int) -> ValidationError:
    return ValidationError(
        _("The file has %(count)s problems; correct them and upload it again.") % {"count": count}
    )


def commit_import(
    actor: User | None,
    batch: KoboImport,
    request: HttpRequest | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write every new row of a previewed file, or nothing. The file is read again in one
    streamed pass that checks each row as it converts it and writes ``IMPORT_WRITE_CHUNK`` rows
    at a time (``progress(done, total)`` after each), all inside one transaction: a problem
    found on the way (the form changed since the preview) rolls the whole import back. Rows
    whose instanceID is already stored are skipped. A row of an ODK Central export that is an
    edit of a stored submission (``odk_central.earlier_ids``) is stored as its new version, as
    an edit sent by a phone is (``receive_submission``). The files of a zip's ``media/`` folder
    that a row names become its attachments (``odk_central.Media``); those written are deleted
    again when the import fails. Returns the rows added, edits included."""
    if batch.status == ImportStatus.DONE:
        raise ValidationError(_("This file has already been imported."))
    if batch.status == ImportStatus.CHECKING:
        raise ValidationError(_("The file is still being checked; wait for its preview."))
    if batch.preview.get("problem_count"):
        raise _problems(batch.preview["problem_count"])
    form = batch.form
    version = _current_version(form)
    sheets = _open_import(import_files.opener(batch), batch.filename)
    earlier = odk_central.earlier_ids(sheets)
    personal = personal_paths(version)
    now = timezone.now()
    total = batch.preview.get("rows", 0)
    checked = kobo_import.Analysis()
    chunk: list[kobo_import.Record] = []
    counts = {"done": 0, "added": 0, "edits": 0, "skipped": 0}
    file_paths = odk_central.file_questions(version.questions)
    written: list[tuple[Any, str]] = []  # (storage, name) of each attachment file written

    def imported(record: kobo_import.Record) -> Submission:
        answers = {**record.answers, "meta/instanceID": record.instance_id}
        # An edited row of a Central export names its first version last (its KEY).
        first = earlier[record.instance_id][-1] if record.instance_id in earlier else ""
        raw = openrosa.build_xml(version.definition, form.form_id, version.version, answers)
        plain, private = openrosa.split_personal(record.answers, personal)
        return Submission(
            form=form,
            version=version,
            instance_id=record.instance_id,
            xml=raw.decode("utf-8"),
            xml_sha256=hashlib.sha256(raw).hexdigest(),
            answers=plain,
            pii=json.dumps(private, ensure_ascii=False) if private else "",
            # The channel it first came by, when the file is our own export (the batch still
            # says it was imported); a synthetic row stays labelled synthetic.
            channel=record.channel or Channel.IMPORT,
            synthetic=record.synthetic,
            received_at=record.submitted_at or now,
            status=record.status,
            import_batch=batch,
            first_instance_id=first,
        )

    def attach(record: kobo_import.Record, submission: Submission) -> list[Attachment]:
        """The files the row names that the zip holds, each streamed out of the zip into the
        storage (a name the zip lacks stays only an answer, as in an export without media)."""
        if not file_paths or not len(media):
            return []
        found = []
        for name in odk_central.named_files(record.answers, file_paths):
            if name not in media:
                continue
            with media.open(name) as upload:
                found.append(_write_attachment(submission, name, upload, written))
        return found

    def write_chunk() -> None:
        existing = _stored(form, [r.instance_id for r in chunk])
        fresh = [r for r in chunk if r.instance_id not in existing]
        edited = _edits_in(form, [r.instance_id for r in fresh], earlier)
        first_versions = [r for r in fresh if r.instance_id not in edited]
        new = [imported(r) for r in first_versions]
        Submission.objects.bulk_create(new)
        files = [
            attachment
            for record, submission in zip(first_versions, new, strict=True)
            for attachment in attach(record, submission)
        ]
        for record in fresh:
            if record.instance_id in edited:
                submission = imported(record)
                _import_edit(actor, submission, edited[record.instance_id], batch)
                files += attach(record, submission)  # on the new version
        Attachment.objects.bulk_create(files)
        counts["skipped"] += len(existing)
        counts["edits"] += len(edited)
        counts["added"] += len(new) + len(edited)
        counts["done"] += len(chunk)
        chunk.clear()
        if progress is not None:
            progress(counts["done"], max(total, counts["done"]))

    def remove_written() -> None:
        for storage, name in written:
            with suppress(OSError):  # the import fails anyway; a stray file must not hide why
                storage.delete(name)

    try:
        with (
            odk_central.open_media(import_files.opener(batch), batch.filename) as media,
            transaction.atomic(),
            kobo_import.without_gc_pauses(),
        ):
            for record in kobo_import.iter_records(version, sheets, checked):
                if checked.problem_count:
                    continue  # nothing more is written; reading on counts the problems
                chunk.append(record)
                if len(chunk) >= IMPORT_WRITE_CHUNK:
                    write_chunk()
            if checked.problem_count:
                raise _problems(checked.problem_count)  # and the chunks written are rolled back
            if chunk:
                write_chunk()
            batch.status = ImportStatus.DONE
            batch.imported_count = counts["added"]
            batch.save(update_fields=["status", "imported_count"])
            audit.record(
                actor,
                "survey.import",
                form,
                request=request,
                file=batch.filename,
                added=counts["added"],
                edits=counts["edits"],
                skipped=counts["skipped"],
            )
    except kobo_import.ImportFileError as exc:  # a media file found damaged as it unpacked
        remove_written()
        raise ValidationError(str(exc)) from exc
    except BaseException:
        remove_written()  # the rows are rolled back: their files go too
        raise
    return counts["added"]


def _import_edit(
    actor: User | None, submission: Submission, earlier_id: str, batch: KoboImport
) -> None:
    """Store an imported edit as the new version of the stored submission whose version
    ``earlier_id`` is: it replaces the current version (a version already replaced, here or by
    an earlier import, is followed to the one that replaced it), which stays in the history.
    Called inside the import's transaction; the current version is locked (on PostgreSQL) so
    that a phone's edit of the same submission waits instead of forking the history."""
    replaced = Submission.objects.get(form=submission.form, instance_id=earlier_id)
    while True:  # no loop: each version replaces one stored before it
        replaced = Submission.objects.select_for_update().get(pk=replaced.pk)
        following = Submission.objects.filter(replaces=replaced).first()
        if following is None:
            break
        replaced = following
    # A review made in Central after the edit is in the row; without one (Central marks the
    # row "edited"), the stored submission's review carries over, as with a phone's edit.
    if submission.status == SubmissionStatus.RECEIVED:
        submission.status = replaced.status
    submission.replaces = replaced
    submission.enumerator_id = replaced.enumerator_id  # the same interview, edited
    submission.first_instance_id = replaced.first_instance_id  # "" when the first is here
    submission.save()
    Submission.objects.filter(pk=replaced.pk).update(is_current=False)
    audit.record(
        actor,
        "survey.submission.edit",
        submission,
        organisation=batch.form.project.owner_id,
        form=batch.form.form_id,
        channel=Channel.IMPORT,
        file=batch.filename,
    )


def save_draft(
    actor: User, form: Form, answers: dict[str, Any], request: HttpRequest | None = None
) -> WebDraft:
    with transaction.atomic():
        draft, _created = WebDraft.objects.update_or_create(
            form=form,
            user=actor,
            defaults={"answers": json.dumps(answers, ensure_ascii=False)},
        )
        audit.record(
            actor,
            "survey.draft.save",
            form,
            request=request,
            answered=len([v for v in answers.values() if v]),
        )
    return draft


def submit_web_entry(
    actor: User, form: Form, answers: dict[str, Any], request: HttpRequest | None = None
) -> Submission:
    """The web form's answers become a submission like any other (same XML, same checks)."""
    from jusoor.surveys.access import collectable_forms

    version = form.current_version
    if version is None:
        raise ValidationError(_("This form has no version to fill."))
    instance_id = f"uuid:{uuid.uuid4()}"
    raw = openrosa.build_xml(
        version.definition,
        form.form_id,
        version.version,
        {**answers, "meta/instanceID": instance_id},
    )
    try:
        receipt = receive_submission(
            forms=collectable_forms(actor, form.project),
            raw=raw,
            enumerator=actor,
            channel=Channel.WEB,
            request=request,
        )
    except SubmissionRefused as refused:
        raise ValidationError(str(refused)) from refused
    WebDraft.objects.filter(form=form, user=actor).delete()
    return receipt.submission
