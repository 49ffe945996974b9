"""The REST API: tokens per organisation and role, checked like the workspace (another
organisation's object → 404, too little role → 403), paginated, rate limited, writes audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from jusoor.accounts.roles import Can, Role, capabilities
from jusoor.core.models import AuditEvent
from jusoor.programmes.models import IndicatorValue
from jusoor.reports.models import ApiToken
from jusoor.reports.services import revoke_token
from jusoor.reports.tests.builders import add_value, make_token_with_key

TOKENS = [f"shams_{role.value}" for role in Role] + ["partner_admin", "outsider_admin"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _key(world, name: str) -> str:
    if name == "partner_admin":
        return make_token_with_key(world, Role.ADMIN, world.partner)[1]
    if name == "outsider_admin":
        return make_token_with_key(world, Role.ADMIN, world.other)[1]
    return make_token_with_key(world, name.removeprefix("shams_"))[1]


def _allowed(name: str) -> frozenset[Can]:
    if name == "outsider_admin":
        return frozenset()
    if name == "partner_admin":  # the share gives World Vision viewers' rights, whatever the role
        return capabilities(Role.ADMIN) & capabilities(Role.VIEWER)
    return capabilities(name.removeprefix("shams_"))


def _auth(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


READS = {
    "api:project": lambda w: {"project_id": w.project.pk},
    "api:framework": lambda w: {"project_id": w.project.pk},
    "api:periods": lambda w: {"project_id": w.project.pk},
    "api:indicators": lambda w: {"project_id": w.project.pk},
    "api:indicator": lambda w: {"indicator_id": w.indicator.pk},
    "api:values": lambda w: {"indicator_id": w.indicator.pk},
    "api:activities": lambda w: {"project_id": w.project.pk},
    "api:reach": lambda w: {"project_id": w.project.pk},
}


@pytest.mark.parametrize("token_name", TOKENS)
def test_each_read_answers_each_token_as_its_role_says(client, world, token_name):
    key = _key(world, token_name)
    expected = 200 if Can.VIEW in _allowed(token_name) else 404
    for url_name, args in READS.items():
        response = client.get(reverse(url_name, kwargs=args(world)), **_auth(key))
        assert response.status_code == expected, f"{url_name} with {token_name}"


@pytest.mark.parametrize("token_name", TOKENS)
def test_writing_a_value_answers_each_token_as_its_role_says(client, world, token_name):
    key = _key(world, token_name)
    allowed = _allowed(token_name)
    expected = 200 if Can.EDIT_INDICATORS in allowed else 403 if Can.VIEW in allowed else 404
    response = client.put(
        reverse("api:values", kwargs={"indicator_id": world.indicator.pk}),
        {"period": world.period.pk, "value": "42"},
        content_type="application/json",
        **_auth(key),
    )
    assert response.status_code == expected, token_name
    written = IndicatorValue.objects.filter(indicator=world.indicator, value=Decimal(42)).exists()
    assert written == (expected == 200)


@pytest.mark.parametrize("token_name", TOKENS)
def test_the_project_list_shows_only_what_the_token_may_see(client, world, token_name):
    response = client.get(reverse("api:projects"), **_auth(_key(world, token_name)))
    assert response.status_code == 200
    ids = [p["id"] for p in response.json()["items"]]
    assert ids == ([world.project.pk] if Can.VIEW in _allowed(token_name) else [])


def test_a_written_value_is_audited_with_the_token(client, world):
    token_key = make_token_with_key(world, Role.ME_OFFICER)
    client.put(
        reverse("api:values", kwargs={"indicator_id": world.indicator.pk}),
        {"period": world.period.pk, "value": "12", "dimension": "sex", "category": "f"},
        content_type="application/json",
        **_auth(token_key[1]),
    )
    event = AuditEvent.objects.get(action="api.indicator.actual.set")
    assert event.data["token"] == token_key[0].pk
    assert AuditEvent.objects.filter(action="indicator.actual.set").exists()


def test_a_value_for_a_locked_period_is_refused_with_the_reason(client, world):
    world.period.status = "locked"
    world.period.save()
    key = make_token_with_key(world, Role.ME_OFFICER)[1]
    response = client.put(
        reverse("api:values", kwargs={"indicator_id": world.indicator.pk}),
        {"period": world.period.pk, "value": "12"},
        content_type="application/json",
        **_auth(key),
    )
    assert response.status_code == 400
    assert "period" in response.json()["detail"]
    assert not IndicatorValue.objects.exists()


def test_a_period_of_another_project_is_refused(client, world):
    from jusoor.conftest import make_project

    other = make_project(world.other, slug="other-project")
    period = other.periods.create(label="x", start_date=other.start_date, end_date=other.end_date)
    key = make_token_with_key(world, Role.ME_OFFICER)[1]
    response = client.put(
        reverse("api:values", kwargs={"indicator_id": world.indicator.pk}),
        {"period": period.pk, "value": "12"},
        content_type="application/json",
        **_auth(key),
    )
    assert response.status_code == 400


def test_small_counts_of_people_are_hidden_in_what_the_api_reads(client, world):
    add_value(world, Decimal(3), "sex", "m")
    add_value(world, Decimal(30), "sex", "f")
    key = make_token_with_key(world, Role.VIEWER)[1]
    items = client.get(
        reverse("api:values", kwargs={"indicator_id": world.indicator.pk}), **_auth(key)
    ).json()["items"]
    by_group = {item["category"]: item for item in items}
    assert by_group["m"]["value"] is None and by_group["m"]["suppressed"] is True
    assert Decimal(by_group["f"]["value"]) == 30


def test_lists_are_paginated(client, world):
    for number in range(3):
        world.project.periods.create(
            label=f"p{number}", start_date=world.period.start_date, end_date=world.period.end_date
        )
    key = make_token_with_key(world, Role.VIEWER)[1]
    url = reverse("api:periods", kwargs={"project_id": world.project.pk})
    page = client.get(url, {"limit": 2, "offset": 0}, **_auth(key)).json()
    assert page["count"] == 4
    assert len(page["items"]) == 2


def test_no_token_a_wrong_token_and_a_revoked_token_get_401(client, world):
    url = reverse("api:projects")
    assert client.get(url).status_code == 401
    assert client.get(url, **_auth("jsr_not-a-token")).status_code == 401
    token, key = make_token_with_key(world, Role.VIEWER)
    assert client.get(url, **_auth(key)).status_code == 200
    revoke_token(world.users["shams_admin"], token)
    assert client.get(url, **_auth(key)).status_code == 401


def test_a_signed_in_session_is_not_enough(client, world):
    client.force_login(world.users["shams_admin"])
    assert client.get(reverse("api:projects")).status_code == 401


def test_the_key_is_stored_only_as_a_keyed_hash(world):
    token, key = make_token_with_key(world, Role.VIEWER)
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in {str(v) for v in stored.values()}
    assert token.key_hash != key and len(token.key_hash) == 64


def test_too_many_calls_in_a_minute_get_429(client, world, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    key = make_token_with_key(world, Role.VIEWER)[1]
    statuses = [client.get(reverse("api:projects"), **_auth(key)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    other_key = make_token_with_key(world, Role.ADMIN)[1]
    assert client.get(reverse("api:projects"), **_auth(other_key)).status_code == 200
