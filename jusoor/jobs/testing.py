"""Run queued jobs inside the test's own process and transaction."""

from __future__ import annotations

from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.models import DBTaskResult

from jusoor.jobs import runner
from jusoor.jobs.models import Job


def run_queued_jobs() -> list[Job]:
    """Run every queued job to its end, as the worker would; returns them, refreshed."""
    ran: list[int] = []
    token = runner.inline.set(True)
    try:
        while True:
            task = (
                DBTaskResult.objects.ready()
                .filter(backend_name=DEFAULT_TASK_BACKEND_ALIAS)
                .order_by("enqueued_at")
                .first()
            )
            if task is None:
                break
            task.claim(runner.WORKER_LABEL[:64])
            job_id = task.task_result.args[0]
            runner.execute(job_id)
            task.set_successful(None)
            ran.append(job_id)
    finally:
        runner.inline.reset(token)
    return list(Job.objects.filter(pk__in=ran).order_by("pk"))
