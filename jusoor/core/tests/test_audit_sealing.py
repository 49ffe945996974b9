"""Seals written after commit: concurrent writers do not wait on the chain, and every event
still ends up sealed, in one unbroken chain, with nothing in it changeable afterwards."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import DatabaseError, connection, connections, transaction

from jusoor.core import sealer
from jusoor.core.models import AuditEvent, seal_pending, verify_chain

DATABASE_REFUSED = DatabaseError  # each database names the trigger's refusal differently


@pytest.mark.django_db
def test_a_sealed_event_cannot_be_sealed_again_or_changed():
    event = AuditEvent.objects.create(action="survey.export", data={"rows": 3})
    seal_pending()
    event.refresh_from_db()
    assert len(event.hash) == 64
    with pytest.raises(DATABASE_REFUSED), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(hash="0" * 64)
    with pytest.raises(DATABASE_REFUSED), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(sealed_seq=None, hash="")
    assert verify_chain() == (AuditEvent.objects.count(), None)


@pytest.mark.django_db
def test_events_written_without_a_seal_are_sealed_in_order_on_every_database():
    """Rows inserted without ``save`` (a bulk insert) wait for the next sealer on SQLite too."""
    AuditEvent.objects.create(action="survey.export")
    AuditEvent.objects.bulk_create(
        [AuditEvent(action="person.view", object_id=str(n)) for n in range(3)]
    )
    assert seal_pending() >= 3
    chain = list(AuditEvent.objects.order_by("sealed_seq"))
    assert [e.object_id for e in chain if e.action == "person.view"] == ["0", "1", "2"]
    assert all(len(e.hash) == 64 for e in chain)
    assert verify_chain() == (len(chain), None)


@pytest.mark.django_db
def test_an_unsealed_event_accepts_its_seal_and_nothing_else():
    """Only PostgreSQL has events waiting for their seal; on SQLite they are sealed at once."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite seals in the writing transaction")
    event = AuditEvent.objects.create(action="person.view")
    assert AuditEvent.objects.get(pk=event.pk).hash == ""  # waits for the commit
    with pytest.raises(DATABASE_REFUSED), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="nothing.happened")
    assert seal_pending() >= 1
    assert AuditEvent.objects.get(pk=event.pk).action == "person.view"
    assert verify_chain()[1] is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_all_end_up_in_one_unbroken_chain(flushable_audit_log):
    if connection.vendor != "postgresql":
        pytest.skip("the test database on SQLite is in memory, shared by threads one at a time")
    writers, each = 6, 25
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write(number: int) -> None:
        try:
            start.wait()
            for n in range(each):
                with transaction.atomic():
                    AuditEvent.objects.create(
                        action="submission.receive", object_id=f"{number}-{n}"
                    )
        except BaseException as exc:  # reported below, with the test's failure
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures
    # Every event was sealed by some writer's commit, without a check having to do it.
    assert not AuditEvent.objects.filter(sealed_seq__isnull=True).exists()
    checked, broken = verify_chain()
    assert broken is None
    assert checked == AuditEvent.objects.count() >= writers * each
    positions = list(AuditEvent.objects.order_by("sealed_seq").values_list("sealed_seq", flat=True))
    assert positions == list(range(1, len(positions) + 1))


@pytest.mark.django_db(transaction=True)
def test_an_event_committed_while_another_process_seals_is_not_left_behind(
    flushable_audit_log,
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: nobody else can be sealing")
    holding, release = threading.Event(), threading.Event()

    def sealer_elsewhere() -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(72917043)")
                holding.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    other = threading.Thread(target=sealer_elsewhere)
    other.start()
    assert holding.wait(timeout=30)
    AuditEvent.objects.create(action="survey.import")  # autocommit: its seal is tried at once
    assert AuditEvent.objects.filter(sealed_seq__isnull=True).count() == 1  # the chain was busy
    release.set()
    other.join(timeout=30)
    # The next writer seals everything still waiting, its own event and the earlier one.
    AuditEvent.objects.create(action="survey.export")
    assert not AuditEvent.objects.filter(sealed_seq__isnull=True).exists()
    assert verify_chain() == (2, None)


@pytest.mark.django_db(transaction=True)
def test_the_web_servers_sealing_thread_seals_what_requests_committed(flushable_audit_log):
    """The web server seals in one thread per process: requests return without sealing, and
    their events are sealed a moment later, in one batch, in one unbroken chain."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite seals in the writing transaction")
    sealer.run_in_background()
    try:
        for n in range(5):
            with transaction.atomic():
                AuditEvent.objects.create(action="survey.submission.receive", object_id=str(n))
        deadline = time.monotonic() + 30
        while AuditEvent.objects.filter(sealed_seq__isnull=True).exists():
            assert time.monotonic() < deadline, "the sealing thread did not seal the events"
            time.sleep(0.05)
    finally:
        sealer.stop_background()
    assert AuditEvent.objects.count() == 5
    assert verify_chain() == (5, None)
    # Stopped: the committing process seals again, at once.
    AuditEvent.objects.create(action="survey.export")
    assert not AuditEvent.objects.filter(sealed_seq__isnull=True).exists()
