"""People whose role requires a second factor set it up before they work in the workspace."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from jusoor.accounts import twofactor

CHECKED = "jusoor_2fa_ok"


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.TWO_FACTOR_ENFORCED
            and user is not None
            and user.is_authenticated
            and request.path.startswith("/workspace/")
            and not request.session.get(CHECKED)
        ):
            if twofactor.required_for(user) and not twofactor.has_device(user):
                messages.info(
                    request,
                    _("Your role requires two-factor sign-in. Set up an authenticator app first."),
                )
                return redirect("accounts:two_factor_setup")
            request.session[CHECKED] = True
        return self.get_response(request)
