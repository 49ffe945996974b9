"""ODK Collect's conversation with the server, replayed as Collect sends it.

Shapes from the OpenRosa specification (docs.getodk.org/openrosa-*) and ODK Central: Collect
asks formList with the OpenRosa header, downloads the XForm, then HEADs the submission URL (to
learn the size limit and whether to authenticate) and POSTs multipart/form-data with the XML in
the part ``xml_submission_file`` and each photo in a part named after its file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time

import pytest
from defusedxml.ElementTree import fromstring
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from jusoor.core.models import AuditEvent
from jusoor.surveys import services
from jusoor.surveys.models import Submission
from jusoor.surveys.tests.factories import make_form, submission_xml

COLLECT = {
    "HTTP_X_OPENROSA_VERSION": "1.0",
    "HTTP_USER_AGENT": "org.odk.collect.android/v2024.2.4 Dalvik/2.1.0 (Linux; U; Android 13)",
    "HTTP_ACCEPT_ENCODING": "gzip",
    "HTTP_DATE": "Sun, 29 Nov 2026 02:00:00 GMT+00:00",
}


def basic(username: str) -> dict[str, str]:
    raw = f"{username}:pw-{username}".encode()
    return {**COLLECT, "HTTP_AUTHORIZATION": "Basic " + base64.b64encode(raw).decode()}


@pytest.fixture
def survey(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_form(world.project)


def submit(client, project, xml: bytes, *, user="shams_enumerator", media=None, url=None):
    files = {
        "xml_submission_file": SimpleUploadedFile("pve_2024-05-01_10-00-00.xml", xml, "text/xml")
    }
    for name, content in (media or {}).items():
        files[name] = SimpleUploadedFile(name, content, "image/jpeg")
    url = url or reverse("surveys:openrosa_submission", kwargs={"pk": project.pk})
    headers = basic(user) if user else COLLECT
    return client.post(url, files, **headers)


def assert_openrosa_headers(response, limit: int = 10 * 1024 * 1024):
    assert response["X-OpenRosa-Version"] == "1.0"
    assert response["Date"].endswith("GMT")
    assert int(response["X-OpenRosa-Accept-Content-Length"]) == limit
    assert response["Content-Language"] in ("ar", "en")


def test_form_list_without_credentials_asks_for_digest_or_basic_authentication(
    client, world, survey
):
    response = client.get(
        reverse("surveys:openrosa_form_list", kwargs={"pk": world.project.pk}), **COLLECT
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Digest realm="Jusoor", qop="auth"')
    assert 'Basic realm="Jusoor"' in response["WWW-Authenticate"]
    assert_openrosa_headers(response)


def test_a_session_cookie_is_not_enough_for_openrosa(client, world, survey):
    client.force_login(world.users["shams_enumerator"])
    response = client.get(reverse("surveys:openrosa_form_list", kwargs={"pk": world.project.pk}))
    assert response.status_code == 401


def test_wrong_password_is_refused(client, world, survey):
    headers = {
        **COLLECT,
        "HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"shams_enumerator:nope").decode(),
    }
    response = client.get(
        reverse("surveys:openrosa_form_list", kwargs={"pk": world.project.pk}), **headers
    )
    assert response.status_code == 401


def test_form_list_names_each_form_with_its_hash_and_download_url(client, world, survey):
    response = client.get(
        reverse("surveys:openrosa_form_list", kwargs={"pk": world.project.pk}),
        **basic("shams_enumerator"),
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert_openrosa_headers(response)
    root = fromstring(response.content)
    ns = {"x": "http://openrosa.org/xforms/xformsList"}
    xform = root.find("x:xform", ns)
    assert xform.findtext("x:formID", namespaces=ns) == "pve_survey"
    assert xform.findtext("x:version", namespaces=ns) == "1"
    assert xform.findtext("x:name", namespaces=ns) == "استبيان التطرف العنيف"
    version = survey.current_version
    expected = hashlib.md5(version.xform.encode()).hexdigest()  # noqa: S324
    assert xform.findtext("x:hash", namespaces=ns) == f"md5:{expected}"
    download = xform.findtext("x:downloadUrl", namespaces=ns)
    assert download.startswith("http://testserver/openrosa/projects/")

    form = client.get(download.removeprefix("http://testserver"), **basic("shams_enumerator"))
    assert form.status_code == 200
    assert hashlib.md5(form.content).hexdigest() == expected  # noqa: S324
    assert b"<h:title>" in form.content
    assert_openrosa_headers(form)


def test_the_form_list_is_in_the_order_of_the_names_the_phone_shows(client, world, survey):
    meetings = make_form(world.project, form_id="aaa_meetings", title="مقابلات المسؤولين")
    baseline = make_form(world.project, form_id="zzz_baseline", title="استبيان خط الأساس")
    forms = [survey, meetings, baseline]
    for credentials in (basic("shams_enumerator"), {}):
        if not credentials:  # the same list through an app token (its grant, no form query)
            raw = services.create_token(world.users["shams_enumerator"], world.project, forms)[1]
            url = reverse(
                "surveys:openrosa_key_form_list", kwargs={"token": raw, "pk": world.project.pk}
            )
        else:
            url = reverse("surveys:openrosa_form_list", kwargs={"pk": world.project.pk})
        response = client.get(url, **{**COLLECT, **credentials})
        ns = {"x": "http://openrosa.org/xforms/xformsList"}
        names = [x.findtext("x:name", namespaces=ns) for x in fromstring(response.content)]
        assert names == ["استبيان التطرف العنيف", "استبيان خط الأساس", "مقابلات المسؤولين"]


def test_someone_who_cannot_collect_sees_no_forms(client, world, survey):
    response = client.get(
        reverse("surveys:openrosa_form_list", kwargs={"pk": world.project.pk}),
        **basic("shams_viewer"),
    )
    assert response.status_code == 200
    assert b"<xform>" not in response.content
    download = reverse(
        "surveys:openrosa_form_download", kwargs={"pk": world.project.pk, "form_id": "pve_survey"}
    )
    assert client.get(download, **basic("shams_viewer")).status_code == 404
    assert submit(client, world.project, submission_xml(), user="shams_viewer").status_code == 404
    assert submit(client, world.project, submission_xml(), user="outsider").status_code == 404
    assert not Submission.objects.exists()


def test_a_form_assigned_to_others_is_hidden_from_this_enumerator(client, world, survey):
    survey.enumerators.set([world.users["shams_me_officer"]])
    response = client.get(
        reverse("surveys:openrosa_form_list", kwargs={"pk": world.project.pk}),
        **basic("shams_enumerator"),
    )
    assert b"pve_survey" not in response.content
    assert submit(client, world.project, submission_xml()).status_code == 404


def test_head_on_submission_answers_204_with_the_size_limit(client, world, survey):
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    anonymous = client.head(url, **COLLECT)
    assert anonymous.status_code == 401
    response = client.head(url, **basic("shams_enumerator"))
    assert response.status_code == 204
    assert_openrosa_headers(response)


def test_a_submission_is_received_with_201_and_the_openrosa_body(client, world, survey):
    response = submit(
        client, world.project, submission_xml(), media={"1714557600123.jpg": b"\xff\xd8photo"}
    )
    assert response.status_code == 201
    assert_openrosa_headers(response)
    root = fromstring(response.content)
    assert root.tag == "{http://openrosa.org/http/response}OpenRosaResponse"
    assert root.find("{http://openrosa.org/http/response}message").get("nature") == "submit_success"

    submission = Submission.objects.get()
    assert submission.instance_id == "uuid:6f7d1c2e-0000-4000-8000-000000000001"
    assert submission.enumerator == world.users["shams_enumerator"]
    assert submission.version == survey.current_version
    assert submission.answers["sex"] == "female"
    assert submission.answers["trust/police"] == "2"
    assert submission.answers["household"] == [
        {"household/member_age": "12"},
        {"household/member_age": "8"},
    ]
    assert "respondent" not in submission.answers
    assert submission.personal_answers()["respondent"] == "فاطمة علي"
    assert submission.personal_answers()["household"][0] == {"household/member_name": "حسن"}
    assert submission.attachments.get().name == "1714557600123.jpg"
    assert AuditEvent.objects.filter(action="survey.submission.receive").count() == 1


def test_personal_answers_and_the_xml_are_sealed_in_the_database(client, world, survey):
    submit(client, world.project, submission_xml())

    with connection.cursor() as cursor:
        cursor.execute("SELECT xml, pii, answers FROM surveys_submission")
        xml, pii, answers = cursor.fetchone()
    assert "فاطمة" not in xml and "فاطمة" not in pii
    assert xml.startswith("v1.") and pii.startswith("v1.")
    answers = answers if isinstance(answers, dict) else json.loads(answers)
    assert "فاطمة" not in json.dumps(answers, ensure_ascii=False)


def test_an_identical_resubmission_answers_202_and_keeps_new_attachments(client, world, survey):
    xml = submission_xml()
    assert submit(client, world.project, xml, media={"a.jpg": b"1"}).status_code == 201
    again = submit(client, world.project, xml, media={"a.jpg": b"1", "b.jpg": b"2"})
    assert again.status_code == 202
    assert_openrosa_headers(again)
    submission = Submission.objects.get()
    assert sorted(submission.attachments.values_list("name", flat=True)) == ["a.jpg", "b.jpg"]


def test_the_same_instance_id_with_other_content_is_a_409_conflict(client, world, survey):
    assert submit(client, world.project, submission_xml(age="34")).status_code == 201
    response = submit(client, world.project, submission_xml(age="35"))
    assert response.status_code == 409
    assert b"deprecatedID" in response.content
    assert Submission.objects.get().answers["age"] == "34"


def test_an_edit_with_deprecated_id_replaces_and_keeps_the_history(client, world, survey):
    first = "uuid:00000000-0000-4000-8000-00000000000a"
    second = "uuid:00000000-0000-4000-8000-00000000000b"
    assert submit(client, world.project, submission_xml(first, age="34")).status_code == 201
    edit = submission_xml(second, age="43", deprecated_id=first)
    assert submit(client, world.project, edit).status_code == 201
    old = Submission.objects.get(instance_id=first)
    new = Submission.objects.get(instance_id=second)
    assert not old.is_current and new.is_current
    assert new.replaces == old and new.answers["age"] == "43"
    assert old.answers["age"] == "34"
    assert AuditEvent.objects.filter(action="survey.submission.edit").count() == 1


def test_a_second_edit_of_the_same_original_is_a_409_conflict(client, world, survey):
    original = "uuid:00000000-0000-4000-8000-00000000000a"
    assert submit(client, world.project, submission_xml(original, age="34")).status_code == 201
    first = submission_xml("uuid:edit-1", age="43", deprecated_id=original)
    assert submit(client, world.project, first).status_code == 201
    second = submission_xml("uuid:edit-2", age="44", deprecated_id=original)
    response = submit(client, world.project, second)
    assert response.status_code == 409
    assert_openrosa_headers(response)
    assert not Submission.objects.filter(instance_id="uuid:edit-2").exists()
    current = Submission.objects.get(replaces__instance_id=original)
    assert current.instance_id == "uuid:edit-1" and current.answers["age"] == "43"


def test_a_submission_over_the_size_limit_gets_413(client, world, survey, monkeypatch):
    from jusoor.surveys import views_openrosa

    monkeypatch.setattr(views_openrosa, "MAX_SUBMISSION_BYTES", 2000)
    response = submit(client, world.project, submission_xml(), media={"big.jpg": b"x" * 5000})
    assert response.status_code == 413
    assert_openrosa_headers(response, limit=2000)
    assert not Submission.objects.exists()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<data id="pve_survey" version="1"><respondent>&lol9;</respondent>
<meta><instanceID>uuid:lol</instanceID></meta></data>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE data [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<data id="pve_survey" version="1"><respondent>&xxe;</respondent>
<meta><instanceID>uuid:xxe</instanceID></meta></data>"""


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entity_tricks_are_refused_with_400_and_nothing_is_stored(client, world, survey, payload):
    response = submit(client, world.project, payload)
    assert response.status_code == 400
    assert b"DTD" in response.content or b"entities" in response.content
    assert b"root:" not in response.content
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "xml,status",
    [
        (b"<data id='pve_survey' version='1'><age>3", 400),
        (b"<data version='1'><meta><instanceID>uuid:x</instanceID></meta></data>", 400),
        (b"<data id='pve_survey' version='1'><age>3</age></data>", 400),
        (
            b"<data id='pve_survey' version='9'><meta><instanceID>uuid:x</instanceID></meta></data>",
            400,
        ),
        (b"<data id='other' version='1'><meta><instanceID>uuid:x</instanceID></meta></data>", 404),
    ],
    ids=["broken", "no-form-id", "no-instance-id", "unknown-version", "unknown-form"],
)
def test_bad_submissions_are_refused_with_a_message(client, world, survey, xml, status):
    response = submit(client, world.project, xml)
    assert response.status_code == status
    assert b"<message" in response.content
    assert not Submission.objects.exists()


def test_an_instance_naming_its_form_by_id_string_as_kobotoolbox_stores_it(client, world, survey):
    xml = submission_xml().replace(b'id="pve_survey"', b'id_string="pve_survey"')
    assert b"id_string=" in xml
    assert submit(client, world.project, xml).status_code == 201
    assert Submission.objects.get().form == survey


def test_a_post_without_the_xml_part_is_a_400(client, world, survey):
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    response = client.post(
        url, {"photo.jpg": SimpleUploadedFile("photo.jpg", b"1")}, **basic("shams_enumerator")
    )
    assert response.status_code == 400


def test_an_app_token_in_the_path_lists_downloads_and_submits_its_forms(client, world, survey):
    enumerator = world.users["shams_enumerator"]
    token, raw = services.create_token(enumerator, world.project, [survey], "phone 1")
    assert token.token_hash != raw and raw not in token.token_hash
    kwargs = {"token": raw, "pk": world.project.pk}
    listing = client.get(reverse("surveys:openrosa_key_form_list", kwargs=kwargs), **COLLECT)
    assert listing.status_code == 200
    assert f"/openrosa/key/{raw}/projects/".encode() in listing.content
    download = reverse(
        "surveys:openrosa_key_form_download", kwargs={**kwargs, "form_id": "pve_survey"}
    )
    assert client.get(download, **COLLECT).status_code == 200
    url = reverse("surveys:openrosa_key_submission", kwargs=kwargs)
    assert client.head(url, **COLLECT).status_code == 204
    response = submit(client, world.project, submission_xml(), user=None, url=url)
    assert response.status_code == 201
    assert Submission.objects.get().enumerator == enumerator


def test_a_revoked_or_wrong_token_is_refused(client, world, survey):
    enumerator = world.users["shams_enumerator"]
    token, raw = services.create_token(enumerator, world.project, [survey])
    services.revoke_token(enumerator, token)
    for key in (raw, "not-a-token"):
        url = reverse(
            "surveys:openrosa_key_submission", kwargs={"token": key, "pk": world.project.pk}
        )
        response = submit(client, world.project, submission_xml(), user=None, url=url)
        assert response.status_code == 403
        assert_openrosa_headers(response)
    assert not Submission.objects.exists()


def test_a_token_reaches_only_the_forms_it_was_made_for(client, world, survey):
    other = make_form(world.project, form_id="kii_guide")
    enumerator = world.users["shams_enumerator"]
    _token, raw = services.create_token(enumerator, world.project, [other])
    kwargs = {"token": raw, "pk": world.project.pk}
    listing = client.get(reverse("surveys:openrosa_key_form_list", kwargs=kwargs), **COLLECT)
    assert b"kii_guide" in listing.content and b"pve_survey" not in listing.content
    url = reverse("surveys:openrosa_key_submission", kwargs=kwargs)
    assert submit(client, world.project, submission_xml(), user=None, url=url).status_code == 404


def test_openrosa_urls_have_no_language_prefix():
    assert (
        reverse("surveys:openrosa_form_list", kwargs={"pk": 1}) == "/openrosa/projects/1/formList"
    )


def test_messages_follow_the_phones_language(client, world, survey):
    headers = {**basic("shams_enumerator"), "HTTP_ACCEPT_LANGUAGE": "en"}
    files = {"xml_submission_file": SimpleUploadedFile("x.xml", b"<data", "text/xml")}
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    response = client.post(url, files, **headers)
    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    assert b"not well-formed XML" in response.content


def test_a_submission_with_an_app_token_costs_a_fixed_handful_of_queries(
    client, world, survey, django_assert_max_num_queries
):
    enumerator = world.users["shams_enumerator"]
    _token, raw = services.create_token(enumerator, world.project, [survey])
    url = reverse("surveys:openrosa_key_submission", kwargs={"token": raw, "pk": world.project.pk})
    submit(client, world.project, submission_xml("uuid:warm"), user=None, url=url)
    # What the token reaches was read with the first one (access.token_grant); then the row,
    # indicators to mark stale, the audit event (on SQLite with the chain's head; PostgreSQL
    # seals it after the commit), the transaction and its savepoints.
    with django_assert_max_num_queries(8) as queries:
        response = submit(client, world.project, submission_xml(), user=None, url=url)
    assert response.status_code == 201
    assert not [q for q in queries.captured_queries if "surveys_apptoken" in q["sql"]]
    assert Submission.objects.filter(enumerator=enumerator).count() == 2


def _token_url(world, raw):
    return reverse("surveys:openrosa_key_submission", kwargs={"token": raw, "pk": world.project.pk})


def _send(client, world, url, instance_id):
    """The status a phone with this token address gets for a new submission."""
    return submit(
        client, world.project, submission_xml(instance_id), user=None, url=url
    ).status_code


def test_a_token_revoked_in_this_process_is_refused_at_once(client, world, survey):
    enumerator = world.users["shams_enumerator"]
    token, raw = services.create_token(enumerator, world.project, [survey])
    url = _token_url(world, raw)
    assert _send(client, world, url, "uuid:a") == 201
    services.revoke_token(enumerator, token)
    assert _send(client, world, url, "uuid:b") == 403
    assert list(Submission.objects.values_list("instance_id", flat=True)) == ["uuid:a"]


def test_closing_a_form_or_unassigning_the_enumerator_is_seen_at_once(client, world, survey):
    enumerator = world.users["shams_enumerator"]
    _token, raw = services.create_token(enumerator, world.project, [survey])
    url = _token_url(world, raw)
    assert _send(client, world, url, "uuid:a") == 201
    survey.enumerators.set([world.users["shams_me_officer"]])
    assert _send(client, world, url, "uuid:b") == 404
    survey.enumerators.clear()
    assert _send(client, world, url, "uuid:c") == 201
    survey.is_open = False
    survey.save()
    assert _send(client, world, url, "uuid:d") == 404
    assert sorted(Submission.objects.values_list("instance_id", flat=True)) == ["uuid:a", "uuid:c"]


def test_a_change_made_by_another_process_is_seen_within_the_grant_seconds(
    client, world, survey, monkeypatch
):
    """Another server process revoking the token sends no signal here: the grant read before
    lasts its few seconds, and no longer."""
    from jusoor.surveys import access

    enumerator = world.users["shams_enumerator"]
    token, raw = services.create_token(enumerator, world.project, [survey])
    url = _token_url(world, raw)
    assert _send(client, world, url, "uuid:a") == 201
    type(token).objects.filter(pk=token.pk).update(revoked_at=timezone.now())  # no signal
    assert _send(client, world, url, "uuid:b") == 201
    later = time.monotonic() + access._GRANT_SECONDS + 0.1
    monkeypatch.setattr(access, "_clock", lambda: later)
    assert _send(client, world, url, "uuid:c") == 403


def test_the_xml_built_for_an_import_leaves_out_characters_xml_cannot_hold():
    """A spreadsheet cell may carry a control character; the document must still parse."""
    from jusoor.surveys import openrosa

    definition = {
        "name": "data",
        "children": [
            {"name": "note", "type": "text"},
            {"name": "household", "type": "repeat", "children": [{"name": "age", "type": "int"}]},
        ],
    }
    answers = {"note": "خط\x0bثانٍ & <b>", "household": [{"household/age": 7}]}
    raw = openrosa.build_xml(definition, "pve_survey", "1", answers)
    root = fromstring(raw)  # raises on a character XML cannot hold
    assert root.findtext("note") == "خطثانٍ & <b>"
    assert root.findtext("household/age") == "7"
