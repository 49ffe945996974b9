"""Encrypted backups of the database and the media files, and their restore.

A backup is one file: a tar archive (database dump, media files, a manifest with the SHA-256 of
every member) encrypted in 1 MiB chunks with AES-256-GCM under a key the operator holds (never the
personal-data key, so that one stolen secret is not enough). Each chunk's nonce carries its number
and a last-chunk flag, so a truncated, reordered or altered file fails to open.

SQLite is copied with SQLite's online backup API (consistent while the server writes); PostgreSQL
with ``pg_dump --format=custom`` and restored with ``pg_restore``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import connections

MAGIC = b"JUSOORBK1\n"
CHUNK = 1 << 20


class BackupError(Exception):
    pass


def load_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except ValueError as exc:
        raise BackupError("The backup key is not base64.") from exc
    if len(key) != 32:
        raise BackupError("The backup key must be 32 bytes, base64-encoded.")
    return key


# -- encryption ---------------------------------------------------------------------------------


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if last else 0) + b"\0\0\0"


def encrypt_stream(source: BinaryIO, target: BinaryIO, key: bytes) -> None:
    aead = AESGCM(key)
    prefix = os.urandom(4)
    target.write(MAGIC + prefix)
    index = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        sealed = aead.encrypt(_nonce(prefix, index, last), chunk, MAGIC)
        target.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        chunk, index = following, index + 1


def decrypt_stream(source: BinaryIO, target: BinaryIO, key: bytes) -> None:
    aead = AESGCM(key)
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("This is not a Jusoor backup file.")
    prefix = source.read(4)
    index = 0
    while True:
        header = source.read(4)
        if len(header) < 4:
            raise BackupError("The backup file is truncated.")
        sealed = source.read(struct.unpack(">I", header)[0])
        last = source.peek(1) == b"" if hasattr(source, "peek") else _at_end(source)
        try:
            target.write(aead.decrypt(_nonce(prefix, index, last), sealed, MAGIC))
        except InvalidTag as exc:
            raise BackupError(
                "The backup cannot be opened: wrong key, or the file was changed or truncated."
            ) from exc
        if last:
            return
        index += 1


def _at_end(source: BinaryIO) -> bool:
    position = source.tell()
    at_end = source.read(1) == b""
    source.seek(position)
    return at_end


# -- database dumps -----------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client).")
    return path


def _pg_env(conn_settings: dict) -> tuple[list[str], dict[str, str]]:
    args = [
        "--host",
        conn_settings.get("HOST") or "127.0.0.1",
        "--port",
        str(conn_settings.get("PORT") or 5432),
        "--username",
        conn_settings.get("USER") or "postgres",
    ]
    env = {**os.environ}
    if conn_settings.get("PASSWORD"):
        env["PGPASSWORD"] = conn_settings["PASSWORD"]
    return args, env


def dump_database(alias: str, target: Path) -> str:
    connection = connections[alias]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        destination = sqlite3.connect(target)
        with destination:
            connection.connection.backup(destination)
        destination.close()
        return "sqlite"
    if connection.vendor == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        subprocess.run(  # noqa: S603 (arguments from settings)
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                *args,
                "--file",
                str(target),
                connection.settings_dict["NAME"],
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        return "postgresql"
    raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def restore_database(
    kind: str, dump: Path, *, sqlite_path: Path | None = None, pg_settings: dict | None = None
) -> None:
    if kind == "sqlite":
        if sqlite_path is None:
            raise BackupError("This backup is of a SQLite database; give the file to restore to.")
        source = sqlite3.connect(dump)
        destination = sqlite3.connect(sqlite_path)
        with destination:
            source.backup(destination)
        source.close()
        destination.close()
        return
    if pg_settings is None:
        raise BackupError(
            "This backup is of a PostgreSQL database; give the database to restore to."
        )
    args, env = _pg_env(pg_settings)
    result = subprocess.run(  # noqa: S603 (arguments from settings)
        [
            _tool("pg_restore"),
            "--no-owner",
            "--clean",
            "--if-exists",
            "--exit-on-error",
            *args,
            "--dbname",
            pg_settings["NAME"],
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[-500:]}")


# -- archive ------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_files(root: Path) -> Iterator[Path]:
    if root.exists():
        yield from sorted(p for p in root.rglob("*") if p.is_file())


def create_backup(target: Path, key: bytes, alias: str = "default") -> dict:
    """Write an encrypted backup to ``target``; return its manifest."""
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        kind = dump_database(alias, work / "database.dump")
        manifest = {
            "format": 1,
            "created": dt.datetime.now(dt.UTC).isoformat(),
            "database": kind,
            "members": {"database.dump": _sha256(work / "database.dump")},
        }
        archive = work / "backup.tar"
        with tarfile.open(archive, "w") as tar:
            tar.add(work / "database.dump", arcname="database.dump")
            for path in _media_files(media_root):
                name = "media/" + path.relative_to(media_root).as_posix()
                manifest["members"][name] = _sha256(path)
                tar.add(path, arcname=name)
            data = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        partial = target.with_name(target.name + ".partial")
        with open(archive, "rb") as source, open(partial, "wb") as sink:
            encrypt_stream(source, sink, key)
        partial.replace(target)  # never leave a half-written backup under the real name
    return manifest


def restore_backup(
    source: Path,
    key: bytes,
    *,
    media_root: Path,
    sqlite_path: Path | None = None,
    pg_settings: dict | None = None,
) -> dict:
    """Check every member against the manifest, then restore the database and media files."""
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        archive = work / "backup.tar"
        with open(source, "rb") as encrypted, open(archive, "wb") as plain:
            decrypt_stream(io.BufferedReader(encrypted), plain, key)
        with tarfile.open(archive) as tar:
            tar.extractall(work / "x", filter="data")
        extracted = work / "x"
        manifest = json.loads((extracted / "manifest.json").read_text())
        for name, digest in manifest["members"].items():
            if _sha256(extracted / name) != digest:
                raise BackupError(f"{name} does not match the manifest; nothing was restored.")
        restore_database(
            manifest["database"],
            extracted / "database.dump",
            sqlite_path=sqlite_path,
            pg_settings=pg_settings,
        )
        media = extracted / "media"
        if media.exists():
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(media, media_root, dirs_exist_ok=True)
    return manifest
