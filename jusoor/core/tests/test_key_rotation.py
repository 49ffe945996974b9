"""Rotating the personal-data key re-encrypts everything and loses nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from jusoor.accounts.models import User
from jusoor.core import crypto


def stored_phones() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE phone <> '' ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_rotation_reseals_every_value_and_keeps_lookups_working(settings):
    phones = ["07901234567", "+964 770 111 2222", "٠٧٨٠٣٣٣٤٤٤٤"]
    for n, phone in enumerate(phones):
        User.objects.create_user(f"u{n}", phone=phone)
    old_key_id = crypto.keyring()[0]
    assert all(token.startswith(f"v1.{old_key_id}.") for token in stored_phones())

    old = settings.PII_KEY
    settings.PII_KEY = crypto.generate_key() + "," + old
    crypto.reset_caches()
    try:
        out = StringIO()
        with translation.override("en"):
            call_command("rotate_pii_key", stdout=out)
        assert "3 personal-data values" in out.getvalue()
        new_key_id = crypto.keyring()[0]
        assert all(token.startswith(f"v1.{new_key_id}.") for token in stored_phones())

        settings.PII_KEY = settings.PII_KEY.split(",")[0]  # the old key is gone for good
        crypto.reset_caches()
        assert [u.phone for u in User.objects.order_by("id")] == phones
        key = User._meta.get_field("phone_hash").hash_of("00964 770 111 2222")
        assert User.objects.get(phone_hash=key).username == "u1"
    finally:
        settings.PII_KEY = old
        crypto.reset_caches()


@pytest.mark.django_db
def test_rotation_reseals_a_kept_import_file_piece_by_piece(settings, world, monkeypatch):
    """An uploaded survey export is kept in sealed pieces: after rotating, with the old key gone,
    the file reads back byte for byte."""
    from jusoor.surveys import import_files
    from jusoor.surveys.models import KoboImport, KoboImportPart
    from jusoor.surveys.tests.factories import make_form

    monkeypatch.setattr(import_files, "PART_BYTES", 1000)
    content = "_uuid,الاسم\n".encode() + b"".join(f"u{i},سارة\n".encode() for i in range(400))
    batch = KoboImport.objects.create(form=make_form(world.project), filename="a.csv")
    import_files.store(batch, content)
    assert KoboImportPart.objects.filter(batch=batch).count() > 3

    old = settings.PII_KEY
    settings.PII_KEY = crypto.generate_key() + "," + old
    crypto.reset_caches()
    try:
        with translation.override("en"):
            call_command("rotate_pii_key", stdout=StringIO())
        settings.PII_KEY = settings.PII_KEY.split(",")[0]  # the old key is gone for good
        crypto.reset_caches()
        with import_files.opener(batch)() as stream:
            assert stream.read() == content
    finally:
        settings.PII_KEY = old
        crypto.reset_caches()
