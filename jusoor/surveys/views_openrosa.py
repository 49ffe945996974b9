"""The OpenRosa server ODK Collect and KoboCollect talk to.

Not under a language prefix, exempt from CSRF (phones have no cookies), and never authenticated
by a session cookie: only HTTP Basic (the account password) or an app token in the path, as ODK
Central does (``/key/<token>/…``). Every answer carries the OpenRosa headers.
"""

from __future__ import annotations

import base64
import binascii

from django.conf import settings
from django.contrib.auth import authenticate
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
from jusoor.surveys.access import collectable_forms, token_forms
from jusoor.surveys.models import AppToken, Form

MAX_SUBMISSION_BYTES = getattr(settings, "JUSOOR_SUBMISSION_MAX_BYTES", 10 * 1024 * 1024)


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


def _unauthorised() -> HttpResponse:
    response = _message(_("Sign in with your Jusoor user name and password."), 401)
    response["WWW-Authenticate"] = 'Basic realm="Jusoor", charset="UTF-8"'
    return response


def _basic_user(request: HttpRequest) -> User | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _space, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        username, _colon, password = base64.b64decode(encoded).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user = authenticate(request, username=username, password=password)
    return user if user is not None and user.is_active else None


class _Denied(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _sender(request: HttpRequest, pk: int, token: str | None) -> tuple[User, Project, object]:
    """(who, project, the forms they may use), or _Denied with the answer to give."""
    project = get_object_or_404(Project, pk=pk)
    if token is not None:
        found = (
            AppToken.objects.select_related("user", "project")
            .filter(token_hash=services.hash_token(token), revoked_at=None, project=project)
            .first()
        )
        if found is None or not found.user.is_active:
            raise _Denied(_message(_("This app token is not valid (revoked or mistyped)."), 403))
        return found.user, project, token_forms(found)
    user = _basic_user(request)
    if user is None:
        raise _Denied(_unauthorised())
    forms = collectable_forms(user, project)
    return user, project, forms


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
def form_list(request: HttpRequest, pk: int, token: str | None = None) -> HttpResponse:
    try:
        _user, project, forms = _sender(request, pk, token)
    except _Denied as denied:
        return denied.response
    wanted = request.GET.get("formID")
    entries = []
    for form in forms.order_by("title"):  # type: ignore[attr-defined]
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
    form: Form | None = forms.filter(form_id=form_id).first()  # type: ignore[attr-defined]
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
