"""HTTP Digest as ODK Collect speaks it, replayed request by request.

Collect (OkHttp with a digest authenticator) first sends a request without credentials, reads the
``WWW-Authenticate: Digest ...`` challenge of the 401, then repeats the request with
``Authorization: Digest ...`` (MD5, qop=auth, a client nonce and a request counter), and keeps
using the same server nonce, counting up, until the server says it is stale. The client side of
the exchange here is computed from RFC 7616 with hashlib alone, not with the server's helpers.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from jusoor.surveys import openrosa, services
from jusoor.surveys.models import AppToken, Submission
from jusoor.surveys.tests.factories import make_form, submission_xml
from jusoor.surveys.tests.test_openrosa import COLLECT, assert_openrosa_headers

LIMIT = 10 * 1024 * 1024


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324


def challenge_values(header: str) -> dict[str, str]:
    digest = header.split(", Basic ")[0].removeprefix("Digest ")
    values = {}
    for part in re.findall(r'\w+=(?:"[^"]*"|[^,\s]+)', digest):
        key, _eq, value = part.partition("=")
        values[key] = value.strip('"')
    return values


def authorization(
    header: str, method: str, uri: str, username: str, password: str, nc: int = 1
) -> str:
    """What OkHttp's digest authenticator answers to the challenge in ``header``."""
    chal = challenge_values(header)
    cnonce = "0a4f113b"
    ha1 = md5(f"{username}:{chal['realm']}:{password}")
    ha2 = md5(f"{method}:{uri}")
    count = f"{nc:08x}"
    response = md5(f"{ha1}:{chal['nonce']}:{count}:{cnonce}:auth:{ha2}")
    return (
        f'Digest username="{username}", realm="{chal["realm"]}", nonce="{chal["nonce"]}", '
        f'uri="{uri}", response="{response}", qop=auth, nc={count}, cnonce="{cnonce}", '
        f'algorithm=MD5, opaque="{chal["opaque"]}"'
    )


@pytest.fixture
def survey(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_form(world.project)


@pytest.fixture
def credential(world, survey):
    """The enumerator's app token: the password ODK Collect is given with their user name."""
    _token, raw = services.create_token(
        world.users["shams_enumerator"], world.project, [survey], "phone 1"
    )
    return "shams_enumerator", raw


def post(client, url: str, xml: bytes, auth: str = "", media: dict | None = None):
    files = {"xml_submission_file": SimpleUploadedFile("s.xml", xml, "text/xml")}
    for name, content in (media or {}).items():
        files[name] = SimpleUploadedFile(name, content, "image/jpeg")
    headers = {**COLLECT, "HTTP_AUTHORIZATION": auth} if auth else COLLECT
    return client.post(url, files, **headers)


def test_the_rfc_2617_example_gives_the_published_response():
    params = {
        "uri": "/dir/index.html",
        "nonce": "dcd98b7102dd2f0e8b11d0f600bfb0c093",
        "nc": "00000001",
        "cnonce": "0a4f113b",
        "qop": "auth",
    }
    ha1 = openrosa.digest_ha1("Mufasa", "Circle Of Life", realm="testrealm@host.com")
    assert openrosa.digest_response(ha1, "GET", params) == "6629fae49393a05397450978507c4ef1"


def test_collects_whole_digest_conversation(client, world, survey, credential, monkeypatch):
    username, password = credential
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})

    # 1. HEAD without credentials: 401 with a Digest challenge (and Basic as a fallback).
    first = client.head(url, **COLLECT)
    assert first.status_code == 401
    assert_openrosa_headers(first)
    challenge = first["WWW-Authenticate"]
    params = challenge_values(challenge)
    assert challenge.startswith("Digest ")
    assert params["realm"] == "Jusoor" and params["qop"] == "auth"
    assert params["algorithm"] == "MD5" and params["nonce"] and params["opaque"]
    assert "stale" not in params
    assert 'Basic realm="Jusoor"' in challenge

    # 2. HEAD again, answering the challenge: 204 with the size limit Collect will respect.
    head = client.head(
        url, **COLLECT, HTTP_AUTHORIZATION=authorization(challenge, "HEAD", url, *credential)
    )
    assert head.status_code == 204
    assert_openrosa_headers(head)
    assert int(head["X-OpenRosa-Accept-Content-Length"]) == LIMIT

    # 3. POST with the same server nonce, counter 2: stored, 201.
    xml = submission_xml()
    auth = authorization(challenge, "POST", url, *credential, nc=2)
    created = post(client, url, xml, auth, media={"photo.jpg": b"\xff\xd8one"})
    assert created.status_code == 201
    assert_openrosa_headers(created)
    assert b'nature="submit_success"' in created.content
    stored = Submission.objects.get()
    assert stored.enumerator == world.users["shams_enumerator"]
    assert stored.attachments.get().name == "photo.jpg"

    # 4. The same instanceID and bytes again (Collect's next batch of photos): 202, one row.
    auth = authorization(challenge, "POST", url, *credential, nc=3)
    again = post(client, url, xml, auth, media={"photo2.jpg": b"\xff\xd8two"})
    assert again.status_code == 202
    assert_openrosa_headers(again)
    assert Submission.objects.count() == 1
    assert sorted(stored.attachments.values_list("name", flat=True)) == [
        "photo.jpg",
        "photo2.jpg",
    ]

    # 5. The same instanceID with other content: 409, the stored answers unchanged.
    auth = authorization(challenge, "POST", url, *credential, nc=4)
    conflict = post(client, url, submission_xml(age="35"), auth)
    assert conflict.status_code == 409
    assert_openrosa_headers(conflict)
    assert Submission.objects.get().answers["age"] == "34"

    # 6. An edit names the old instance in meta/deprecatedID: 201, the old one kept as history.
    edited_id = "uuid:6f7d1c2e-0000-4000-8000-0000000000e1"
    edit = submission_xml(edited_id, age="43", deprecated_id=stored.instance_id)
    auth = authorization(challenge, "POST", url, *credential, nc=5)
    replaced = post(client, url, edit, auth)
    assert replaced.status_code == 201
    assert_openrosa_headers(replaced)
    new = Submission.objects.get(instance_id=edited_id)
    assert new.replaces == stored and new.is_current
    stored.refresh_from_db()
    assert not stored.is_current and stored.answers["age"] == "34"

    # 7. Over the size limit: 413 before anything is read or stored.
    from jusoor.surveys import views_openrosa

    monkeypatch.setattr(views_openrosa, "MAX_SUBMISSION_BYTES", 2000)
    auth = authorization(challenge, "POST", url, *credential, nc=6)
    too_big = post(client, url, submission_xml("uuid:big"), auth, media={"big.jpg": b"x" * 5000})
    assert too_big.status_code == 413
    assert_openrosa_headers(too_big, limit=2000)
    assert not Submission.objects.filter(instance_id="uuid:big").exists()


def test_form_list_and_download_answer_digest_and_name_the_plain_urls(
    client, world, survey, credential
):
    url = reverse("surveys:openrosa_form_list", kwargs={"pk": world.project.pk})
    challenge = client.get(url, **COLLECT)["WWW-Authenticate"]
    listing = client.get(
        url, **COLLECT, HTTP_AUTHORIZATION=authorization(challenge, "GET", url, *credential)
    )
    assert listing.status_code == 200
    assert_openrosa_headers(listing)
    download = reverse(
        "surveys:openrosa_form_download", kwargs={"pk": world.project.pk, "form_id": "pve_survey"}
    )
    assert f"http://testserver{download}".encode() in listing.content
    form = client.get(
        download,
        **COLLECT,
        HTTP_AUTHORIZATION=authorization(challenge, "GET", download, *credential, nc=2),
    )
    assert form.status_code == 200
    assert b"<h:title>" in form.content


def test_a_wrong_password_gets_a_fresh_challenge_and_nothing_is_stored(
    client, world, survey, credential
):
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    challenge = client.head(url, **COLLECT)["WWW-Authenticate"]
    auth = authorization(challenge, "POST", url, "shams_enumerator", "guessed")
    response = post(client, url, submission_xml(), auth)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Digest ")
    assert_openrosa_headers(response)
    assert not Submission.objects.exists()


def test_the_account_password_is_not_a_digest_password(client, world, survey, credential):
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    challenge = client.head(url, **COLLECT)["WWW-Authenticate"]
    auth = authorization(challenge, "POST", url, "shams_enumerator", "pw-shams_enumerator")
    assert post(client, url, submission_xml(), auth).status_code == 401


def test_an_expired_nonce_is_answered_stale_so_collect_retries_without_asking(
    client, world, survey, credential
):
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    old = openrosa.make_nonce(now=time.time() - openrosa.DIGEST_NONCE_SECONDS - 5)
    challenge = f'Digest realm="Jusoor", qop="auth", nonce="{old}", opaque="x"'
    response = post(
        client, url, submission_xml(), authorization(challenge, "POST", url, *credential)
    )
    assert response.status_code == 401
    fresh = challenge_values(response["WWW-Authenticate"])
    assert fresh["stale"] == "true" and fresh["nonce"] != old
    retry = post(
        client,
        url,
        submission_xml(),
        authorization(response["WWW-Authenticate"], "POST", url, *credential),
    )
    assert retry.status_code == 201


def test_a_nonce_the_server_did_not_make_is_refused(client, world, survey, credential):
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    forged = f"{int(time.time())}.{'0' * 32}"
    challenge = f'Digest realm="Jusoor", qop="auth", nonce="{forged}", opaque="x"'
    response = post(
        client, url, submission_xml(), authorization(challenge, "POST", url, *credential)
    )
    assert response.status_code == 401
    assert "stale" not in challenge_values(response["WWW-Authenticate"])
    assert not Submission.objects.exists()


def test_an_answer_computed_for_another_url_is_refused(client, world, survey, credential):
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    listing = reverse("surveys:openrosa_form_list", kwargs={"pk": world.project.pk})
    challenge = client.head(url, **COLLECT)["WWW-Authenticate"]
    auth = authorization(challenge, "POST", listing, *credential)
    assert post(client, url, submission_xml(), auth).status_code == 401


def test_a_revoked_credential_no_longer_answers_the_challenge(client, world, survey, credential):
    services.revoke_token(world.users["shams_enumerator"], AppToken.objects.get())
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    challenge = client.head(url, **COLLECT)["WWW-Authenticate"]
    auth = authorization(challenge, "POST", url, *credential)
    assert post(client, url, submission_xml(), auth).status_code == 401
    assert not Submission.objects.exists()


def test_a_credential_reaches_only_its_forms_while_the_enumerator_is_assigned(
    client, world, survey, credential
):
    other = make_form(world.project, form_id="kii_guide")
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    listing_url = reverse("surveys:openrosa_form_list", kwargs={"pk": world.project.pk})
    challenge = client.head(url, **COLLECT)["WWW-Authenticate"]
    listing = client.get(
        listing_url,
        **COLLECT,
        HTTP_AUTHORIZATION=authorization(challenge, "GET", listing_url, *credential),
    )
    assert b"pve_survey" in listing.content and b"kii_guide" not in listing.content
    auth = authorization(challenge, "POST", url, *credential, nc=2)
    assert post(client, url, submission_xml(form_id="kii_guide"), auth).status_code == 404
    assert other.submissions.count() == 0

    # Assigned to someone else now: the credential no longer reaches the form either.
    survey.enumerators.set([world.users["shams_me_officer"]])
    auth = authorization(challenge, "POST", url, *credential, nc=3)
    assert post(client, url, submission_xml(), auth).status_code == 404
    assert not Submission.objects.exists()


def test_only_a_sealed_ha1_is_stored_never_the_password(world, survey, credential):
    username, password = credential
    with connection.cursor() as cursor:
        cursor.execute("SELECT collect_username, digest_ha1, token_hash FROM surveys_apptoken")
        stored_username, sealed, token_hash = cursor.fetchone()
    ha1 = md5(f"{username}:Jusoor:{password}")
    assert stored_username == username
    assert sealed.startswith("v1.") and ha1 not in sealed and password not in sealed
    assert password not in token_hash
    assert AppToken.objects.get().digest_ha1 == ha1


def test_basic_with_the_credential_works_and_production_refuses_basic_without_tls(
    client, world, survey, credential, settings
):
    username, password = credential
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    basic = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
    assert post(client, url, submission_xml(), basic).status_code == 201

    settings.PRODUCTION = True
    refused = post(client, url, submission_xml("uuid:plain-http"), basic)
    assert refused.status_code == 401
    assert "Basic" not in refused["WWW-Authenticate"]
    secure = client.post(
        url,
        {"xml_submission_file": SimpleUploadedFile("s.xml", submission_xml("uuid:tls"))},
        secure=True,
        **COLLECT,
        HTTP_AUTHORIZATION=basic,
    )
    assert secure.status_code == 201
    assert Submission.objects.count() == 2
