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
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils.crypto import salted_hmac

from jusoor.surveys import openrosa, services
from jusoor.surveys.models import AppToken, DigestNonceUse, Submission
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
    header: str,
    method: str,
    uri: str,
    username: str,
    password: str,
    nc: int = 1,
    cnonce: str = "0a4f113b",
) -> str:
    """What OkHttp's digest authenticator answers to the challenge in ``header``."""
    chal = challenge_values(header)
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


def test_every_challenge_has_a_new_nonce_and_nonces_made_before_the_salt_still_read():
    assert openrosa.make_nonce() != openrosa.make_nonce()
    stamp = str(int(time.time()) - 30)
    unsalted = f"{stamp}.{salted_hmac('jusoor.openrosa.nonce', stamp).hexdigest()[:32]}"
    assert openrosa.nonce_age(unsalted, now=int(stamp) + 30) == 30
    assert openrosa.nonce_age(f"{stamp}.{'0' * 32}") is None


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
    assert "stale" not in challenge_values(response["WWW-Authenticate"])
    assert_openrosa_headers(response)
    assert not Submission.objects.exists()
    # Only an answer that checks out is remembered: guessing fills no table.
    assert not DigestNonceUse.objects.exists()


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


# --- replays -------------------------------------------------------------------------------------


def test_a_replayed_header_is_refused_with_a_fresh_stale_challenge(
    client, world, survey, credential
):
    """Digest with qop=auth does not cover the body: whoever captures a header could send their
    own submission under the enumerator's name with it, until the nonce expired."""
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    challenge = client.head(url, **COLLECT)["WWW-Authenticate"]
    auth = authorization(challenge, "POST", url, *credential)
    assert post(client, url, submission_xml(), auth).status_code == 201

    forged = submission_xml("uuid:6f7d1c2e-0000-4000-8000-00000000bad1", age="99")
    replayed = post(client, url, forged, auth)
    assert replayed.status_code == 401
    assert_openrosa_headers(replayed)
    fresh = challenge_values(replayed["WWW-Authenticate"])
    # stale=true: the credentials were right, only this use of the nonce is spent, so ODK
    # Collect answers the new nonce by itself instead of asking the enumerator for a password.
    assert fresh["stale"] == "true" and fresh["nonce"] != challenge_values(challenge)["nonce"]
    assert Submission.objects.count() == 1
    assert Submission.objects.get().answers["age"] == "34"

    # A phone whose own request was refused so retries with the new nonce, and gets through.
    retry = post(
        client, url, forged, authorization(replayed["WWW-Authenticate"], "POST", url, *credential)
    )
    assert retry.status_code == 201
    assert Submission.objects.count() == 2


def test_a_replayed_head_is_refused_too(client, world, survey, credential):
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    challenge = client.head(url, **COLLECT)["WWW-Authenticate"]
    auth = authorization(challenge, "HEAD", url, *credential)
    assert client.head(url, **COLLECT, HTTP_AUTHORIZATION=auth).status_code == 204
    again = client.head(url, **COLLECT, HTTP_AUTHORIZATION=auth)
    assert again.status_code == 401
    assert challenge_values(again["WWW-Authenticate"])["stale"] == "true"


def test_each_count_of_a_nonce_is_taken_once_in_any_order(client, world, survey, credential):
    """A phone may send requests in parallel on one nonce, so counts may arrive out of order;
    each is taken once, and a count already taken is refused."""
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    challenge = client.head(url, **COLLECT)["WWW-Authenticate"]

    def head(nc: int) -> int:
        auth = authorization(challenge, "HEAD", url, *credential, nc=nc)
        return client.head(url, **COLLECT, HTTP_AUTHORIZATION=auth).status_code

    assert [head(1), head(2), head(4), head(3)] == [204, 204, 204, 204]
    assert [head(2), head(4)] == [401, 401]
    assert head(5) == 204


def test_two_phones_answering_the_same_nonce_do_not_refuse_each_other(
    client, world, survey, credential
):
    """The server keeps no record of whom it gave a nonce to, so two phones may answer the same
    one, even with the same count and client nonce; neither is taken for a replay of the other."""
    _token, other = services.create_token(
        world.users["shams_me_officer"], world.project, [survey], "phone 2"
    )
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    challenge = client.head(url, **COLLECT)["WWW-Authenticate"]
    for username, password in (credential, ("shams_me_officer", other)):
        auth = authorization(challenge, "HEAD", url, username, password, nc=1, cnonce="same")
        assert client.head(url, **COLLECT, HTTP_AUTHORIZATION=auth).status_code == 204
    auth = authorization(challenge, "HEAD", url, *credential, nc=1, cnonce="other")
    assert client.head(url, **COLLECT, HTTP_AUTHORIZATION=auth).status_code == 204


def test_a_replayed_header_with_an_expired_nonce_is_still_just_stale(
    client, world, survey, credential
):
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    old = openrosa.make_nonce(now=time.time() - openrosa.DIGEST_NONCE_SECONDS - 5)
    challenge = f'Digest realm="Jusoor", qop="auth", nonce="{old}", opaque="x"'
    auth = authorization(challenge, "HEAD", url, *credential)
    for _attempt in range(2):
        response = client.head(url, **COLLECT, HTTP_AUTHORIZATION=auth)
        assert response.status_code == 401
        assert challenge_values(response["WWW-Authenticate"])["stale"] == "true"
    assert not DigestNonceUse.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serialises writers; threads need PostgreSQL"
)
def test_the_same_header_sent_at_once_to_two_workers_is_taken_once(
    flushable_audit_log, world, survey, credential
):
    """Each thread has its own database connection, as each gunicorn worker has; nothing but
    the database is shared (without Redis the cache is each process's own)."""
    from django.test import Client

    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    challenge = Client().head(url, **COLLECT)["WWW-Authenticate"]
    auth = authorization(challenge, "HEAD", url, *credential)
    start = threading.Barrier(2)
    statuses: list[int] = []

    def worker() -> None:
        try:
            start.wait()
            response = Client().head(url, **COLLECT, HTTP_AUTHORIZATION=auth)
            statuses.append(response.status_code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [204, 401]


def test_uses_of_expired_nonces_are_deleted_and_live_ones_kept(
    client, world, survey, credential, monkeypatch
):
    now = datetime.now(UTC)
    DigestNonceUse.objects.create(key="e" * 64, expires_at=now - timedelta(seconds=1))
    DigestNonceUse.objects.create(key="l" * 64, expires_at=now + timedelta(seconds=300))
    monkeypatch.setitem(services._sweep, "next", 0.0)  # this process's sweep is due
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    challenge = client.head(url, **COLLECT)["WWW-Authenticate"]
    auth = authorization(challenge, "HEAD", url, *credential)
    assert client.head(url, **COLLECT, HTTP_AUTHORIZATION=auth).status_code == 204
    keys = set(DigestNonceUse.objects.values_list("key", flat=True))
    assert "e" * 64 not in keys and "l" * 64 in keys and len(keys) == 2
    # The new use is kept for the nonce's lifetime (and a minute for clocks that disagree).
    use = DigestNonceUse.objects.exclude(key="l" * 64).get()
    remaining = (use.expires_at - now).total_seconds()
    lifetime = openrosa.DIGEST_NONCE_SECONDS + openrosa.DIGEST_CLOCK_SKEW_SECONDS
    assert lifetime - 5 < remaining <= lifetime + 1


def test_app_tokens_and_basic_leave_no_nonce_uses(client, world, survey, credential):
    username, password = credential
    key_url = reverse(
        "surveys:openrosa_key_submission", kwargs={"token": password, "pk": world.project.pk}
    )
    assert post(client, key_url, submission_xml()).status_code == 201
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    basic = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
    assert post(client, url, submission_xml("uuid:basic"), basic).status_code == 201
    assert not DigestNonceUse.objects.exists()
