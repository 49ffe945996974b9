"""The audit log records who did what, and nobody can rewrite it."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import translation

from jusoor.core.models import AuditEvent, seal_pending, verify_chain


@pytest.mark.django_db
def test_database_refuses_to_update_or_delete_audit_events():
    event = AuditEvent.objects.create(action="test.event")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


@pytest.mark.django_db
def test_model_refuses_to_save_twice_or_delete():
    event = AuditEvent.objects.create(action="test.event")
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_sign_in_and_failed_sign_in_are_recorded(client, world):
    client.post(reverse("accounts:login"), {"username": "shams_admin", "password": "wrong"})
    client.post(
        reverse("accounts:login"), {"username": "shams_admin", "password": "pw-shams_admin"}
    )
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "auth.login_failed" in actions and "auth.login" in actions
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.data == {"username": "shams_admin"}
    assert "wrong" not in str(failed.data)


def test_viewing_member_phones_is_recorded_as_a_personal_data_view(admin_client, world):
    world.users["shams_viewer"].phone = "07801234567"
    world.users["shams_viewer"].save()
    response = admin_client.get(reverse("accounts:organisation", args=["shams"]))
    assert "07801234567" in response.content.decode()
    event = AuditEvent.objects.get(action="pii.view")
    assert event.actor == world.users["shams_admin"]
    assert event.organisation_id == world.shams.pk
    assert event.ip_address == "127.0.0.1"


def test_viewer_sees_no_phones_and_nothing_is_recorded(client, world):
    world.users["shams_admin"].phone = "07801234567"
    world.users["shams_admin"].save()
    client.force_login(world.users["shams_viewer"])
    response = client.get(reverse("accounts:organisation", args=["shams"]))
    assert "07801234567" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="pii.view").exists()


def test_role_change_is_recorded_with_old_and_new_role(admin_client, world):
    membership = world.users["shams_viewer"].memberships.get()
    admin_client.post(
        reverse("accounts:membership_role", args=[membership.pk]), {"role": "me_officer"}
    )
    membership.refresh_from_db()
    assert membership.role == "me_officer"
    event = AuditEvent.objects.get(action="membership.role_set")
    assert event.data["role"] == ["viewer", "me_officer"]


def test_admin_cannot_demote_themselves(admin_client, world):
    membership = world.users["shams_admin"].memberships.get()
    response = admin_client.post(
        reverse("accounts:membership_role", args=[membership.pk]), {"role": "viewer"}, follow=True
    )
    membership.refresh_from_db()
    assert membership.role == "admin"
    assert response.status_code == 200


@pytest.mark.django_db
def test_each_event_seals_the_one_before_it():
    first = AuditEvent.objects.create(action="one")
    second = AuditEvent.objects.create(action="two", data={"نص": "عربي"})
    seal_pending()  # PostgreSQL seals after commit; a test's transaction never commits
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.previous_hash == "" or len(first.previous_hash) == 64
    assert second.sealed_seq == first.sealed_seq + 1
    assert second.previous_hash == first.hash and len(second.hash) == 64
    assert verify_chain() == (AuditEvent.objects.count(), None)


@pytest.mark.django_db
def test_a_changed_event_is_found_by_the_chain_check():
    from django.db import connection

    from jusoor.core.dbguard import install_audit_guard, remove_audit_guard

    events = [AuditEvent.objects.create(action=f"e{n}") for n in range(5)]
    seal_pending()  # as their commits would have
    remove_audit_guard(connection)  # as an attacker with database access would
    AuditEvent.objects.filter(pk=events[2].pk).update(object_repr="forged")
    install_audit_guard(connection)
    checked, broken = verify_chain()
    assert broken.pk == events[2].pk
    with translation.override("en"), pytest.raises(CommandError, match=f"event {events[2].pk}"):
        call_command("verify_audit_chain")


@pytest.mark.django_db
def test_a_removed_event_breaks_the_chain_at_the_next_one():
    from django.db import connection

    from jusoor.core.dbguard import install_audit_guard, remove_audit_guard

    events = [AuditEvent.objects.create(action=f"e{n}") for n in range(4)]
    seal_pending()
    remove_audit_guard(connection)
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    install_audit_guard(connection)
    assert verify_chain()[1].pk == events[2].pk


@pytest.mark.django_db
def test_intact_chain_is_reported_by_the_command():
    AuditEvent.objects.create(action="x")
    out = StringIO()
    with translation.override("en"):
        call_command("verify_audit_chain", stdout=out)
    assert "chain is intact" in out.getvalue()
