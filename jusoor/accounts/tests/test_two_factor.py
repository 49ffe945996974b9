"""Two-factor sign-in: required by role, set up with an authenticator app, codes never reused."""

import time

import pyotp
import pytest
from django.urls import reverse

from jusoor.accounts import twofactor
from jusoor.accounts.models import TwoFactorDevice
from jusoor.core.models import AuditEvent


@pytest.fixture
def enforced(settings):
    settings.TWO_FACTOR_ENFORCED = True


def code_for(user, offset_steps: int = 0) -> str:
    device = TwoFactorDevice.objects.get(user=user)
    return pyotp.TOTP(device.secret).at(time.time() + offset_steps * 30)


def enrol(client, user) -> list[str]:  # type: ignore[no-untyped-def]
    client.force_login(user)
    client.get(reverse("accounts:two_factor_setup"))
    response = client.post(reverse("accounts:two_factor_setup"), {"code": code_for(user)})
    assert response.status_code == 200
    return response.context["codes"]


def test_admin_is_sent_to_set_up_two_factor_before_working(client, world, enforced):
    client.force_login(world.users["shams_admin"])
    response = client.get(reverse("programmes:workspace"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_setup")


def test_viewer_works_without_two_factor_by_default(client, world, enforced):
    client.force_login(world.users["shams_viewer"])
    assert client.get(reverse("programmes:workspace")).status_code == 200


def test_setup_shows_a_qr_code_and_ten_recovery_codes_once(client, world, enforced):
    admin = world.users["shams_admin"]
    client.force_login(admin)
    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page and 'id="totp-secret"' in page
    codes = enrol(client, admin)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert AuditEvent.objects.filter(action="auth.2fa_enabled").exists()
    assert client.get(reverse("programmes:workspace")).status_code == 200
    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert codes[0] not in page


def test_sign_in_asks_for_the_code_and_refuses_a_reused_one(client, world, enforced):
    admin = world.users["shams_admin"]
    enrol(client, admin)
    client.logout()
    response = client.post(
        reverse("accounts:login"), {"username": "shams_admin", "password": "pw-shams_admin"}
    )
    assert response["Location"] == reverse("accounts:two_factor_verify")
    assert "_auth_user_id" not in client.session
    used = code_for(admin)  # the code used at enrolment
    response = client.post(reverse("accounts:two_factor_verify"), {"code": used})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(reverse("accounts:two_factor_verify"), {"code": code_for(admin, 1)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)


def test_a_recovery_code_works_once(client, world, enforced):
    admin = world.users["shams_admin"]
    codes = enrol(client, admin)
    for expected in (True, False):
        client.logout()
        client.post(
            reverse("accounts:login"), {"username": "shams_admin", "password": "pw-shams_admin"}
        )
        client.post(reverse("accounts:two_factor_verify"), {"code": codes[3]})
        assert ("_auth_user_id" in client.session) is expected
    assert AuditEvent.objects.filter(action="auth.2fa_recovery_used").count() == 1


def test_five_wrong_codes_send_the_person_back_to_the_password(client, world, enforced):
    enrol(client, world.users["shams_admin"])
    client.logout()
    client.post(
        reverse("accounts:login"), {"username": "shams_admin", "password": "pw-shams_admin"}
    )
    for _ in range(5):
        response = client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("accounts:two_factor_verify"))["Location"] == reverse(
        "accounts:login"
    )


def test_the_secret_is_encrypted_at_rest(world):
    device = twofactor.start_setup(world.users["shams_admin"])
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_twofactordevice WHERE id = %s", [device.pk])
        stored = cursor.fetchone()[0]
    assert device.secret not in stored and stored.startswith("v1.")


def test_organisation_can_require_it_of_any_role(client, world, enforced):
    world.shams.two_factor_roles = ["viewer"]
    world.shams.save()
    client.force_login(world.users["shams_viewer"])
    assert client.get(reverse("programmes:workspace")).status_code == 302
