"""The analysis of a large form as a background job, with its progress.

The page queues it when a form has more than ``ANALYSIS_JOB_THRESHOLD`` submissions (50,000 by
default); the result is kept in the job as a JSON snapshot (``AnalysisResult.to_dict()``) and the
page shows it when the job is done. A viewer's job holds only the released figures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_noop

from jusoor.accounts.roles import Can
from jusoor.jobs.models import Job
from jusoor.jobs.services import JobError, handler
from jusoor.surveys.analysis.core import run_analysis
from jusoor.surveys.analysis.errors import AnalysisError
from jusoor.surveys.analysis.methods import methods_summary
from jusoor.surveys.models import Form

KIND = "surveys.analysis"


def job_threshold() -> int:
    return int(getattr(settings, "ANALYSIS_JOB_THRESHOLD", 50_000))


def _capability(job: Job) -> Can:
    return Can.VIEW if job.params.get("released") else Can.MANAGE_FORMS


@handler(KIND, capability=_capability)
def run(job: Job, progress: Callable[[int, int, str], None]) -> None:
    params: dict[str, Any] = job.params
    form = Form.objects.select_related("project").get(pk=params["form"])
    total = len(params["questions"]) + 2
    progress(0, total, gettext_noop("Reading the submissions"))

    def step(done: int, _total: int) -> None:
        progress(done + 1, total, gettext_noop("Estimating"))

    try:
        result = run_analysis(
            form,
            params["questions"],
            params["breakdowns"],
            params["weighted"],
            language=job.language or settings.LANGUAGE_CODE,
            stratify=params.get("stratify", False),
            lonely_psu=params.get("lonely_psu", "fail"),
            progress=step,
        )
        methods = methods_summary(
            form,
            params["weighted"],
            language=job.language or settings.LANGUAGE_CODE,
            stratify=params.get("stratify", False),
        )
    except AnalysisError as exc:
        raise JobError(f"{exc.message} {exc.advice}".strip()) from exc
    if params.get("released"):
        result = result.released()
    job.result_data = {"analysis": result.to_dict(), "methods": methods}
    progress(total, total, gettext_noop("Done"))
