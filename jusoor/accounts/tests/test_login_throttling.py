"""Password guessing is slowed down, and the account's owner can still get in later."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from jusoor.conftest import make_user


@pytest.fixture
def hana(db):
    return make_user("hana")


def attempt(client, password):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:login"), {"username": "hana", "password": password})


def test_five_wrong_passwords_pause_sign_in_even_with_the_right_one(client, hana):
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200
    assert attempt(client, "wrong").status_code == 429
    response = attempt(client, "pw-hana")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    call_command("axes_reset", verbosity=0)
    assert attempt(client, "pw-hana").status_code == 302


def test_a_success_clears_earlier_failures(client, hana):
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, "pw-hana").status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, "pw-hana").status_code == 302
