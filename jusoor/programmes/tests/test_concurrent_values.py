"""Two app servers writing one project's figures at once (PostgreSQL: each thread has its own
database session, as two gunicorn processes would): no value is lost, and no value is accepted
into a period once it has been submitted."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from jusoor.programmes import services
from jusoor.programmes.models import IndicatorValue, PeriodStatus


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serialises writers; sessions need PostgreSQL"
)
def test_concurrent_figures_are_all_kept_and_none_lands_in_a_submitted_period(world):
    officer = world.users["shams_me_officer"]
    accepted: list[tuple[str, Decimal]] = []
    refused: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(3)

    def server(category: str) -> None:
        try:
            start.wait()
            for round_ in range(15):
                value = Decimal(round_ + 1)
                try:
                    services.set_actual(
                        officer, world.indicator, world.period, value, "sex", category
                    )
                except ValidationError:
                    with lock:
                        refused.append(category)
                    return
                with lock:
                    accepted.append((category, value))
        finally:
            connections.close_all()

    def submitter() -> None:
        try:
            start.wait()
            services.change_period_status(officer, world.period, PeriodStatus.SUBMITTED)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=server, args=("female",)),
        threading.Thread(target=server, args=("male",)),
        threading.Thread(target=submitter),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    stored = {
        row.category: row.value
        for row in IndicatorValue.objects.filter(indicator=world.indicator, period=world.period)
    }
    # Every accepted write is there with the last value its server wrote: nothing lost.
    for category in ("female", "male"):
        mine = [value for c, value in accepted if c == category]
        if mine:
            assert stored[category] == mine[-1]
        else:
            assert category not in stored
    # Once submitted, the period refused the rest: each server stopped at its first refusal.
    world.period.refresh_from_db()
    assert world.period.status == PeriodStatus.SUBMITTED
    assert sorted(refused) == [
        c for c in ("female", "male") if len([1 for a, _ in accepted if a == c]) < 15
    ]
