"""Backups restore into an empty instance with every table and file identical, and refuse to
open when the key is wrong or the file was changed."""

from __future__ import annotations

import base64
import os
import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from jusoor.accounts.models import User
from jusoor.core import audit
from jusoor.core.backup import BackupError, create_backup, restore_backup

pytestmark = pytest.mark.django_db(transaction=True)

KEY = os.urandom(32)


def sqlite_tables(path: Path | str) -> dict[str, list[tuple]]:
    """Raw rows, as SQLite stores them (the in-memory test database is opened by its URI)."""
    db = sqlite3.connect(path, uri=str(path).startswith("file:"))
    names = [
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    tables = {
        name: db.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall()  # noqa: S608
        for name in sorted(names)
    }
    db.close()
    return tables


def postgres_tables(name: str) -> dict[str, list[tuple]]:
    import psycopg

    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"] or "postgres",
        dbname=name,
    ) as db:
        names = [
            r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        return {
            t: [tuple(r) for r in db.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall()]  # noqa: S608
            for t in sorted(names)
        }


@pytest.fixture
def content(settings, tmp_path, flushable_audit_log):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "library").mkdir(parents=True)
    (settings.MEDIA_ROOT / "library" / "دليل.pdf").write_bytes(b"%PDF-1.4 " + os.urandom(3000))
    user = User.objects.create_user("hana", phone="07901234567")
    audit.record(user, "test.event", user, note="قبل النسخ الاحتياطي")
    return tmp_path


def test_sqlite_backup_restores_every_table_and_file(content):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite round trip")
    backup = content / "jusoor.backup"
    manifest = create_backup(backup, KEY)
    assert b"07901234567" not in backup.read_bytes() and b"hana" not in backup.read_bytes()
    restored_db, restored_media = content / "restored.sqlite3", content / "restored-media"
    restore_backup(backup, KEY, media_root=restored_media, sqlite_path=restored_db)
    name = connection.settings_dict["NAME"]
    assert sqlite_tables(restored_db) == sqlite_tables(name)
    assert (restored_media / "library" / "دليل.pdf").read_bytes() == (
        content / "media" / "library" / "دليل.pdf"
    ).read_bytes()
    assert set(manifest["members"]) == {"database.dump", "media/library/دليل.pdf"}


def test_postgresql_backup_restores_every_table(content):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL round trip")
    import psycopg

    backup = content / "jusoor.backup"
    create_backup(backup, KEY)
    target = connection.settings_dict["NAME"] + "_restore"
    params = connection.settings_dict
    admin = {
        "host": params["HOST"] or "127.0.0.1",
        "port": params["PORT"] or 5432,
        "user": params["USER"] or "postgres",
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**admin) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{target}"')
        db.execute(f'CREATE DATABASE "{target}"')
    try:
        restore_backup(
            backup,
            KEY,
            media_root=content / "restored-media",
            pg_settings={**params, "NAME": target},
        )
        assert postgres_tables(target) == postgres_tables(params["NAME"])
    finally:
        with psycopg.connect(**admin) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{target}"')


def test_wrong_key_or_changed_byte_refuses_to_open(content):
    backup = content / "jusoor.backup"
    create_backup(backup, KEY)
    with pytest.raises(BackupError, match="wrong key"):
        restore_backup(backup, os.urandom(32), media_root=content / "m", sqlite_path=content / "x")
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 1
    backup.write_bytes(bytes(data))
    with pytest.raises(BackupError):
        restore_backup(backup, KEY, media_root=content / "m", sqlite_path=content / "x")
    assert not (content / "m").exists()


def test_truncated_backup_is_refused(content):
    backup = content / "jusoor.backup"
    create_backup(backup, KEY)
    backup.write_bytes(backup.read_bytes()[:-100])
    with pytest.raises(BackupError):
        restore_backup(backup, KEY, media_root=content / "m", sqlite_path=content / "x")


def test_commands_need_a_key_and_refuse_a_non_empty_database(content, monkeypatch):
    monkeypatch.delenv("JUSOOR_BACKUP_KEY", raising=False)
    with translation.override("en"), pytest.raises(CommandError, match="backup key"):
        call_command("backup", str(content / "b"))
    key_file = content / "backup.key"
    key_file.write_text(base64.urlsafe_b64encode(KEY).decode())
    out = StringIO()
    call_command("backup", str(content / "b"), "--key-file", str(key_file), stdout=out)
    assert (content / "b").exists()
    with pytest.raises(CommandError):
        call_command("restore", str(content / "b"), "--key-file", str(key_file))
