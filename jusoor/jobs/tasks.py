"""The one django-tasks task: run a Job by its id (the queue lives in the database)."""

from __future__ import annotations

from django_tasks import task

from jusoor.jobs import runner


@task()
def run_job(job_id: int) -> None:
    runner.execute(job_id)
