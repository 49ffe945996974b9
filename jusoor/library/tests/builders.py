"""Small builders for library tests: resources, uploads and files of every awkward kind."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from jusoor.library import services
from jusoor.library.documents import make_docx, make_image_pdf, make_pdf
from jusoor.library.models import Resource

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def pdf_upload(
    name: str = "guide.pdf", title: str = "Guide", *paragraphs: str
) -> SimpleUploadedFile:
    return upload(name, make_pdf(title, list(paragraphs) or ["Preventing violent extremism."]))


def docx_upload(name: str = "guide.docx", *paragraphs: str) -> SimpleUploadedFile:
    return upload(name, make_docx("Guide", list(paragraphs) or ["A session guide."]))


def scanned_pdf_upload(name: str = "scan.pdf") -> SimpleUploadedFile:
    return upload(name, make_image_pdf())


def encrypted_pdf_upload(name: str = "secret.pdf") -> SimpleUploadedFile:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf("Secret", ["Hidden text"]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="open-sesame", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return upload(name, buffer.getvalue())


def xlsx_upload(name: str = "data.xlsx") -> SimpleUploadedFile:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["المنطقة", "عدد المشاركين في ورشة التماسك المجتمعي"])
    book.active.append(["الرمادي", 42])
    buffer = io.BytesIO()
    book.save(buffer)
    return upload(name, buffer.getvalue())


def make_resource(owner, actor=None, file=None, **overrides) -> Resource:
    fields = {
        "title_ar": "دليل الوقاية من التطرف",
        "title_en": "Prevention toolkit",
        "summary_ar": "",
        "summary_en": "",
        "kind": "toolkit",
        "language": "ar",
        "visibility": "public",
        "published_on": dt.date(2024, 3, 1),
        "link": "" if file is not None else "https://example.org/toolkit",
    }
    fields.update(overrides)
    return services.create_resource(actor, Resource(owner=owner, **fields), file)


def public_resource(world) -> Resource:
    """One public resource of Shams per world (for the URL × role table)."""
    if "library_public" not in world.extras:
        world.extras["library_public"] = make_resource(world.shams, title_en="Public toolkit")
    return world.extras["library_public"]


def project_resource(world) -> Resource:
    """One resource seen only by those who see the world's project (shared with the partner)."""
    if "library_project" not in world.extras:
        world.extras["library_project"] = make_resource(
            world.shams, title_en="Project notes", visibility="project", project=world.project
        )
    return world.extras["library_project"]
