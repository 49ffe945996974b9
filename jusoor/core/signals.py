"""Sign-ins and sign-outs go into the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from jusoor.core import audit


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:  # type: ignore[no-untyped-def]
    audit.record(user, "auth.login", request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:  # type: ignore[no-untyped-def]
    if user is not None:
        audit.record(user, "auth.logout", request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
    # The username typed is kept (it may be a real account under attack); the password never.
    audit.record(
        None, "auth.login_failed", request=request, username=credentials.get("username", "")[:150]
    )
