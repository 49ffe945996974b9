"""Uploading resources: text is read from PDF, Word and Excel; bad files get a clear message."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from jusoor.core.models import AuditEvent
from jusoor.library import services
from jusoor.library.models import Resource, ResourceVersion, SearchDocument
from jusoor.library.search import search
from jusoor.library.tests.builders import (
    PNG,
    docx_upload,
    encrypted_pdf_upload,
    make_resource,
    pdf_upload,
    scanned_pdf_upload,
    upload,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    data = {
        "title_ar": "دليل الميسرين",
        "title_en": "Facilitators' guide",
        "kind": "guide",
        "language": "ar",
        "published_on": "2024-02-01",
        "visibility": "public",
        "audience": ["youth", "women"],
        "themes": ["prevention"],
    }
    data.update(overrides)
    return data


def post_new(client, world, **data):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        return client.post(
            reverse("library:resource_create", kwargs={"slug": world.shams.slug}), data
        )


def test_a_pdf_upload_is_saved_with_its_text_and_found_by_words_inside_it(admin_client, world):
    file = pdf_upload("guide.pdf", "Guide", "Sessions on resilience against extremists.")
    response = post_new(admin_client, world, file=file, **form_data())
    resource = Resource.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("library:resource", kwargs={"pk": resource.pk})
    version = resource.versions.get()
    assert version.number == 1 and version.file_format == "pdf"
    assert "resilience" in version.text
    assert resource.audience_list == ["youth", "women"]
    assert [h.resource for h in search(world.users["outsider"], "resilience").hits] == [resource]
    assert AuditEvent.objects.filter(action="library.resource_created").count() == 1


def test_an_arabic_pdf_made_with_shaped_letters_is_searchable_in_plain_arabic(world):
    file = pdf_upload("ar.pdf", "دليل", "يناقش الميسرون أسباب التطرف مع الشباب في الأنبار")
    resource = make_resource(world.shams, file=file, title_ar="عنوان", title_en="Shaped")
    assert "التطرف" in resource.versions.get().text
    assert [h.resource for h in search(world.users["outsider"], "الأنبار").hits] == [resource]


def test_word_and_excel_files_have_their_text_read(world):
    word = make_resource(world.shams, file=docx_upload("g.docx", "جلسة عن المصالحة المجتمعية"))
    sheet = make_resource(world.shams, file=xlsx_upload("d.xlsx"), title_ar="بيانات")
    assert "المصالحة" in word.versions.get().text
    assert "الرمادي" in sheet.versions.get().text


def test_an_image_is_stored_without_text(world):
    resource = make_resource(world.shams, file=upload("poster.png", PNG))
    assert resource.versions.get().text_status == "none"


def test_a_scanned_pdf_is_stored_marked_no_text_and_found_by_its_title(admin_client, world):
    response = post_new(
        admin_client, world, file=scanned_pdf_upload(), **form_data(title_en="Scanned minutes")
    )
    resource = Resource.objects.get()
    assert resource.versions.get().text_status == "no_text"
    with translation.override("en"):
        page = admin_client.get(response["Location"]).content.decode()
    assert "no text layer" in page
    assert [h.resource for h in search(world.users["outsider"], "minutes").hits] == [resource]


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (lambda: encrypted_pdf_upload(), "protected by a password"),
        (lambda: upload("broken.pdf", b"%PDF-1.4\n1 0 obj garbage"), "damaged PDF"),
        (lambda: upload("photo.pdf", PNG), "named as a PDF file but its content is PNG"),
        (lambda: upload("notes.docx", b"%PDF-1.4 not a word file"), "content is PDF"),
        (lambda: upload("notes.docx", b"just some text"), "unknown type"),
        (lambda: upload("run.exe", b"MZ\x90\x00"), "only PDF, Word"),
        (lambda: upload("empty.pdf", b""), "is empty"),
    ],
)
def test_a_bad_file_gets_a_clear_message_and_nothing_is_saved(
    admin_client, world, settings, tmp_path, file, message
):
    response = post_new(admin_client, world, file=file(), **form_data())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Resource.objects.count() == 0
    assert ResourceVersion.objects.count() == 0 and SearchDocument.objects.count() == 0
    media = tmp_path / "media"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_file_over_the_upload_limit_is_refused_with_the_limit_named(
    admin_client, world, settings
):
    settings.LIBRARY_MAX_UPLOAD_MB = 1
    big = upload("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    response = post_new(admin_client, world, file=big, **form_data())
    assert response.status_code == 200
    assert "up to 1 MB" in response.content.decode()
    assert Resource.objects.count() == 0


def test_a_resource_needs_a_file_or_a_web_address(admin_client, world):
    response = post_new(admin_client, world, **form_data())
    assert "Upload a file or give a web address." in response.content.decode()
    response = post_new(admin_client, world, **form_data(link="https://example.org/a"))
    assert response.status_code == 302


def test_a_project_resource_needs_a_project(admin_client, world):
    response = post_new(
        admin_client, world, **form_data(link="https://example.org", visibility="project")
    )
    assert "Choose the project" in response.content.decode()


def test_a_new_file_is_a_new_version_and_the_old_one_is_kept(admin_client, world):
    resource = make_resource(world.shams, file=pdf_upload("v1.pdf", "Guide", "first draft"))
    with translation.override("en"):
        response = admin_client.post(
            reverse("library:version_add", kwargs={"pk": resource.pk}),
            {"file": pdf_upload("v2.pdf", "Guide", "final reconciliation text")},
        )
    assert response.status_code == 302
    assert list(resource.versions.values_list("number", "filename")) == [
        (2, "v2.pdf"),
        (1, "v1.pdf"),
    ]
    anon = world.users["outsider"]
    assert [h.resource for h in search(anon, "reconciliation").hits] == [resource]
    assert search(anon, "draft").hits == []
    old = admin_client.get(reverse("library:download", kwargs={"pk": resource.pk}) + "?v=1")
    assert b"".join(old.streaming_content).startswith(b"%PDF")


def test_a_bad_new_version_leaves_the_current_one_in_place(world):
    resource = make_resource(world.shams, file=pdf_upload("v1.pdf", "Guide", "first"))
    with pytest.raises(ValidationError):
        services.add_version(None, resource, upload("v2.pdf", PNG))
    assert resource.versions.count() == 1


def test_downloads_are_counted_for_the_resource_and_the_version(client, world):
    resource = make_resource(world.shams, file=pdf_upload())
    url = reverse("library:download", kwargs={"pk": resource.pk})
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
    resource.refresh_from_db()
    assert resource.download_count == 3
    assert resource.versions.get().download_count == 3


def test_a_linked_resource_download_goes_to_the_web_address_and_counts(client, world):
    resource = make_resource(world.shams, link="https://example.org/report")
    response = client.get(reverse("library:download", kwargs={"pk": resource.pk}))
    assert response.status_code == 302 and response["Location"] == "https://example.org/report"
    resource.refresh_from_db()
    assert resource.download_count == 1


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,<script>", "//evil"])
def test_a_stored_link_that_is_not_a_web_address_is_never_followed(client, world, link):
    # Only a row written around the form can hold one; the download refuses it, uncounted.
    resource = make_resource(world.shams, link=link)
    response = client.get(reverse("library:download", kwargs={"pk": resource.pk}))
    assert response.status_code == 404
    resource.refresh_from_db()
    assert resource.download_count == 0


def test_editing_metadata_is_audited_and_reindexed(admin_client, world):
    resource = make_resource(world.shams, link="https://example.org")
    data = form_data(title_en="Renamed handbook", link="https://example.org")
    with translation.override("en"):
        response = admin_client.post(
            reverse("library:resource_edit", kwargs={"pk": resource.pk}), data
        )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="library.resource_changed")
    assert event.data["changes"]["title_en"] == ["Prevention toolkit", "Renamed handbook"]
    assert [h.resource for h in search(world.users["outsider"], "handbook").hits] == [resource]


def test_deleting_removes_the_resource_its_files_and_its_index_entry(admin_client, world, tmp_path):
    resource = make_resource(world.shams, file=pdf_upload())
    with translation.override("en"):
        response = admin_client.post(reverse("library:resource_delete", kwargs={"pk": resource.pk}))
    assert response.status_code == 302
    assert not Resource.objects.exists() and not SearchDocument.objects.exists()
    assert search(world.users["outsider"], "toolkit").total == 0


def test_a_huge_upload_is_refused_before_it_is_read(admin_client, world, settings):
    settings.LIBRARY_MAX_UPLOAD_MB = 1
    huge = upload("huge.pdf", b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024))
    response = post_new(admin_client, world, file=huge, **form_data())
    assert response.status_code == 413
    assert "up to 1 MB" in response.content.decode()
    assert Resource.objects.count() == 0
