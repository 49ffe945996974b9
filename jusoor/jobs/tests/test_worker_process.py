"""The real worker, killed mid-export and mid-import, restarted: each job ends exactly once, whole.

A throwaway instance (its own data directory and SQLite file, or its own PostgreSQL database when
DATABASE_URL is set) is driven from outside, as an operator's machine would be: `manage.py worker`
runs in a child process and gets SIGKILL while it writes; a second worker must notice the dead one,
start the job again from scratch and finish it, leaving no partial file and no partial import.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPOSITORY = Path(__file__).resolve().parents[3]
ROWS = 4000
TEST_PII_KEY = "dGVzdC1rZXktMzItYnl0ZXMtbG9uZy0xMjM0NTY3ODk="

SETUP = """
import json
from jusoor.accounts.roles import Role
from jusoor.conftest import make_organisation, make_project, make_user
from jusoor.jobs.services import enqueue
from jusoor.jobs.tests.bulk import add_submissions, demo_form

shams = make_organisation("shams")
officer = make_user("officer", shams, Role.ME_OFFICER, language="en")
source = demo_form(make_project(shams, slug="source"))
add_submissions(source, %(rows)d)
copy = demo_form(make_project(shams, slug="copy"))
job = enqueue(
    "surveys.export",
    {"form": source.pk, "format": "xlsx", "language": "", "include_personal": False, "hxl": False},
    user=officer, organisation=shams, project=source.project,
)
print("SETUP " + json.dumps({"job": job.pk, "source": source.pk, "copy": copy.pk}))
"""

START_IMPORT = """
import json
from pathlib import Path
from django.conf import settings
from jusoor.accounts.models import User
from jusoor.jobs.models import Job
from jusoor.jobs.services import enqueue
from jusoor.surveys import services
from jusoor.surveys.models import Form

officer = User.objects.get(username="officer")
exported = Job.objects.get(pk=%(job)d)
copy = Form.objects.get(pk=%(copy)d)
content = Path(settings.MEDIA_ROOT, exported.result_file.name).read_bytes()
batch = services.start_import(officer, copy, content, "export.xlsx")
assert batch.preview["problem_count"] == 0, batch.preview["problems"][:3]
job = enqueue("surveys.import", {"batch": batch.pk}, user=officer,
              organisation=copy.project.owner, project=copy.project)
print("SETUP " + json.dumps({"job": job.pk, "batch": batch.pk, "new": batch.preview["new"]}))
"""


class Instance:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.media = tmp / "media"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "MEDIA_ROOT"}
        }
        self.env.update(
            JUSOOR_DATA_DIR=str(tmp),
            MEDIA_ROOT=str(self.media),
            JUSOOR_PII_KEY=TEST_PII_KEY,
            JOBS_HEARTBEAT_SECONDS="0.2",
            JOBS_STALL_SECONDS="1",
        )
        self.server_url = os.environ.get("DATABASE_URL", "")
        self.database = ""
        if self.server_url:
            self.database = f"jusoor_jobs_kill_{os.getpid()}"
            parts = urllib.parse.urlsplit(self.server_url)
            self.env["DATABASE_URL"] = urllib.parse.urlunsplit(
                parts._replace(path="/" + self.database)
            )
            self._admin(f'CREATE DATABASE "{self.database}"')
        self.workers: list[subprocess.Popen] = []
        self.started = 0

    def _admin(self, sql: str) -> None:
        import psycopg

        parts = urllib.parse.urlsplit(self.server_url)
        with psycopg.connect(
            urllib.parse.urlunsplit(parts._replace(path="/postgres")), autocommit=True
        ) as connection:
            connection.execute(sql)

    def close(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        if self.database:
            self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def manage(self, *args: str, marker: str | None = None) -> Any:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPOSITORY,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        if marker:
            line = next(x for x in done.stdout.splitlines() if x.startswith(marker + " "))
            return json.loads(line[len(marker) + 1 :])
        return None

    def start_worker(self) -> subprocess.Popen:
        self.started += 1
        log = open(self.tmp / f"worker-{self.started}.log", "w")  # noqa: SIM115
        worker = subprocess.Popen(
            [
                sys.executable,
                "-u",
                "manage.py",
                "worker",
                "--interval",
                "0.2",
                "--recover-every",
                "0.3",
            ],
            cwd=REPOSITORY,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.workers.append(worker)
        return worker

    def query(self, sql: str, *params: Any) -> list[tuple]:
        if self.database:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"], autocommit=True) as connection:
                return connection.execute(sql.replace("?", "%s"), params).fetchall()
        connection = sqlite3.connect(self.tmp / "jusoor.sqlite3", timeout=20)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def sqlite_write_locked(self) -> bool:
        connection = sqlite3.connect(self.tmp / "jusoor.sqlite3", timeout=0)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.rollback()
            return False
        except sqlite3.OperationalError as exc:
            return "locked" in str(exc)
        finally:
            connection.close()

    def job(self, pk: int) -> dict[str, Any]:
        columns = ["status", "progress_done", "progress_total", "message", "attempts", "error"]
        row = self.query(f"SELECT {', '.join(columns)} FROM jobs_job WHERE id = ?", pk)[0]
        return dict(zip(columns, row, strict=True))

    def wait(self, what: str, condition: Callable[[], bool], timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            for worker in self.workers:
                assert worker.poll() in (None, -signal.SIGKILL), f"a worker stopped: {what}"
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")

    def kill(self, worker: subprocess.Popen) -> None:
        worker.send_signal(signal.SIGKILL)
        worker.wait()

    def stop_all(self) -> None:
        """The operator's stop: SIGTERM, and the worker exits between jobs."""
        for worker in self.workers:
            if worker.poll() is None:
                worker.terminate()
                assert worker.wait(timeout=60) == 0
        self.workers = []

    def files_of(self, pk: int) -> list[str]:
        folder = self.media / "jobs" / str(pk)
        return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def instance(tmp_path) -> Iterator[Instance]:
    made = Instance(tmp_path)
    try:
        made.manage("migrate", "--no-input", "-v", "0")
        yield made
    finally:
        made.close()


def test_a_killed_worker_leaves_no_half_export_or_import_and_the_job_ends_once(instance):
    setup = instance.manage("shell", "-v", "0", "-c", SETUP % {"rows": ROWS}, marker="SETUP")
    export = setup["job"]

    # --- export: killed while the workbook is being written -----------------------------------
    worker = instance.start_worker()
    instance.wait(
        "the export to be under way",
        lambda: (
            instance.job(export)["status"] == "running"
            and 0 < instance.job(export)["progress_done"] < ROWS
        ),
    )
    instance.kill(worker)
    state = instance.job(export)
    assert state["status"] == "running" and state["attempts"] == 1
    assert "survey.xlsx" not in " ".join(instance.files_of(export))  # only a partial, hidden

    instance.start_worker()
    instance.wait("the export to finish", lambda: instance.job(export)["status"] != "running")
    instance.wait("the export to finish", lambda: instance.job(export)["status"] == "done")
    state = instance.job(export)
    assert state["attempts"] == 2 and state["progress_done"] == ROWS, state
    assert instance.files_of(export) == ["anbar_pve_survey_2023.xlsx"]
    path = instance.media / "jobs" / str(export) / "anbar_pve_survey_2023.xlsx"
    assert zipfile.ZipFile(path).testzip() is None  # a whole workbook
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    assert sum(1 for _ in workbook["data"].iter_rows()) == ROWS + 1  # header and every row
    workbook.close()
    tasks = instance.query(
        "SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult GROUP BY status ORDER BY status"
    )
    assert tasks == [("FAILED", 1), ("SUCCESSFUL", 1)]  # the killed run, and the one that ran

    instance.stop_all()

    # --- import of that file into an empty copy of the form: killed inside its transaction ------
    started = instance.manage(
        "shell",
        "-v",
        "0",
        "-c",
        START_IMPORT % {"job": export, "copy": setup["copy"]},
        marker="SETUP",
    )
    imported = started["job"]
    assert started["new"] == ROWS
    worker = instance.start_worker()
    if instance.database:
        instance.wait(
            "the import to be writing",
            lambda: (
                instance.job(imported)["progress_done"] > 0
                and instance.job(imported)["message"] == "Saving submissions"
            ),
        )
    else:
        locked = [0]

        def writing() -> bool:
            running = instance.job(imported)["status"] == "running"
            locked[0] = locked[0] + 1 if running and instance.sqlite_write_locked() else 0
            return locked[0] >= 3  # held across several looks: the import's transaction

        instance.wait("the import to be writing", writing)
    instance.kill(worker)

    def submissions() -> int:
        return instance.query(
            "SELECT COUNT(*) FROM surveys_submission WHERE form_id = ?", setup["copy"]
        )[0][0]

    assert submissions() == 0  # rolled back: nothing half-imported
    assert instance.query(
        "SELECT status FROM surveys_koboimport WHERE id = ?", started["batch"]
    ) == [("preview",)]

    instance.start_worker()
    instance.wait("the import to finish", lambda: instance.job(imported)["status"] == "done")
    assert instance.job(imported)["attempts"] == 2
    assert submissions() == ROWS
    assert instance.query(
        "SELECT COUNT(*) FROM core_auditevent WHERE action = 'survey.import'"
    ) == [(1,)]
    assert instance.query(
        "SELECT status, imported_count FROM surveys_koboimport WHERE id = ?", started["batch"]
    ) == [("done", ROWS)]
