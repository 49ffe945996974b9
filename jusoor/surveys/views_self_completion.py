"""Self-completion pages: the public link's control on the form page, and the public form.

The public pages need no account. They show the form's current version with the web form's
own code (the same rules, checked on the server), in the form language that matches the
visitor's interface language. What a respondent types is kept as a draft under a random key in a
cookie, so that a dropped connection loses nothing; the address and browser of a respondent are
counted for rate limits in the cache and nowhere else.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jusoor.accounts.roles import Can
from jusoor.core.ratelimit import count_in_window
from jusoor.surveys import self_completion, webform
from jusoor.surveys.access import get_form_for_user
from jusoor.surveys.models import Form, SelfCompletionLink
from jusoor.surveys.views import _entry_items
from jusoor.surveys.xlsform import language_for

COOKIE_PATH = "/f/"


# --- the control on the form page --------------------------------------------------------------


def panel(request: HttpRequest, survey: Form) -> dict[str, Any]:
    """What the form page shows managers about self-completion: the link, its state, the count."""
    link = SelfCompletionLink.objects.filter(form=survey).first()
    return {
        "link": link,
        "url": _public_url(request, link) if link else "",
        "count": self_completion.self_completed_count(survey),
        "form_closed": not survey.is_open,
    }


def _public_url(request: HttpRequest, link: SelfCompletionLink) -> str:
    try:
        path = reverse("surveys:self_fill", kwargs={"token": link.token})
    except NoReverseMatch:  # not a token made here (a row edited by hand): no link to show
        return ""
    return request.build_absolute_uri(path)


@login_required
@require_POST
def control(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_form_for_user(request, pk, Can.MANAGE_FORMS)
    action = request.POST.get("action", "")
    try:
        if action == "open":
            self_completion.open_link(request.user, survey, request)
            messages.success(request, _("The public link is open: respondents can fill the form."))
        elif action == "close":
            self_completion.close_link(request.user, survey, request)
            messages.success(request, _("The public link is closed: it now tells respondents so."))
        elif action == "replace":
            self_completion.replace_link(request.user, survey, request)
            messages.success(
                request, _("The form has a new public link; the old one no longer works.")
            )
        else:
            messages.error(request, _("Choose open, close or replace."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("surveys:form", kwargs={"pk": survey.pk}) + "#self-completion")


# --- the public form ---------------------------------------------------------------------------


def _link_or_404(token: str) -> SelfCompletionLink:
    link = self_completion.link_for_token(token)
    if link is None:
        raise Http404
    return link


def _client_address(request: HttpRequest) -> str:
    # Behind the reverse proxy REMOTE_ADDR is the proxy; nginx sets X-Real-IP (docs/deploy.md).
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or "unknown"


def _rate_limited(request: HttpRequest, link: SelfCompletionLink) -> HttpResponse | None:
    """A 429 page when this address has posted too often, on this form or on all of them."""
    window = settings.JUSOOR_PUBLIC_FORM_WINDOW
    address = _client_address(request)
    on_form, retry_after = count_in_window(f"self:{link.pk}:{address}", window)
    overall, _retry = count_in_window(f"self:*:{address}", window)
    if (
        on_form <= settings.JUSOOR_SELF_COMPLETION_PER_FORM
        and overall <= settings.JUSOOR_SELF_COMPLETION_PER_ADDRESS
    ):
        return None
    response = _public(
        render(
            request,
            "surveys/self_completion/rate_limited.html",
            {"survey": link.form, "minutes": max(1, round(retry_after / 60))},
            status=429,
        )
    )
    response["Retry-After"] = str(retry_after)
    return response


def _public(response: HttpResponse) -> HttpResponse:
    # A public link is passed around, not found: search engines have no business with it.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _cookie_name(survey: Form) -> str:
    return f"jusoor_form_{survey.pk}"


def _closed(request: HttpRequest, link: SelfCompletionLink) -> HttpResponse:
    return _public(render(request, "surveys/self_completion/closed.html", {"survey": link.form}))


@never_cache
def fill(request: HttpRequest, token: str) -> HttpResponse:
    """The form for a respondent. "Save" keeps the answers on the server (the key in a cookie);
    "Send" checks every rule and, when all hold, stores the submission and says thank you."""
    link = _link_or_404(token)
    survey = link.form
    if not self_completion.accepts_answers(link):
        return _closed(request, link)
    if request.method == "POST" and (limited := _rate_limited(request, link)):
        return limited
    version = survey.current_version
    assert version is not None  # accepts_answers checked it
    entry = webform.Entry(version, language_for(version.languages, get_language() or "ar"))
    key = request.COOKIES.get(_cookie_name(survey), "")
    draft = self_completion.find_draft(survey, key)
    current = draft.values() if draft else {}
    instance_id = self_completion.valid_instance_id(request.POST.get("instance"))
    saved = False
    if request.method == "POST":
        action, typed, form = webform.read_post(entry, request.POST, current)
        current = typed
        if action == "submit":
            answers = webform.check(entry, form)
            if answers is not None:
                try:
                    self_completion.submit(link, answers, instance_id, key if draft else "")
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    response = redirect("surveys:self_thanks", token=token)
                    response.delete_cookie(_cookie_name(survey), path=COOKIE_PATH)
                    return response
        else:
            saved = True
            form.is_valid()
            for name, message in entry.walk(typed)[1].items():
                if name in form.fields and not form.has_error(name):
                    form.add_error(name, message)
        # Whatever happens next (a dropped connection, a closed tab), what was typed is kept.
        if not draft:
            key = self_completion.new_draft_key()
        draft = self_completion.keep_draft(survey, key, typed)
    else:
        form = webform.build_form(entry, initial=current)
    hidden = entry.walk(current)[2]
    days = self_completion.draft_days(survey)
    response = render(
        request,
        "surveys/self_completion/fill.html",
        {
            "survey": survey,
            "organisation": survey.project.owner,
            "form": form,
            "items": _entry_items(entry, form, hidden),
            "direction": webform.direction(entry.language),
            "language": webform.language_code(entry.language),
            "instance_id": instance_id,
            "resumed": bool(draft) and request.method == "GET",
            "saved": saved,
            "days": days,
        },
    )
    if request.method == "POST":
        response.set_cookie(
            _cookie_name(survey),
            key,
            max_age=(days or 365) * 24 * 3600,
            path=COOKIE_PATH,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return _public(response)


@never_cache
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    link = _link_or_404(token)
    return _public(render(request, "surveys/self_completion/thanks.html", {"survey": link.form}))
