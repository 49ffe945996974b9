"""``python manage.py worker``: run background jobs, and restart those whose worker died."""

from __future__ import annotations

import logging
import os
import socket
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.db.utils import OperationalError
from django.utils.crypto import get_random_string
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from jusoor.core.models import seal_pending
from jusoor.jobs import runner

logger = logging.getLogger("jusoor.jobs")


class Worker(DatabaseWorker):
    """django-tasks-db's worker loop, with a look for stalled jobs every ``recover_every``; at
    the same moments it seals audit events a busy moment left waiting for their seal."""

    def __init__(self, *, recover_every: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.recover_every = recover_every
        self._last_recovery = 0.0

    def recover(self) -> None:
        if time.monotonic() - self._last_recovery < self.recover_every:
            return
        self._last_recovery = time.monotonic()
        try:
            runner.recover_stalled()
            seal_pending()
        except OperationalError as exc:
            if not is_locked_database_exception(exc):
                raise

    def run(self) -> None:
        logger.info("Worker %s started", self.worker_id)
        while self.running:
            close_old_connections()
            self.recover()
            tasks = DBTaskResult.objects.ready().filter(
                backend_name=self.backend_name, queue_name__in=self.queue_names
            )
            task_result = None
            try:
                with exclusive_transaction(tasks.db):
                    task_result = tasks.get_locked()
                    if task_result is not None:
                        task_result.claim(self.worker_id)
            except OperationalError as exc:
                if not is_locked_database_exception(exc):
                    raise
            if task_result is not None:
                self.run_task(task_result)
            elif self.batch:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            close_old_connections()
            if self.running and task_result is None:
                time.sleep(self.interval)


class Command(BaseCommand):
    help = "Run background jobs (exports, imports) and restart those whose worker died."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument(
            "--batch", action="store_true", help="run what is queued now, then exit"
        )
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument(
            "--recover-every",
            type=float,
            default=10.0,
            help="seconds between looks for jobs whose worker died",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("jusoor.jobs", "django_tasks_db"):
            log = logging.getLogger(name)
            log.setLevel(logging.INFO)
            if not log.handlers:
                log.addHandler(logging.StreamHandler(self.stdout))
                log.propagate = False
        token = get_random_string(8)
        runner.WORKER_LABEL = f"{socket.gethostname()}:{os.getpid()}:{token}"
        worker = Worker(
            queue_names=[DEFAULT_TASK_QUEUE_NAME],
            interval=options["interval"],
            batch=options["batch"],
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=options["max_tasks"],
            worker_id=runner.WORKER_LABEL[:64],
            excluded_queue_names=[],
            recover_every=options["recover_every"],
        )
        worker.configure_signals()
        worker.run()
