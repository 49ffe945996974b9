"""Two-factor sign-in with an authenticator app (TOTP, RFC 6238) and single-use recovery codes."""

from __future__ import annotations

import base64
import secrets
import time

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jusoor.accounts.models import Membership, RecoveryCode, TwoFactorDevice, User
from jusoor.core import audit
from jusoor.core.crypto import blind_index

STEP = 30
RECOVERY_CODES = 10


def required_for(user: User) -> bool:
    """Whether any of the person's roles must sign in with a second factor."""
    if not getattr(settings, "TWO_FACTOR_ENFORCED", True) or not user.is_authenticated:
        return False
    for membership in Membership.objects.filter(user=user).select_related("organisation"):
        if membership.role in (membership.organisation.two_factor_roles or []):
            return True
    return False


def has_device(user: User) -> bool:
    return TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def start_setup(user: User) -> TwoFactorDevice:
    """A fresh secret for a device not yet confirmed (a confirmed one is never replaced here)."""
    device, _created = TwoFactorDevice.objects.get_or_create(
        user=user, defaults={"secret": pyotp.random_base32()}
    )
    if device.confirmed_at is None and not _created:
        device.secret = pyotp.random_base32()
        device.save(update_fields=["secret"])
    return device


def provisioning_uri(device: TwoFactorDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(
        name=device.user.get_username(), issuer_name="Jusoor"
    )


def qr_data_uri(device: TwoFactorDevice) -> str:
    svg = segno.make(provisioning_uri(device), error="m").svg_inline(scale=5)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _accept_code(device: TwoFactorDevice, code: str, now: float | None = None) -> bool:
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return False
    now = time.time() if now is None else now
    totp = pyotp.TOTP(device.secret)
    current = int(now // STEP)
    # One step of drift either way; a step already used is refused (no replay).
    for step in (current - 1, current, current + 1):
        if step > device.last_step and secrets.compare_digest(totp.at(step * STEP), code):
            device.last_step = step
            device.save(update_fields=["last_step"])
            return True
    return False


@transaction.atomic
def confirm_setup(user: User, code: str, request=None) -> list[str] | None:  # type: ignore[no-untyped-def]
    """Confirm the new device with a first code; return the recovery codes to show once."""
    device = TwoFactorDevice.objects.select_for_update().get(user=user)
    if not _accept_code(device, code):
        return None
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    codes = new_recovery_codes(user)
    audit.record(user, "auth.2fa_enabled", user, request=request)
    return codes


def new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [
        f"{secrets.randbelow(10**5):05d}-{secrets.randbelow(10**5):05d}"
        for _ in range(RECOVERY_CODES)
    ]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=blind_index("recovery:" + c)) for c in codes]
    )
    return codes


@transaction.atomic
def verify(user: User, code: str, request=None) -> bool:  # type: ignore[no-untyped-def]
    """Check a sign-in code: the authenticator's, or an unused recovery code (then spent)."""
    device = (
        TwoFactorDevice.objects.select_for_update()
        .filter(user=user, confirmed_at__isnull=False)
        .first()
    )
    if device is None:
        return False
    if _accept_code(device, code):
        return True
    cleaned = code.strip().replace(" ", "")
    recovery = (
        RecoveryCode.objects.select_for_update()
        .filter(user=user, used_at__isnull=True, code_hash=blind_index("recovery:" + cleaned))
        .first()
    )
    if recovery is None:
        audit.record(user, "auth.2fa_failed", user, request=request)
        return False
    recovery.used_at = timezone.now()
    recovery.save(update_fields=["used_at"])
    audit.record(
        user,
        "auth.2fa_recovery_used",
        user,
        request=request,
        left=RecoveryCode.objects.filter(user=user, used_at__isnull=True).count(),
    )
    return True
