"""The SQLite write queue: a second writer waits for the first one's commit, then goes."""

from __future__ import annotations

import threading
import time

from jusoor.core import writelock


def test_a_second_writer_waits_until_the_first_is_done(monkeypatch, tmp_path):
    monkeypatch.setattr(writelock, "_lock_path", lambda using: str(tmp_path / "db.write-lock"))
    order: list[str] = []
    first_inside = threading.Event()

    def first() -> None:
        with writelock.serial_writes():
            order.append("first in")
            first_inside.set()
            time.sleep(0.3)
            order.append("first out")

    def second() -> None:
        first_inside.wait()
        with writelock.serial_writes():
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert order == ["first in", "first out", "second in"]


def test_nested_use_in_one_thread_does_not_wait_for_itself(monkeypatch, tmp_path):
    monkeypatch.setattr(writelock, "_lock_path", lambda using: str(tmp_path / "db.write-lock"))
    entered = threading.Event()

    def nested() -> None:
        with writelock.serial_writes(), writelock.serial_writes():
            entered.set()

    thread = threading.Thread(target=nested, daemon=True)
    thread.start()
    thread.join(5)
    # A second flock on a fresh descriptor would wait for ever on the first one.
    assert entered.is_set()


def test_postgresql_and_in_memory_databases_take_no_file_lock(db):
    # The test database is SQLite in memory or PostgreSQL: neither has a lock file.
    assert writelock._lock_path("default") is None
