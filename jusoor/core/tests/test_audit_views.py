"""The audit log page and its CSV export, for an organisation's administrators."""

from __future__ import annotations

import csv
import io

from django.db import connection
from django.urls import reverse

from jusoor.core import audit
from jusoor.core.models import AuditEvent
from jusoor.people.tests.builders import in_english


def _url(name: str = "core:audit_events", slug: str = "shams") -> str:
    return reverse(name, kwargs={"slug": slug})


def _some_events(world):  # type: ignore[no-untyped-def]
    audit.record(world.users["shams_facilitator"], "person.create", world.shams, note="a")
    audit.record(world.users["shams_me_officer"], "survey.export", world.shams, rows=12)
    audit.record(world.users["partner_viewer"], "person.create", world.partner, note="theirs")


def test_admin_sees_the_organisations_events_and_the_chain_holds(client, world):
    _some_events(world)
    client.force_login(world.users["shams_admin"])
    with in_english(client):
        response = client.get(_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "survey.export" in page and "shams_facilitator" in page
    assert "theirs" not in page and "partner_viewer" not in page
    assert "nothing was changed or removed" in page


def test_filters_by_actor_action_and_date(client, world):
    _some_events(world)
    client.force_login(world.users["shams_admin"])
    response = client.get(_url(), {"actor": "me_officer"})
    rows = response.context["page"].object_list
    assert [e.action for e in rows] == ["survey.export"]
    response = client.get(_url(), {"action": "person.create"})
    assert [e.actor_label for e in response.context["page"].object_list] == ["shams_facilitator"]
    response = client.get(_url(), {"since": "2001-01-01", "until": "2001-01-02"})
    assert list(response.context["page"].object_list) == []


def test_a_reversed_date_range_is_explained(client, world):
    client.force_login(world.users["shams_admin"])
    with in_english(client):
        response = client.get(_url(), {"since": "2024-02-01", "until": "2024-01-01"})
    assert "The end date is before the start date." in response.content.decode()


def test_export_is_csv_of_the_filtered_events_and_is_itself_audited(client, world):
    _some_events(world)
    AuditEvent.objects.create(
        actor_label='=HYPERLINK("http://evil")',
        action="person.create",
        organisation_id=world.shams.pk,
    )
    client.force_login(world.users["shams_admin"])
    response = client.get(_url("core:audit_export"), {"action": "person.create"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["id", "when", "who", "action"]
    assert {r[3] for r in rows[1:]} == {"person.create"}
    assert len(rows) == 3
    # A cell that a spreadsheet would run as a formula is neutralised.
    assert '\'=HYPERLINK("http://evil")' in [r[2] for r in rows]
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor_label == "shams_admin"
    assert export.data == {"filters": {"action": "person.create"}, "rows": 2}


def test_a_broken_seal_is_shown(client, world):
    _some_events(world)
    from jusoor.core.dbguard import install_audit_guard, remove_audit_guard
    from jusoor.core.models import seal_pending

    seal_pending()

    remove_audit_guard(connection)
    try:
        event = AuditEvent.objects.filter(organisation_id=world.shams.pk).order_by("id").first()
        AuditEvent.objects.filter(pk=event.pk).update(actor_label="someone else")
    finally:
        install_audit_guard(connection)
    client.force_login(world.users["shams_admin"])
    with in_english(client):
        response = client.get(_url())
    assert "seals break" in response.content.decode()


def test_only_administrators_see_it(client, world):
    client.force_login(world.users["shams_programme_manager"])
    assert client.get(_url()).status_code == 403
    assert client.get(_url("core:audit_export")).status_code == 403
    client.force_login(world.users["partner_viewer"])
    assert client.get(_url()).status_code == 404
    assert not AuditEvent.objects.filter(action="audit.export").exists()
