"""Encryption of personal data at rest, and keyed hashes for looking it up.

Values are sealed with AES-256-GCM (authenticated: a changed byte fails to open, it never decrypts
to something else). A sealed value reads ``v1.<key id>.<base64 nonce+ciphertext>`` so that keys can
be rotated: old values name the key that opens them. Equality lookups (is this phone number already
registered?) use an HMAC of the normalised value under a key derived from the master key, so the
database never holds a plain value nor an unkeyed hash an attacker could brute-force offline.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1"


class DecryptionError(Exception):
    """A sealed value could not be opened: wrong key, or the stored bytes were changed."""


def _decode_key(text: str, origin: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except ValueError as exc:
        raise ImproperlyConfigured(f"The personal-data key in {origin} is not base64.") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"The personal-data key in {origin} must be 32 bytes (base64).")
    return key


def generate_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


@lru_cache(maxsize=1)
def keyring() -> tuple[str, dict[str, bytes]]:
    """Return (current key id, {key id: key}).

    ``JUSOOR_PII_KEY`` may hold several keys separated by commas, newest first: values sealed with
    an older key still open, new values use the first one. Outside production a key file is
    created on first use so that the demo needs no set-up.
    """
    text = settings.PII_KEY
    origin = "JUSOOR_PII_KEY"
    if not text and settings.PII_KEY_FILE:
        path = Path(settings.PII_KEY_FILE)
        origin = str(path)
        if not path.exists():
            if settings.PRODUCTION:
                raise ImproperlyConfigured(f"The personal-data key file {path} does not exist.")
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(generate_key() + "\n")
        text = path.read_text()
    if not text.strip():
        raise ImproperlyConfigured(
            "No personal-data key: set JUSOOR_PII_KEY or JUSOOR_PII_KEY_FILE "
            "(make one with `python manage.py generate_pii_key`)."
        )
    keys = [
        _decode_key(part, origin) for part in text.replace("\n", ",").split(",") if part.strip()
    ]
    ids = [hashlib.sha256(key).hexdigest()[:8] for key in keys]
    return ids[0], dict(zip(ids, keys, strict=True))


def check_configuration() -> None:
    """Fail at start-up, not at the first save, when production has no usable key."""
    if settings.PRODUCTION:
        keyring()


def seal(plaintext: str) -> str:
    key_id, keys = keyring()
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(keys[key_id]).encrypt(nonce, plaintext.encode(), key_id.encode())
    return f"{PREFIX}.{key_id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def open_sealed(token: str) -> str:
    try:
        prefix, key_id, body = token.split(".", 2)
    except ValueError as exc:
        raise DecryptionError("not a sealed value") from exc
    keys = keyring()[1]
    if prefix != PREFIX or key_id not in keys:
        raise DecryptionError(f"no key {key_id!r} to open this value")
    raw = base64.urlsafe_b64decode(body.encode())
    try:
        return AESGCM(keys[key_id]).decrypt(raw[:12], raw[12:], key_id.encode()).decode()
    except InvalidTag as exc:
        raise DecryptionError("the value was changed or the key is wrong") from exc


def is_sealed_with_current_key(token: str) -> bool:
    return token.startswith(f"{PREFIX}.{keyring()[0]}.")


@lru_cache(maxsize=1)
def _index_key() -> bytes:
    # Derived from the current key; `rotate_pii_key` rebuilds every lookup hash with it, so run it
    # right after putting a new key first.
    key_id, keys = keyring()
    return hmac.new(keys[key_id], b"jusoor blind index v1", hashlib.sha256).digest()


def blind_index(value: str) -> str:
    """Keyed hash of an already normalised value, for equality lookups."""
    return hmac.new(_index_key(), value.encode(), hashlib.sha256).hexdigest()


def reset_caches() -> None:
    keyring.cache_clear()
    _index_key.cache_clear()
