"""enqueue, handlers, result files and the in-process runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop
from django_tasks_db.models import DBTaskResult

from jusoor.accounts.roles import Can
from jusoor.jobs.models import Job, JobStatus
from jusoor.jobs.services import JobError, enqueue, handler, result_file
from jusoor.jobs.testing import run_queued_jobs

seen: list[tuple[int, int, str]] = []


@handler("tests.count", capability=Can.MANAGE_FORMS)
def count_rows(job: Job, progress: Callable[[int, int, str], None]) -> None:
    total = job.params["rows"]
    with result_file(job, "numbers.txt", "text/plain") as path:
        with open(path, "w") as handle:
            for n in range(1, total + 1):
                handle.write(f"{n}\n")
                progress(n, total, gettext_noop("Writing rows"))
        if job.params.get("fail") == "person":
            raise JobError("The form was closed.")
        if job.params.get("fail") == "bug":
            raise RuntimeError("a bug")
    job.result_data = {"rows": total}


def test_enqueue_records_a_queued_job_and_its_task(world):
    with translation.override("en"):
        job = enqueue(
            "tests.count",
            {"rows": 3},
            user=world.users["shams_me_officer"],
            organisation=world.shams,
            project=world.project,
        )
    assert job.status == JobStatus.QUEUED and job.language == "en"
    task = DBTaskResult.objects.get(pk=job.task_id)
    assert task.task_path == "jusoor.jobs.tasks.run_job"
    assert task.args_kwargs["args"] == [job.pk]


def test_an_unknown_kind_is_refused(world):
    with pytest.raises(LookupError):
        enqueue("tests.nothing", {}, user=world.users["shams_admin"], organisation=world.shams)
    assert not Job.objects.exists()


def test_a_job_runs_to_the_end_with_its_file_and_result(world):
    enqueue(
        "tests.count",
        {"rows": 5},
        user=world.users["shams_me_officer"],
        organisation=world.shams,
        project=world.project,
    )
    (job,) = run_queued_jobs()
    assert job.status == JobStatus.DONE and job.attempts == 1
    assert (job.progress_done, job.progress_total, job.percent) == (5, 5, 100)
    assert job.result_data == {"rows": 5}
    assert job.result_name == "numbers.txt"
    assert job.result_file.read().decode().split() == ["1", "2", "3", "4", "5"]
    folder = Path(settings.MEDIA_ROOT) / "jobs" / str(job.pk)
    assert [p.name for p in folder.iterdir()] == ["numbers.txt"]  # no partial file left
    assert job.started_at and job.finished_at and job.heartbeat_at
    assert not DBTaskResult.objects.ready().exists()


def test_a_failure_for_people_is_shown_as_it_is_and_leaves_no_file(world):
    enqueue(
        "tests.count",
        {"rows": 3, "fail": "person"},
        user=world.users["shams_me_officer"],
        organisation=world.shams,
    )
    (job,) = run_queued_jobs()
    assert job.status == JobStatus.FAILED and job.error == "The form was closed."
    assert not job.result_file
    assert not (Path(settings.MEDIA_ROOT) / "jobs" / str(job.pk)).exists()


def test_a_bug_fails_the_job_with_a_general_message_in_the_starters_language(world):
    with translation.override("en"):
        enqueue(
            "tests.count",
            {"rows": 3, "fail": "bug"},
            user=world.users["shams_me_officer"],
            organisation=world.shams,
        )
    (job,) = run_queued_jobs()
    assert job.status == JobStatus.FAILED
    assert job.error == "Something went wrong while doing this; nothing was saved."
    assert "RuntimeError" not in job.error


def test_a_cancelled_job_is_not_run(world):
    job = enqueue(
        "tests.count", {"rows": 3}, user=world.users["shams_admin"], organisation=world.shams
    )
    Job.objects.filter(pk=job.pk).update(status=JobStatus.CANCELLED)
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.attempts == 0 and not job.result_file
