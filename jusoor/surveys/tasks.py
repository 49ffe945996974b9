"""Survey work done by the background worker: exports, and both steps of imports (checking the
file for its preview, then writing it)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jusoor.accounts.roles import Can
from jusoor.jobs.models import Job
from jusoor.jobs.services import JobError, handler, result_file
from jusoor.surveys import exports, services
from jusoor.surveys.models import Form, KoboImport

EXPORT = "surveys.export"
IMPORT = "surveys.import"
CHECK_IMPORT = "surveys.import_check"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
    "zip": "application/zip",
}


def export_capabilities(job: Job) -> frozenset[Can]:
    if job.params.get("include_personal"):
        return frozenset({Can.MANAGE_FORMS, Can.VIEW_PERSONAL_DATA})
    return frozenset({Can.MANAGE_FORMS})


def export_options(params: dict) -> exports.Options:
    return exports.Options(
        language=params.get("language") or None,
        include_personal=bool(params.get("include_personal")),
        hxl=bool(params.get("hxl")),
    )


@handler(EXPORT, capability=export_capabilities)
def export_submissions(job: Job, progress: Callable[[int, int, str], None]) -> None:
    """Params: form (pk), format (csv, xlsx, sav), language, include_personal, hxl."""
    form = Form.objects.select_related("project").filter(pk=job.params["form"]).first()
    if form is None:
        raise JobError(_("The form no longer exists."))
    options = export_options(job.params)
    fmt = job.params["format"]
    has_repeats = len(exports.build_tables(form, options)) > 1
    total = exports.count_for_export(form)
    message = gettext_noop("Writing submissions")
    progress(0, total, message)

    def rows_done(done: int) -> None:
        progress(done, total, message)

    if fmt == "csv":
        extension, write = ("zip", exports.csv_zip) if has_repeats else ("csv", exports.write_csv)
    elif fmt == "xlsx":
        extension, write = "xlsx", exports.write_xlsx
    elif fmt == "sav":
        extension, write = ("zip" if has_repeats else "sav"), exports.write_sav
    else:
        raise JobError(_("Unknown export format."))
    with result_file(job, f"{form.form_id}.{extension}", CONTENT_TYPES[extension]) as path:
        rows = write(form, options, path, rows_done)
    job.result_data = {"rows": rows, "form": form.pk}


@handler(CHECK_IMPORT, capability=Can.MANAGE_FORMS)
def check_import(job: Job, progress: Callable[[int, int, str], None]) -> None:
    """Params: batch (pk of an uploaded KoboImport). Reads and checks every row; fills the
    preview. Writes no submission."""
    batch = KoboImport.objects.select_related("form__project").filter(pk=job.params["batch"])
    batch = batch.first()
    if batch is None:
        raise JobError(_("The imported file no longer exists."))
    message = gettext_noop("Checking the file")
    progress(0, 0, message)
    services.check_import(batch, progress=lambda done, total: progress(done, total, message))
    job.result_data = {
        "form": batch.form_id,
        "rows": batch.preview.get("rows", 0),
        "problems": batch.preview.get("problem_count", 0),
    }


@handler(IMPORT, capability=Can.MANAGE_FORMS)
def import_submissions(job: Job, progress: Callable[[int, int, str], None]) -> None:
    """Params: batch (pk of a previewed KoboImport). All rows in one transaction, or none."""
    batch = KoboImport.objects.select_related("form__project").filter(pk=job.params["batch"])
    batch = batch.first()
    if batch is None:
        raise JobError(_("The imported file no longer exists."))
    progress(0, batch.preview.get("rows", 0), gettext_noop("Saving submissions"))
    added = services.commit_import(
        job.owner,
        batch,
        progress=lambda done, total: progress(done, total, gettext_noop("Saving submissions")),
    )
    job.result_data = {"added": added, "form": batch.form_id}
