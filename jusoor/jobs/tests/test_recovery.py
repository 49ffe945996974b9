"""A job whose worker died is started again, at most JOBS_MAX_ATTEMPTS times."""

from __future__ import annotations

import os
import socket
import subprocess
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jusoor.jobs import runner
from jusoor.jobs.models import JobStatus
from jusoor.jobs.tests.builders import make_job


def dead_worker() -> str:
    process = subprocess.Popen(["true"])  # noqa: S607
    process.wait()
    return f"{socket.gethostname()}:{process.pid}:gone"


def stalled(world, **overrides):
    fields = {
        "status": JobStatus.RUNNING,
        "attempts": 1,
        "worker": dead_worker(),
        "heartbeat_at": timezone.now() - timedelta(minutes=10),
        "progress_done": 40,
        "progress_total": 100,
        **overrides,
    }
    job = make_job(world, **fields)
    folder = Path(settings.MEDIA_ROOT) / "jobs" / str(job.pk)
    folder.mkdir(parents=True)
    (folder / ".survey.xlsx.part").write_bytes(b"PK half")
    return job


def test_a_job_whose_worker_died_is_queued_again_from_scratch(world):
    job = stalled(world)
    assert runner.recover_stalled() == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert (job.progress_done, job.progress_total) == (0, 0)
    assert job.message == "Interrupted; starting again"
    assert DBTaskResult.objects.ready().filter(pk=job.task_id).exists()
    assert not (Path(settings.MEDIA_ROOT) / "jobs" / str(job.pk)).exists()  # no partial file


def test_a_job_interrupted_too_often_fails_with_a_clear_message(world, settings):
    settings.JOBS_MAX_ATTEMPTS = 3
    job = stalled(world, attempts=3)
    runner.recover_stalled()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "interrupted 3 times" in job.error and "nothing was saved" in job.error
    assert not DBTaskResult.objects.ready().exists()


def test_a_quiet_job_whose_worker_still_runs_here_is_left_alone(world):
    job = stalled(world, worker=f"{socket.gethostname()}:{os.getppid()}:alive")
    assert runner.recover_stalled() == []
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_a_job_with_a_recent_heartbeat_is_left_alone(world):
    job = stalled(world)
    job.heartbeat_at = timezone.now()
    job.save()
    assert runner.recover_stalled() == []
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_a_queued_job_whose_task_was_taken_by_a_dead_worker_gets_a_new_task(world):
    from django_tasks_db.compat import TaskResultStatus

    from jusoor.jobs.services import enqueue
    from jusoor.jobs.tests.test_services import count_rows  # noqa: F401  (registers tests.count)

    job = enqueue(
        "tests.count", {"rows": 1}, user=world.users["shams_admin"], organisation=world.shams
    )
    DBTaskResult.objects.filter(pk=job.task_id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=10)
    )
    assert runner.recover_stalled() == [job.pk]
    job.refresh_from_db()
    assert DBTaskResult.objects.ready().filter(pk=job.task_id).exists()
    assert job.status == JobStatus.QUEUED
