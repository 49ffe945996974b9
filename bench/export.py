"""Benchmark of survey exports and imports at scale, through the real background worker.

The issue: 100,000 submissions of the demo survey exported to XLSX and imported back, each in
under a minute, with flat memory; CSV faster than XLSX.

A throwaway instance (temporary data directory and SQLite file) gets the demo questionnaire with
``--rows`` synthetic submissions (bulk-inserted) and an empty copy of the same form in another
project. Then, each step in a child process whose peak memory (``ru_maxrss`` from ``wait4``) is
that step's own:

1. XLSX export: a job run by ``manage.py worker --batch`` (openpyxl write-only, rows streamed
   from the database with ``.iterator(chunk_size=...)``);
2. XLSX import of that file into the empty copy, as the pages do it: the upload (which only
   opens the file and reads its headers), the check job that reads every row for the preview,
   and the write job (one transaction); the copy must then hold every row, with the same answers;
3. the same file imported again: it must add nothing;
4. CSV export: a job, as 1.

Times are the jobs' own (started to finished, from their rows) plus, for the import, the upload.
Memory is flat when a worker's peak is the idle worker's plus a constant that does not grow with
the rows (compare ``--rows 20000`` with the default): exports and imports are both streamed.

    .venv/bin/python bench/export.py
    .venv/bin/python bench/export.py --rows 10000      # make bench-export BENCH_ARGS="--rows 10000"
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
PYTHON = Path(sys.executable)
PII_KEY = "dGVzdC1rZXktMzItYnl0ZXMtbG9uZy0xMjM0NTY3ODk="  # throwaway instance only
EXPORT_BAR_S = 60.0
IMPORT_BAR_S = 60.0
FLAT_BAR_MB = 150.0  # what an export may add to the idle worker, whatever the rows

SETUP = """
import json, time
from jusoor.accounts.roles import Role
from jusoor.conftest import make_organisation, make_project, make_user
from jusoor.jobs.tests.bulk import add_submissions, demo_form

shams = make_organisation("shams")
make_user("officer", shams, Role.ME_OFFICER, language="en")
source = demo_form(make_project(shams, slug="source"))
started = time.perf_counter()
add_submissions(source, %(rows)d)
seconds = time.perf_counter() - started
copy = demo_form(make_project(shams, slug="copy"))
print("STEP " + json.dumps({"source": source.pk, "copy": copy.pk, "seconds": seconds}))
"""

ENQUEUE = """
import json
from jusoor.accounts.models import User
from jusoor.jobs.services import enqueue
from jusoor.surveys.models import Form

form = Form.objects.select_related("project").get(pk=%(form)d)
job = enqueue(%(kind)r, %(params)s, user=User.objects.get(username="officer"),
              organisation=form.project.owner_id, project=form.project)
print("STEP " + json.dumps({"job": job.pk}))
"""

UPLOAD = """
import json, time
from pathlib import Path
from django.conf import settings
from jusoor.accounts.models import User
from jusoor.jobs.models import Job
from jusoor.surveys import services
from jusoor.surveys.models import Form

content = Path(settings.MEDIA_ROOT, Job.objects.get(pk=%(job)d).result_file.name).read_bytes()
started = time.perf_counter()
batch, check = services.receive_import(User.objects.get(username="officer"),
                                       Form.objects.get(pk=%(form)d), content, "export.xlsx")
seconds = time.perf_counter() - started
print("STEP " + json.dumps({"batch": batch.pk, "check": check.pk, "seconds": seconds}))
"""

COMPARE = """
import json
from jusoor.surveys.models import Submission
source = dict(Submission.objects.filter(form_id=%(source)d).values_list("instance_id", "answers"))
copy = dict(Submission.objects.filter(form_id=%(copy)d).values_list("instance_id", "answers"))
different = [key for key, answers in source.items() if copy.get(key) != answers]
print("STEP " + json.dumps({"source": len(source), "copy": len(copy), "different": len(different),
                            "example": different[:1]}))
"""


def run(env: dict[str, str], *args: str) -> tuple[dict, float, float]:
    """A child ``manage.py`` process: (its STEP line, seconds, peak resident MB)."""
    started = time.perf_counter()
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115  (closed below)
    child = subprocess.Popen(
        [str(PYTHON), "manage.py", *args], cwd=REPOSITORY, env=env, stdout=log, stderr=log
    )
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    log.seek(0)
    output = log.read()
    log.close()
    if child.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{output[-3000:]}")
    step = {}
    for line in output.splitlines():
        if line.startswith("STEP "):
            step = json.loads(line[5:])
    return step, seconds, usage.ru_maxrss / 1024  # Linux gives kilobytes


def shell(env: dict[str, str], code: str) -> tuple[dict, float, float]:
    return run(env, "shell", "-v", "0", "-c", code)


def job_row(database: Path, pk: int) -> dict:
    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT status, error, result_file, result_data, "
            "(julianday(finished_at) - julianday(started_at)) * 86400 FROM jobs_job WHERE id = ?",
            (pk,),
        ).fetchone()
    status, error, result_file, data, seconds = row
    return {
        "status": status,
        "error": error,
        "file": result_file,
        "data": json.loads(data),
        "seconds": seconds,
    }


def run_queued(env: dict[str, str], database: Path, pk: int, kind: str) -> dict:
    _, wall, peak = run(env, "worker", "--batch", "--interval", "0")
    job = job_row(database, pk)
    if job["status"] != "done":
        raise RuntimeError(f"{kind} job ended {job['status']}: {job['error']}")
    job.update(job=pk, wall=wall, peak_mb=peak)
    return job


def run_job(env: dict[str, str], database: Path, form: int, kind: str, params: dict) -> dict:
    queued, _, _ = shell(env, ENQUEUE % {"form": form, "kind": kind, "params": repr(params)})
    return run_queued(env, database, queued["job"], kind)


def preview_of(database: Path, batch: int) -> dict:
    with sqlite3.connect(database) as connection:
        (preview,) = connection.execute(
            "SELECT preview FROM surveys_koboimport WHERE id = ?", (batch,)
        ).fetchone()
    return {k: json.loads(preview)[k] for k in ("rows", "new", "existing", "problem_count")}


def upload_and_check(env: dict[str, str], database: Path, job: int, form: int) -> dict:
    """The upload page, then the check job: (batch, preview, seconds, peak MB of each)."""
    uploaded, _, upload_mb = shell(env, UPLOAD % {"job": job, "form": form})
    check = run_queued(env, database, uploaded["check"], "surveys.import_check")
    return {
        "batch": uploaded["batch"],
        "preview": preview_of(database, uploaded["batch"]),
        "upload_s": uploaded["seconds"],
        "check_s": check["seconds"],
        "upload_mb": upload_mb,
        "check_mb": check["peak_mb"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the throwaway instance")
    args = parser.parse_args(argv)

    data_dir = Path(tempfile.mkdtemp(prefix="jusoor-bench-export-"))
    database = data_dir / "jusoor.sqlite3"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT"}
    }
    env.update(
        JUSOOR_DATA_DIR=str(data_dir),
        MEDIA_ROOT=str(data_dir / "media"),
        JUSOOR_PII_KEY=PII_KEY,
        JOBS_HEARTBEAT_SECONDS="2",
        # As in production: with DEBUG on, Django keeps the text of every query a process makes,
        # and an import's INSERTs (500 submissions each) would be measured as the import's memory.
        DEBUG="0",
    )
    failures: list[str] = []
    try:
        print(f"throwaway SQLite instance in {data_dir}", flush=True)
        run(env, "migrate", "--no-input", "-v", "0")
        setup, _, _ = shell(env, SETUP % {"rows": args.rows})
        print(f"generated {args.rows} submissions in {setup['seconds']:.1f} s", flush=True)
        _, _, idle_mb = run(env, "worker", "--batch", "--interval", "0")
        print(f"idle worker: {idle_mb:.0f} MB", flush=True)

        export_params = {
            "form": setup["source"],
            "language": "",
            "include_personal": False,
            "hxl": False,
        }
        xlsx = run_job(
            env, database, setup["source"], "surveys.export", {**export_params, "format": "xlsx"}
        )
        print(
            f"xlsx export: {xlsx['seconds']:.1f} s, {xlsx['data']['rows']} rows, "
            f"{(data_dir / 'media' / xlsx['file']).stat().st_size / 1e6:.1f} MB file, "
            f"worker peak {xlsx['peak_mb']:.0f} MB",
            flush=True,
        )
        if xlsx["data"]["rows"] != args.rows:
            failures.append("the XLSX export lost rows")

        preview = upload_and_check(env, database, xlsx["job"], setup["copy"])
        if preview["preview"]["problem_count"] or preview["preview"]["new"] != args.rows:
            failures.append(f"the import preview is wrong: {preview['preview']}")
        written = run_job(
            env, database, setup["copy"], "surveys.import", {"batch": preview["batch"]}
        )
        import_s = preview["upload_s"] + preview["check_s"] + written["seconds"]
        import_mb = max(preview["upload_mb"], preview["check_mb"], written["peak_mb"])
        print(
            f"xlsx import: {import_s:.1f} s (upload {preview['upload_s']:.1f} s, "
            f"check {preview['check_s']:.1f} s, write {written['seconds']:.1f} s), "
            f"added {written['data']['added']}, peak {preview['upload_mb']:.0f} MB upload / "
            f"{preview['check_mb']:.0f} MB check / {written['peak_mb']:.0f} MB write",
            flush=True,
        )
        compared, _, _ = shell(env, COMPARE % setup)
        if compared["copy"] != args.rows or compared["different"]:
            failures.append(f"the imported copy differs from the source: {compared}")

        again = upload_and_check(env, database, xlsx["job"], setup["copy"])
        rewritten = run_job(
            env, database, setup["copy"], "surveys.import", {"batch": again["batch"]}
        )
        print(
            f"re-import: preview says {again['preview']['new']} new, "
            f"added {rewritten['data']['added']}",
            flush=True,
        )
        if again["preview"]["new"] or rewritten["data"]["added"]:
            failures.append("importing the same file again added rows")

        csv = run_job(
            env, database, setup["source"], "surveys.export", {**export_params, "format": "csv"}
        )
        print(
            f"csv export: {csv['seconds']:.1f} s, {csv['data']['rows']} rows, "
            f"worker peak {csv['peak_mb']:.0f} MB",
            flush=True,
        )
        with open(data_dir / "media" / csv["file"], encoding="utf-8-sig") as handle:
            lines = sum(1 for _ in handle)
        if lines != args.rows + 1:
            failures.append(f"the CSV has {lines} lines for {args.rows} rows")

        export_growth = max(xlsx["peak_mb"], csv["peak_mb"]) - idle_mb
        print(
            f"memory: idle worker {idle_mb:.0f} MB; exports add {export_growth:.0f} MB; "
            f"import adds {import_mb - idle_mb:.0f} MB",
            flush=True,
        )
        bars = {
            f"xlsx export < {EXPORT_BAR_S:.0f} s": xlsx["seconds"] < EXPORT_BAR_S,
            f"xlsx import < {IMPORT_BAR_S:.0f} s": import_s < IMPORT_BAR_S,
            "csv faster than xlsx": csv["seconds"] < xlsx["seconds"],
            f"exports add < {FLAT_BAR_MB:.0f} MB": export_growth < FLAT_BAR_MB,
            f"import adds < {FLAT_BAR_MB:.0f} MB": import_mb - idle_mb < FLAT_BAR_MB,
        }
        for bar, met in bars.items():
            print(f"  {'met ' if met else 'MISSED'} {bar}")
        peak = max(xlsx["peak_mb"], csv["peak_mb"], import_mb)
        print(
            f"BENCH export rows={args.rows} xlsx_export_s={xlsx['seconds']:.1f} "
            f"xlsx_import_s={import_s:.1f} csv_export_s={csv['seconds']:.1f} peak_mb={peak:.0f}"
        )
    finally:
        if args.keep:
            print(f"kept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
