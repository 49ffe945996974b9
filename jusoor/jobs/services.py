"""Background jobs: long work (exports, imports) done by a separate worker process.

The public API is small; everything else in this package is internal.

``enqueue(kind: str, params: dict, *, user, organisation, project=None) -> Job``
    Record a job and queue it for the worker (``python manage.py worker``). ``params`` must be
    JSON. Returns at once; send the person to ``job.get_absolute_url()`` (its status page), or
    show ``{% include "jobs/includes/progress.html" with job=job %}`` on a page of your own.
    Call it inside your own ``transaction.atomic()`` if the job must exist only with your rows.

``@handler(kind, capability=Can.VIEW)``
    Register the function that does the work, in your app's ``tasks.py`` (imported at start-up
    by every process)::

        from django.utils.translation import gettext_noop
        from jusoor.jobs.services import JobError, handler, result_file

        @handler("surveys.export", capability=Can.MANAGE_FORMS)
        def run(job: Job, progress: Callable[[int, int, str], None]) -> None:
            with result_file(job, "survey.xlsx", XLSX) as path:   # a temporary name
                for done, row in enumerate(rows, 1):
                    ...
                    progress(done, total, gettext_noop("Writing rows"))
            job.result_data = {"rows": done}                          # saved with the job

    ``progress(done, total, message)`` records how far the job is (``message`` is an English
    msgid marked with ``gettext_noop``: it is translated when shown, in the reader's language).
    The handler runs with the language of the person who started the job active, so errors it
    raises read in their language. Raise ``JobError`` (or ``ValidationError``) with a message for
    people; any other exception fails the job with a general message and is logged.

    ``capability`` (a ``Can``, a frozenset of them, or a callable ``capability(job)`` returning
    either, to decide per job, e.g. for personal data) is who may see the job, follow it and
    download its result: people with all those capabilities in the job's project (or, for a job
    without a project, in its organisation). Someone with no part in it gets 404, too little
    role 403, as on every page.

A job may run more than once: when a worker dies, the job is restarted from the beginning (up to
``JOBS_MAX_ATTEMPTS`` times). So a handler must start from scratch each time: write files only
through ``result_file`` (renamed into place at the end, so a killed job leaves no half-written
file), and do database writes in one ``transaction.atomic()`` (a killed job rolls back).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import get_language

from jusoor.accounts.roles import Can
from jusoor.jobs.models import Job, JobStatus

Progress = Callable[[int, int, str], None]
HandlerFunction = Callable[[Job, Progress], None]

__all__ = ["Job", "JobError", "JobStatus", "enqueue", "handler", "result_file"]


class JobError(Exception):
    """A failure to show to people as it is (already translated)."""


Capability = Can | frozenset[Can] | Callable[[Job], Can | frozenset[Can]]


@dataclass(frozen=True)
class Handler:
    kind: str
    function: HandlerFunction
    capability: Capability

    def capabilities_for(self, job: Job) -> frozenset[Can]:
        need = self.capability(job) if callable(self.capability) else self.capability
        return frozenset({need}) if isinstance(need, Can) else frozenset(need)


_HANDLERS: dict[str, Handler] = {}


def handler(
    kind: str, *, capability: Capability = Can.VIEW
) -> Callable[[HandlerFunction], HandlerFunction]:
    def register(function: HandlerFunction) -> HandlerFunction:
        existing = _HANDLERS.get(kind)
        if existing is not None and existing.function.__qualname__ != function.__qualname__:
            raise ValueError(f"Two handlers for job kind {kind!r}")
        _HANDLERS[kind] = Handler(kind, function, capability)
        return function

    return register


def get_handler(kind: str) -> Handler:
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise LookupError(f"No handler for job kind {kind!r}") from None


def enqueue(
    kind: str, params: dict[str, Any], *, user: Any, organisation: Any, project: Any = None
) -> Job:
    from jusoor.jobs.tasks import run_job

    get_handler(kind)
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            params=params,
            owner=user,
            organisation_id=getattr(organisation, "pk", organisation),
            project_id=getattr(project, "pk", project),
            language=get_language() or settings.LANGUAGE_CODE,
        )
        # Same transaction: the worker sees the queued task only once the job exists.
        result = run_job.enqueue(job.pk)
        job.task_id = str(result.id)
        job.save(update_fields=["task_id"])
    return job


# --- result files ------------------------------------------------------------------------------


def job_folder(job: Job) -> Path:
    return Path(settings.MEDIA_ROOT) / "jobs" / str(job.pk)


def clear_job_files(job: Job) -> None:
    """Remove what an earlier attempt left (a finished file or a partial one)."""
    shutil.rmtree(job_folder(job), ignore_errors=True)


@contextlib.contextmanager
def result_file(job: Job, filename: str, content_type: str) -> Iterator[Path]:
    """Yield a temporary path to write; on success it is renamed to ``filename`` and becomes the
    job's result. The rename is atomic, so the file is either whole or not there."""
    safe = Path(filename).name
    folder = job_folder(job)
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{safe}.part"
    try:
        yield partial
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, folder / safe)
    job.result_file.name = f"jobs/{job.pk}/{safe}"
    job.result_name = safe
    job.result_content_type = content_type
