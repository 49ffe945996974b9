"""Personal data is unreadable in the database and still usable in the application."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from jusoor.accounts.models import User
from jusoor.core import crypto
from jusoor.core.crypto import DecryptionError


def raw_row(user_id: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_hash FROM accounts_user WHERE id = %s", [user_id])
        return cursor.fetchone()


@pytest.mark.django_db
def test_raw_database_row_holds_no_plaintext_phone():
    user = User.objects.create_user("hana", phone="0790 123 4567")
    phone, phone_hash = raw_row(user.pk)
    assert "4567" not in phone and "790" not in phone
    assert phone.startswith("v1.")
    assert "4567" not in phone_hash and len(phone_hash) == 64
    assert User.objects.get(pk=user.pk).phone == "0790 123 4567"


@pytest.mark.django_db
def test_same_phone_sealed_twice_gives_different_ciphertexts():
    a = User.objects.create_user("a", phone="07901234567")
    b = User.objects.create_user("b", phone="07901234567")
    assert raw_row(a.pk)[0] != raw_row(b.pk)[0]


@pytest.mark.django_db
def test_phone_is_found_by_keyed_hash_whatever_way_it_was_typed():
    user = User.objects.create_user("ali", phone="+964 790 123 4567")
    for typed in ["07901234567", "00964 790 123 4567", "٠٧٩٠١٢٣٤٥٦٧"]:
        key = User._meta.get_field("phone_hash").hash_of(typed)
        assert User.objects.get(phone_hash=key) == user


@pytest.mark.django_db
def test_changed_ciphertext_is_refused_not_misread():
    user = User.objects.create_user("omar", phone="07701112233")
    sealed = raw_row(user.pk)[0]
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(DecryptionError):
        crypto.open_sealed(tampered)


def test_filtering_on_ciphertext_is_refused_loudly():
    with pytest.raises(Exception, match="Unsupported lookup"):
        list(User.objects.filter(phone__icontains="0790"))


def test_old_key_still_opens_after_rotation(settings):
    old = crypto.seal("سر")
    settings.PII_KEY = crypto.generate_key() + "," + settings.PII_KEY
    crypto.reset_caches()
    try:
        assert crypto.open_sealed(old) == "سر"
        assert not crypto.is_sealed_with_current_key(old)
        assert crypto.is_sealed_with_current_key(crypto.seal("x"))
    finally:
        settings.PII_KEY = settings.PII_KEY.split(",", 1)[1]
        crypto.reset_caches()


def test_production_without_a_key_fails_at_start_up(settings):
    settings.PRODUCTION = True
    settings.PII_KEY = ""
    settings.PII_KEY_FILE = "/nonexistent/pii.key"
    crypto.reset_caches()
    try:
        with pytest.raises(ImproperlyConfigured, match="key file"):
            crypto.check_configuration()
    finally:
        crypto.reset_caches()


def test_malformed_key_is_reported(settings):
    settings.PII_KEY = "not-base64-and-too-short"
    crypto.reset_caches()
    try:
        with pytest.raises(ImproperlyConfigured, match="32 bytes|base64"):
            crypto.seal("x")
    finally:
        crypto.reset_caches()


def test_generated_key_is_accepted_as_a_personal_data_key(settings):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("generate_pii_key", stdout=out)
    settings.PII_KEY = out.getvalue().strip()
    crypto.reset_caches()
    try:
        assert crypto.open_sealed(crypto.seal("مفتاح")) == "مفتاح"
    finally:
        crypto.reset_caches()
