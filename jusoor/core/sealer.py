"""Who seals audit events after their commit, on PostgreSQL (see ``models.seal_pending``).

By default the committing request seals at once. The web server instead hands this to one
thread per process (``run_in_background``, called by ``jusoor.wsgi``): a commit wakes it, it waits
``DELAY`` seconds for other commits to join, then seals them all in one transaction on its own
connection. Under load each process then runs a few seal transactions a second instead of one per
request, and a request's answer waits for none of them. An event is sealed within about ``DELAY``
of its commit; one left behind by a process stopped meanwhile is sealed by the next sealer, the
worker's periodic pass, or the chain check.
"""

from __future__ import annotations

import logging
import os
import threading

from django.db import connection

logger = logging.getLogger(__name__)

DELAY = 0.2


class _BackgroundSealer:
    def __init__(self) -> None:
        self.enabled = False
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._start = threading.Lock()

    def poke(self) -> None:
        # The server forks its workers after loading the application: a thread started in the
        # parent does not exist in the child, so each process starts its own on first use.
        if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
            with self._start:
                if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
                    self._wake = threading.Event()
                    self._thread = threading.Thread(
                        target=self._run, name="audit-sealer", daemon=True
                    )
                    self._pid = os.getpid()
                    self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        from jusoor.core.models import seal_pending

        wake = self._wake
        try:
            while self.enabled:
                wake.wait()
                # Commits arriving meanwhile are sealed in this same round.
                threading.Event().wait(DELAY)
                wake.clear()
                try:
                    seal_pending()
                except Exception:  # noqa: BLE001  (the next round, the worker or a check seals)
                    logger.exception("audit events could not be sealed; they wait for the next")
                    connection.close()
        finally:
            connection.close()

    def stop(self) -> None:
        """Seal what is waiting, end the thread and close its connection."""
        self.enabled = False
        thread = self._thread
        if thread is not None and thread.is_alive() and self._pid == os.getpid():
            self._wake.set()
            thread.join(timeout=30)
        self._thread = None


_sealer = _BackgroundSealer()


def run_in_background() -> None:
    """Seal in one thread per process from now on (the web server)."""
    _sealer.enabled = True


def stop_background() -> None:
    """Back to sealing in the committing process (the thread seals what waits, then ends)."""
    _sealer.stop()


def after_commit() -> None:
    """Called once a transaction that wrote audit events has committed."""
    if _sealer.enabled:
        _sealer.poke()
        return
    from jusoor.core.models import seal_pending

    seal_pending()
