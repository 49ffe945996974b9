"""The OpenRosa server ODK Collect and KoboCollect talk to.

Not under a language prefix, exempt from CSRF (phones have no cookies), and never authenticated
by a session cookie. Three ways in, as ODK Collect offers them:

- an app token in the path, as ODK Central does (``/key/<token>/…``): nothing to type but a URL;
- HTTP Digest (RFC 7616, MD5, qop=auth) with the user name and the app token as password: the
  server keeps only the sealed HA1, and nonces expire (the phone is told ``stale=true``);
- HTTP Basic with the same pair, or with the account password; in production only over TLS.

Every answer carries the OpenRosa headers.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from jusoor.accounts.models import User
from jusoor.programmes.models import Project
from jusoor.surveys import openrosa, services
from jusoor.surveys.access import collectable_forms, token_forms, token_grant
from jusoor.surveys.models import AppToken, Form

MAX_SUBMISSION_BYTES = settings.JUSOOR_SUBMISSION_MAX_BYTES


def _headers(response: HttpResponse) -> HttpResponse:
    response["X-OpenRosa-Version"] = openrosa.OPENROSA_VERSION
    response["X-OpenRosa-Accept-Content-Length"] = str(MAX_SUBMISSION_BYTES)
    response["Date"] = http_date()
    # Messages follow the phone's Accept-Language (ODK Collect sends its own).
    response["Content-Language"] = get_language() or settings.LANGUAGE_CODE
    return response


def _xml(body: bytes, status: int = 200) -> HttpResponse:
    return _headers(HttpResponse(body, status=status, content_type="text/xml; charset=utf-8"))


def _message(text: str, status: int, nature: str = "") -> HttpResponse:
    return _xml(openrosa.response_xml(text, nature), status)


def _basic_allowed(request: HttpRequest) -> bool:
    """Basic sends the password itself: in production only over TLS."""
    return request.is_secure() or not settings.PRODUCTION


def _unauthorised(request: HttpRequest, stale: bool = False) -> HttpResponse:
    response = _message(_("Sign in with your Jusoor user name and password."), 401)
    response["WWW-Authenticate"] = openrosa.digest_challenge(
        stale=stale, basic=_basic_allowed(request)
    )
    return response


class _Denied(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _credentials(project: Project, username: str) -> list[AppToken]:
    """The live app tokens a phone may present as the password of ``username`` here."""
    return list(
        AppToken.objects.select_related("user")
        .filter(project=project, collect_username=username, revoked_at=None)
        .exclude(digest_ha1="")
    )


def _digest_token(request: HttpRequest, project: Project, params: dict[str, str]) -> AppToken:
    required = ("username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce")
    if (
        any(not params.get(name) for name in required)
        or params["realm"] != openrosa.DIGEST_REALM
        or params["qop"] != "auth"
        or params.get("algorithm", "MD5").upper() != "MD5"
        # The answer must be for this very resource, not replayed from another URL.
        or unquote(urlsplit(params["uri"]).path) != request.path
    ):
        raise _Denied(_unauthorised(request))
    age = openrosa.nonce_age(params["nonce"])
    if age is None or age < -openrosa.DIGEST_CLOCK_SKEW_SECONDS:
        raise _Denied(_unauthorised(request))
    if age > openrosa.DIGEST_NONCE_SECONDS:
        raise _Denied(_unauthorised(request, stale=True))
    method = request.method or "GET"
    for found in _credentials(project, params["username"]):
        expected = openrosa.digest_response(found.digest_ha1, method, params)
        if hmac.compare_digest(expected, params["response"].lower()) and found.user.is_active:
            if not services.take_nonce_use(params, age):
                # This very answer was taken before: a captured header replayed, or one the
                # phone's HTTP client resent by itself after a dropped connection. The password
                # was right and only this use of the nonce is spent, so the answer is stale=true
                # (RFC 7616: the nonce, not the credentials, was refused). ODK Collect's digest
                # authenticator (okhttp-digest) answers stale=true with the new nonce at once,
                # while a 401 without it after a Digest attempt makes Collect give up and ask the
                # enumerator for a password that was not wrong. A replayer gains nothing from
                # it: answering the new nonce needs the password.
                raise _Denied(_unauthorised(request, stale=True))
            return found
    raise _Denied(_unauthorised(request))


def _basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _space, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded or not _basic_allowed(request):
        return None
    try:
        username, _colon, password = base64.b64decode(encoded).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return username, password


def _sender(
    request: HttpRequest, pk: int, token: str | None
) -> tuple[User, Project, dict[str, Form]]:
    """(who, project, the forms they may use by form_id), or _Denied with the answer to give.
    An app token's forms come from its grant, kept for a few seconds without a query
    (``access.token_grant``); every other credential's are read here."""
    if token is not None:
        grant = token_grant(services.hash_token(token), pk)
        if grant is None:
            get_object_or_404(Project, pk=pk)  # an unknown project is still a 404
            raise _Denied(_message(_("This app token is not valid (revoked or mistyped)."), 403))
        return grant.user(), grant.project(), grant.form_map()
    project = get_object_or_404(Project, pk=pk)
    params = openrosa.parse_digest(request.META.get("HTTP_AUTHORIZATION", ""))
    if params is not None:
        found = _digest_token(request, project, params)
        return found.user, project, _by_form_id(token_forms(found))
    pair = _basic_credentials(request)
    if pair is None:
        raise _Denied(_unauthorised(request))
    username, password = pair
    ha1 = openrosa.digest_ha1(username, password)
    for found in _credentials(project, username):
        if hmac.compare_digest(found.digest_ha1, ha1) and found.user.is_active:
            return found.user, project, _by_form_id(token_forms(found))
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        raise _Denied(_unauthorised(request))
    return user, project, _by_form_id(collectable_forms(user, project))


def _by_form_id(forms: QuerySet[Form]) -> dict[str, Form]:
    return {form.form_id: form for form in forms.select_related("project")}


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
def form_list(request: HttpRequest, pk: int, token: str | None = None) -> HttpResponse:
    try:
        _user, project, forms = _sender(request, pk, token)
    except _Denied as denied:
        return denied.response
    wanted = request.GET.get("formID")
    entries = []
    for form in forms.values():  # by title (Form.Meta.ordering), as the phone lists them
        if wanted and form.form_id != wanted:
            continue
        version = form.current_version
        if version is None:
            continue
        if token is not None:
            url = reverse(
                "surveys:openrosa_key_form_download",
                kwargs={"token": token, "pk": project.pk, "form_id": form.form_id},
            )
        else:
            url = reverse(
                "surveys:openrosa_form_download", kwargs={"pk": project.pk, "form_id": form.form_id}
            )
        entries.append(
            {
                "formID": form.form_id,
                "name": version.title,
                "version": version.version,
                "hash": f"md5:{version.xform_md5}",
                "downloadUrl": request.build_absolute_uri(url),
            }
        )
    return _xml(openrosa.form_list_xml(entries))


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
def form_download(
    request: HttpRequest, pk: int, form_id: str, token: str | None = None
) -> HttpResponse:
    try:
        _user, _project, forms = _sender(request, pk, token)
    except _Denied as denied:
        return denied.response
    form = forms.get(form_id)
    version = form.current_version if form else None
    if version is None:
        return _message(_("No such form."), 404)
    return _xml(version.xform.encode("utf-8"))


@csrf_exempt
@require_http_methods(["HEAD", "POST"])
def submission(request: HttpRequest, pk: int, token: str | None = None) -> HttpResponse:
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_SUBMISSION_BYTES:
        # Refuse before reading (or authenticating) a body we will not keep.
        return _message(_("The submission is larger than this server accepts."), 413)
    try:
        user, _project, forms = _sender(request, pk, token)
    except _Denied as denied:
        return denied.response
    if request.method == "HEAD":
        return _headers(HttpResponse(status=204))
    upload = request.FILES.get("xml_submission_file")
    if upload is None:
        return _message(_("The request has no xml_submission_file part."), 400)
    media = [
        part
        for name, parts in request.FILES.lists()
        if name != "xml_submission_file"
        for part in parts
    ]
    try:
        receipt = services.receive_submission(
            forms=forms, raw=upload.read(), attachments=media, enumerator=user, request=request
        )
    except services.SubmissionRefused as refused:
        return _message(str(refused), refused.status)
    text = _("Form received.") if receipt.status == 201 else _("Already received.")
    return _message(text, receipt.status, "submit_success")
