"""Every change to the library: validated, saved in one transaction, indexed and audited."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext as _

from jusoor.core import audit
from jusoor.library.extraction import Extracted, ExtractionError, extract
from jusoor.library.models import Resource, ResourceVersion, Visibility
from jusoor.library.search import index_resource

log = logging.getLogger(__name__)

AUDITED_FIELDS = [
    "title_ar",
    "title_en",
    "kind",
    "language",
    "audience",
    "themes",
    "licence",
    "link",
    "visibility",
    "project",
    "published_on",
]


def max_upload_bytes() -> int:
    return int(settings.LIBRARY_MAX_UPLOAD_MB) * 1024 * 1024


def check_upload(upload: UploadedFile) -> Extracted:
    """Read the upload's type and text, or raise ValidationError saying what is wrong with it."""
    if upload.size is not None and upload.size > max_upload_bytes():
        raise ValidationError(
            {
                "file": _(
                    "“%(name)s” is %(size).1f MB; the library accepts files up to %(limit)d MB."
                )
                % {
                    "name": upload.name,
                    "size": upload.size / 1024 / 1024,
                    "limit": settings.LIBRARY_MAX_UPLOAD_MB,
                }
            }
        )
    if not upload.size:
        raise ValidationError({"file": _("“%(name)s” is empty.") % {"name": upload.name}})
    try:
        return extract(upload.name or "", upload)
    except ExtractionError as exc:
        raise ValidationError({"file": str(exc)}) from exc


def _validate(resource: Resource, has_file: bool) -> None:
    errors: dict[str, str] = {}
    if not (resource.title_ar.strip() or resource.title_en.strip()):
        errors["title_ar"] = _("Give the resource a title in Arabic or English.")
    if not has_file and not resource.link:
        errors["link"] = _("Upload a file or give a web address.")
    if resource.visibility == Visibility.PROJECT and resource.project_id is None:
        errors["project"] = _("Choose the project whose members may see this resource.")
    if resource.project_id is not None and resource.project.owner_id != resource.owner_id:
        errors["project"] = _("The project must belong to the resource's organisation.")
    if errors:
        raise ValidationError(errors)


def _new_version(
    actor: Any, resource: Resource, upload: UploadedFile, extracted: Extracted
) -> ResourceVersion:
    last = resource.versions.order_by("-number").values_list("number", flat=True).first() or 0
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    version = ResourceVersion(
        resource=resource,
        number=last + 1,
        filename=(upload.name or "file")[-255:],
        file_format=extracted.file_format,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        text=extracted.text,
        text_status=extracted.text_status,
        page_count=extracted.page_count,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    version.file.save(upload.name or "file", upload, save=False)
    _written.get().append((version.file.name, version.file.storage))
    version.save()
    return version


_written: ContextVar[list[tuple[str, Any]]] = ContextVar("library_written_files")


@contextmanager
def _files_removed_on_failure() -> Iterator[None]:
    """Files written inside the block are deleted when the block fails: nothing half-saved."""
    token = _written.set([])
    try:
        yield
    except BaseException:
        for name, storage in _written.get():
            try:
                storage.delete(name)
            except OSError:  # pragma: no cover
                log.warning("could not delete %s", name)
        raise
    finally:
        _written.reset(token)


def create_resource(
    actor: Any,
    resource: Resource,
    upload: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> Resource:
    """Save a new resource (and its first version when a file is given) and index it."""
    _validate(resource, upload is not None)
    extracted = check_upload(upload) if upload is not None else None
    if resource.created_by_id is None and getattr(actor, "is_authenticated", False):
        resource.created_by = actor
    with _files_removed_on_failure(), transaction.atomic():
        resource.save()
        if upload is not None and extracted is not None:
            _new_version(actor, resource, upload, extracted)
        index_resource(resource)
        audit.record(
            actor,
            "library.resource_created",
            resource,
            request=request,
            visibility=resource.visibility,
            file=upload.name if upload is not None else "",
        )
    return resource


def update_resource(
    actor: Any, resource: Resource, before: dict[str, Any], request: HttpRequest | None = None
) -> Resource:
    """Save changed metadata; ``before`` is ``audit.snapshot`` of the resource as loaded."""
    _validate(resource, resource.pk is not None and resource.versions.exists())
    with transaction.atomic():
        resource.save()
        index_resource(resource)
        audit.record(
            actor,
            "library.resource_changed",
            resource,
            request=request,
            changes=audit.changes(before, audit.snapshot(resource, AUDITED_FIELDS)),
        )
    return resource


def add_version(
    actor: Any, resource: Resource, upload: UploadedFile, request: HttpRequest | None = None
) -> ResourceVersion:
    """A new file for the same resource: a new version; the old ones are kept."""
    extracted = check_upload(upload)
    with _files_removed_on_failure(), transaction.atomic():
        version = _new_version(actor, resource, upload, extracted)
        resource.save(update_fields=["updated_at"])
        index_resource(resource)
        audit.record(
            actor,
            "library.version_added",
            resource,
            request=request,
            version=version.number,
            file=version.filename,
            text=version.text_status,
        )
    return version


def delete_resource(actor: Any, resource: Resource, request: HttpRequest | None = None) -> None:
    names = [(v.file.name, v.file.storage) for v in resource.versions.all() if v.file]
    with transaction.atomic():
        audit.record(actor, "library.resource_deleted", resource, request=request)
        resource.delete()  # the search document goes with it (cascade; FTS5 triggers follow)

        def remove_files() -> None:
            for name, storage in names:
                try:
                    storage.delete(name)
                except OSError:  # pragma: no cover - a missing file is already gone
                    log.warning("could not delete %s", name)

        transaction.on_commit(remove_files)


def record_download(resource: Resource, version: ResourceVersion | None) -> None:
    """Count a download (or a visit to the linked address) without a race between visitors."""
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)
    if version is not None:
        ResourceVersion.objects.filter(pk=version.pk).update(download_count=F("download_count") + 1)
