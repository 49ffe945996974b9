"""Running jobs, keeping their heartbeat, and restarting the ones whose worker died."""

from __future__ import annotations

import contextvars
import logging
import os
import socket
import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from jusoor.jobs.models import Job, JobStatus
from jusoor.jobs.services import JobError, clear_job_files, get_handler

logger = logging.getLogger("jusoor.jobs")

# Set by the worker command; "host:pid:token" lets another worker tell whether it is alive.
WORKER_LABEL = f"{socket.gethostname()}:{os.getpid()}:inline"
# True while jobs run inside the caller's process (tests): no heartbeat thread, which would need
# a second database connection.
inline = contextvars.ContextVar("jobs_inline", default=False)


def heartbeat_seconds() -> float:
    return float(
        getattr(settings, "JOBS_HEARTBEAT_SECONDS", os.environ.get("JOBS_HEARTBEAT_SECONDS", 5))
    )


def stall_seconds() -> float:
    return float(getattr(settings, "JOBS_STALL_SECONDS", os.environ.get("JOBS_STALL_SECONDS", 60)))


def max_attempts() -> int:
    return int(getattr(settings, "JOBS_MAX_ATTEMPTS", os.environ.get("JOBS_MAX_ATTEMPTS", 3)))


class JobCancelled(Exception):
    pass


class _State:
    """Progress shared between the job and its heartbeat thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done = 0
        self.total = 0
        self.message = ""
        self.dirty = False
        self.cancelled = False


class _Heartbeat(threading.Thread):
    """Writes the heartbeat and the latest progress on its own database connection, so progress
    shows even while the job holds a long transaction (on PostgreSQL; SQLite lets one writer in at
    a time, so there the writes wait for the transaction and the job's process is checked)."""

    def __init__(self, job_id: int, state: _State) -> None:
        super().__init__(daemon=True, name=f"job-{job_id}-heartbeat")
        self.job_id = job_id
        self.state = state
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.wait(heartbeat_seconds()):
                self.beat()
        finally:
            connection.close()

    def beat(self) -> None:
        with self.state.lock:
            fields: dict[str, Any] = {"heartbeat_at": timezone.now()}
            if self.state.dirty:
                fields.update(
                    progress_done=self.state.done,
                    progress_total=self.state.total,
                    message=self.state.message,
                )
                self.state.dirty = False
        try:
            updated = Job.objects.filter(
                pk=self.job_id, status=JobStatus.RUNNING, worker=WORKER_LABEL
            ).update(**fields)
            if not updated:
                self.state.cancelled = True
        except OperationalError:
            logger.info("Job %s: heartbeat delayed, the database is busy", self.job_id)


def _claim(job_id: int) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != JobStatus.QUEUED:
            return None
        now = timezone.now()
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.worker = WORKER_LABEL
        job.started_at = now
        job.heartbeat_at = now
        job.progress_done = job.progress_total = 0
        job.message = gettext_noop("Starting")
        job.error = ""
        job.save()
    return job


def execute(job_id: int) -> None:
    """Run one queued job to its end: done, failed, or cancelled."""
    job = _claim(job_id)
    if job is None:
        return
    state = _State()
    last_write = [0.0]

    def progress(done: int, total: int, message: str = "") -> None:
        if state.cancelled:
            raise JobCancelled
        with state.lock:
            state.done, state.total, state.message = max(0, done), max(0, total), message
            state.dirty = True
        if inline.get() and time.monotonic() - last_write[0] > 0.5:
            last_write[0] = time.monotonic()
            Job.objects.filter(pk=job.pk).update(
                progress_done=state.done, progress_total=state.total, message=message
            )

    beat = None if inline.get() else _Heartbeat(job.pk, state)
    if beat is not None:
        beat.start()
    outcome, error = JobStatus.DONE, ""
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            clear_job_files(job)
            get_handler(job.kind).function(job, progress)
        except JobCancelled:
            outcome = JobStatus.CANCELLED
        except JobError as exc:
            outcome, error = JobStatus.FAILED, str(exc)
        except ValidationError as exc:
            outcome, error = JobStatus.FAILED, " ".join(exc.messages)
        except Exception:
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            outcome = JobStatus.FAILED
            error = gettext("Something went wrong while doing this; nothing was saved.")
        finally:
            if beat is not None:
                beat.stopping.set()
                beat.join()
    if outcome != JobStatus.DONE:
        clear_job_files(job)
        job.result_file.name = ""
    fields = {
        "status": outcome,
        "error": error,
        "finished_at": timezone.now(),
        "heartbeat_at": timezone.now(),
        "result_file": job.result_file.name or "",
        "result_name": job.result_name if outcome == JobStatus.DONE else "",
        "result_content_type": job.result_content_type,
        "result_data": job.result_data,
    }
    if outcome == JobStatus.DONE:
        fields.update(progress_done=state.total or state.done, progress_total=state.total)
        fields["message"] = gettext_noop("Finished")
    # Only the attempt that still owns the job may finish it (a restarted copy may be running).
    Job.objects.filter(pk=job.pk, worker=WORKER_LABEL, status=JobStatus.RUNNING).update(**fields)


# --- recovery ----------------------------------------------------------------------------------


def _worker_alive(label: str) -> bool | None:
    """True or False for a worker on this machine, None when it runs elsewhere."""
    host, _, rest = label.partition(":")
    if host != socket.gethostname():
        return None
    try:
        pid = int(rest.split(":", 1)[0])
    except ValueError:
        return False
    if pid == os.getpid():
        return label == WORKER_LABEL
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_stalled() -> list[int]:
    """Re-queue running jobs whose worker is gone (no heartbeat for ``JOBS_STALL_SECONDS`` and,
    on this machine, no process); fail them after ``JOBS_MAX_ATTEMPTS``. Returns their ids."""
    from jusoor.jobs.tasks import run_job

    limit = timezone.now() - timedelta(seconds=stall_seconds())
    recovered = []
    for job in Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=limit):
        if _worker_alive(job.worker):
            continue
        with transaction.atomic():
            current = Job.objects.select_for_update().filter(pk=job.pk).first()
            if current is None or current.status != JobStatus.RUNNING:
                continue
            if current.heartbeat_at and current.heartbeat_at >= limit:
                continue
            _forget_task(current)
            clear_job_files(current)
            current.result_file.name = ""
            current.progress_done = current.progress_total = 0
            if current.attempts >= max_attempts():
                with translation.override(current.language or settings.LANGUAGE_CODE):
                    current.error = gettext(
                        "The job was interrupted %(count)s times and was stopped; "
                        "nothing was saved. Start it again, or ask an administrator to check "
                        "the background worker."
                    ) % {"count": current.attempts}
                current.status = JobStatus.FAILED
                current.finished_at = timezone.now()
                current.message = ""
                current.save()
            else:
                current.status = JobStatus.QUEUED
                current.message = gettext_noop("Interrupted; starting again")
                current.worker = ""
                current.task_id = str(run_job.enqueue(current.pk).id)
                current.save()
        logger.warning("Job %s (%s): worker %s gone, recovered", job.pk, job.kind, job.worker)
        recovered.append(job.pk)
    recovered += _requeue_orphans(limit)
    return recovered


def _requeue_orphans(limit: Any) -> list[int]:
    """A worker that died after taking a job's task but before starting the job leaves a queued
    job whose task is no longer waiting: give it a new task."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from jusoor.jobs.tasks import run_job

    orphans = []
    queued = Job.objects.filter(status=JobStatus.QUEUED).exclude(task_id="")
    for job in queued.only("pk", "task_id"):
        task = DBTaskResult.objects.filter(pk=job.task_id).only("status", "started_at").first()
        if task is not None and (
            task.status == TaskResultStatus.READY
            or task.status == TaskResultStatus.RUNNING
            and task.started_at
            and task.started_at >= limit
        ):
            continue
        with transaction.atomic():
            _forget_task(job)
            task_id = str(run_job.enqueue(job.pk).id)
            Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(task_id=task_id)
        orphans.append(job.pk)
    return orphans


def _forget_task(job: Job) -> None:
    """Mark the dead worker's task as failed, so the task queue agrees with the job."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if job.task_id:
        DBTaskResult.objects.filter(pk=job.task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=timezone.now()
        )


def cancel(job: Job) -> bool:
    """Cancel a queued or running job; a running one stops at its next progress report."""
    updated = Job.objects.filter(
        pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).update(status=JobStatus.CANCELLED, finished_at=timezone.now(), message="")
    return bool(updated)
