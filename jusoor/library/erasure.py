"""The library in erasure (see ``jusoor.core.erasure``).

A resource's titles, summaries and the text extracted from each of its files are redacted where
they name the person, and its search document is rebuilt from them, so the person's name no longer
finds it (the full-text indexes follow the search document: FTS5 triggers on SQLite, a generated
column on PostgreSQL). The uploaded file itself cannot be rewritten: a resource whose file names
the person stops being public or shared with a project — it stays visible to its organisation
only, until someone replaces the file.
"""

from __future__ import annotations

from jusoor.core.erasure import Subject, register_eraser
from jusoor.library.models import Resource, ResourceVersion, Visibility
from jusoor.library.search import index_resource

_FIELDS = ["title_ar", "title_en", "summary_ar", "summary_en"]


def erase(subject: Subject) -> dict[str, int]:
    touched: set[int] = set()
    withdrawn = 0
    for resource in Resource.objects.filter(owner_id=subject.organisation_id):
        updates = {}
        for name in _FIELDS:
            text, count = subject.redact(getattr(resource, name))
            if count:
                updates[name] = text
        file_names_person = False
        for version in resource.versions.only("pk", "text"):
            text, count = subject.redact(version.text)
            if count:
                ResourceVersion.objects.filter(pk=version.pk).update(text=text)
                file_names_person = True
        if file_names_person and resource.visibility != Visibility.ORGANISATION:
            updates["visibility"] = Visibility.ORGANISATION
            withdrawn += 1
        if updates:
            Resource.objects.filter(pk=resource.pk).update(**updates)
        if updates or file_names_person:
            touched.add(resource.pk)
    for resource in Resource.objects.filter(pk__in=touched):
        index_resource(resource)
    return {"resources": len(touched), "files_no_longer_public": withdrawn}


def register() -> None:
    register_eraser("library", erase)
