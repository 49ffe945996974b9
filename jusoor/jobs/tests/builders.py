"""Small builders for jobs in tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from jusoor.jobs.models import Job, JobStatus


def make_job(w: Any, **overrides: Any) -> Job:
    fields: dict[str, Any] = {
        "kind": "surveys.export",
        "params": {"form": 0, "format": "csv"},
        "owner": w.users["shams_me_officer"],
        "organisation": w.shams,
        "project": w.project,
        "language": "en",
    }
    fields.update(overrides)
    return Job.objects.create(**fields)


def finished_job(
    w: Any, content: bytes = b"a,b\r\n1,2\r\n", folder: str = "", **overrides: Any
) -> Job:
    """A done job whose result file is on disk under MEDIA_ROOT (in ``jobs/<folder or id>/``)."""
    job = make_job(w, status=JobStatus.DONE, finished_at=timezone.now(), **overrides)
    name = f"jobs/{folder or job.pk}/survey.csv"
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    job.result_file.name = name
    job.result_name = "survey.csv"
    job.result_content_type = "text/csv; charset=utf-8"
    job.progress_done = job.progress_total = 2
    job.save()
    return job


def table_job(w: Any) -> Job:
    # The role table runs with the real MEDIA_ROOT: one small file, rewritten each time.
    return finished_job(w, folder="role-table")
