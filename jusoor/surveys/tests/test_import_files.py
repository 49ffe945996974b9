"""Uploaded import files are kept encrypted, a piece at a time, and read back a piece at a time."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jusoor.surveys import import_files, kobo_import, services
from jusoor.surveys.models import KoboImport, KoboImportPart, Submission
from jusoor.surveys.tests.factories import make_form


@pytest.fixture
def survey(world):  # type: ignore[no-untyped-def]
    return make_form(world.project)


@pytest.fixture
def officer(client, world):  # type: ignore[no-untyped-def]
    client.force_login(world.users["shams_me_officer"])
    return client


def _batch(survey, content: bytes) -> KoboImport:  # type: ignore[no-untyped-def]
    batch = KoboImport.objects.create(form=survey, filename="export.csv")
    import_files.store(batch, content)
    return batch


def test_a_file_is_kept_in_encrypted_pieces_and_reads_back_whole(survey, monkeypatch):
    monkeypatch.setattr(import_files, "PART_BYTES", 1000)
    content = "الاسم,العمر\n".encode() + random.Random(3).randbytes(4500)
    batch = _batch(survey, content)
    assert batch.size == len(content)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM surveys_koboimportpart ORDER BY number")
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) == 5  # 4500 + 22 bytes in pieces of 1000
    assert all(piece.startswith("v1.") for piece in stored)  # sealed, not base64 of the file
    with import_files.opener(batch)() as stream:
        assert stream.read() == content


def test_reading_seeks_to_the_piece_it_needs_and_fetches_no_other(survey, monkeypatch):
    monkeypatch.setattr(import_files, "PART_BYTES", 1000)
    content = bytes(range(256)) * 20  # 5120 bytes: six pieces
    batch = _batch(survey, content)
    with import_files.opener(batch)() as stream, CaptureQueriesContext(connection) as queries:
        stream.seek(-10, io.SEEK_END)
        assert stream.read() == content[-10:]
        stream.seek(2995)
        assert stream.read(10) == content[2995:3005]  # across two pieces
        assert stream.tell() == 3005
    assert len(queries) == 3  # the last piece, then the third and fourth


def test_a_workbook_kept_in_pieces_is_read_as_a_zip(survey, monkeypatch):
    monkeypatch.setattr(import_files, "PART_BYTES", 4096)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("a.csv", "_uuid,sex\n" + "".join(f"u{i},female\n" for i in range(2000)))
    batch = _batch(survey, buffer.getvalue())
    assert batch.parts.count() > 5
    with import_files.opener(batch)() as stream, zipfile.ZipFile(stream) as archive:
        assert archive.read("a.csv").decode().count("female") == 2000


def test_an_import_reads_its_kept_file_and_the_page_does_not_load_it(officer, survey):
    rows = "".join(f"u{i},female,{20 + i % 40}\n" for i in range(300))
    batch = services.start_import(None, survey, f"_uuid,sex,age\n{rows}".encode(), "a.csv")
    assert batch.preview["new"] == 300 and batch.parts.exists()
    with CaptureQueriesContext(connection) as queries:
        page = officer.get(reverse("surveys:import_preview", kwargs={"pk": batch.pk}))
    assert page.status_code == 200
    assert not any("surveys_koboimportpart" in q["sql"] for q in queries.captured_queries)
    assert services.commit_import(None, batch) == 300
    assert Submission.objects.filter(form=survey).count() == 300


def test_a_missing_piece_is_an_error_not_a_shorter_file(survey, monkeypatch):
    monkeypatch.setattr(import_files, "PART_BYTES", 100)
    batch = _batch(survey, b"_uuid,sex\n" + b"u1,female\n" * 50)
    KoboImportPart.objects.filter(batch=batch, number=2).delete()
    with pytest.raises(OSError, match="piece 2"), import_files.opener(batch)() as stream:
        stream.read()
    with pytest.raises(OSError, match="piece 2"):  # the CSV's encoding is checked first
        kobo_import.read_file(import_files.opener(batch), "a.csv")


def test_discarding_deletes_the_pieces(survey):
    kept, other = _batch(survey, b"_uuid\nu1\n"), _batch(survey, b"_uuid\nu2\n")
    assert import_files.discard(KoboImport.objects.filter(pk=kept.pk)) == 1
    kept.refresh_from_db()
    assert (kept.size, kept.parts.count(), other.parts.count()) == (0, 0, 1)
