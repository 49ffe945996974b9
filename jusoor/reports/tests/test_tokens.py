"""API tokens in the workspace: made by an organisation administrator, shown once, revocable."""

from __future__ import annotations

from django.urls import reverse

from jusoor.core.models import AuditEvent
from jusoor.reports.models import ApiToken
from jusoor.reports.services import hash_key
from jusoor.reports.tests.builders import make_token


def test_an_administrator_makes_a_token_and_sees_the_key_once(client, world):
    client.force_login(world.users["shams_admin"])
    url = reverse("reports:api_tokens", args=["shams"])
    response = client.post(url, {"name": "UNDP dashboard", "role": "viewer"})
    assert response.status_code == 200
    page = response.content.decode()
    token = ApiToken.objects.get()
    key = page.split('<code dir="ltr">')[1].split("</code>")[0]
    assert key.startswith("jsr_") and hash_key(key) == token.key_hash
    assert token.organisation == world.shams and token.role == "viewer"
    assert key not in client.get(url).content.decode()  # never shown again
    assert AuditEvent.objects.filter(action="api_token.create").exists()


def test_a_token_without_a_name_is_refused_with_the_reason(client, world):
    client.force_login(world.users["shams_admin"])
    response = client.post(reverse("reports:api_tokens", args=["shams"]), {"role": "viewer"})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert "errorlist" in response.content.decode() or "error" in response.content.decode()


def test_revoking_a_token_stops_it_and_is_audited(client, world):
    token = make_token(world)
    client.force_login(world.users["shams_admin"])
    response = client.post(reverse("reports:api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke").exists()


def test_an_administrator_of_another_organisation_gets_404_for_our_token(client, world):
    token = make_token(world)
    client.force_login(world.users["outsider"])
    assert client.post(reverse("reports:api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
