"""What an uploaded file really is, and the text inside it.

The extension is never trusted: the first bytes say what the file is, and a file whose name claims
another type is refused. PDF text comes from pypdf, Word text from python-docx, spreadsheet text
from openpyxl; images have no text. Every failure is an ``ExtractionError`` with a message for the
person who uploaded the file.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

from django.utils.translation import gettext as _

from jusoor.library.models import FileFormat, TextStatus

log = logging.getLogger(__name__)

EXTENSIONS: dict[str, str] = {
    ".pdf": FileFormat.PDF,
    ".docx": FileFormat.DOCX,
    ".xlsx": FileFormat.XLSX,
    ".png": FileFormat.PNG,
    ".jpg": FileFormat.JPEG,
    ".jpeg": FileFormat.JPEG,
    ".gif": FileFormat.GIF,
    ".webp": FileFormat.WEBP,
}
# Enough text for search and snippets; a 600-page report does not need all of it indexed.
MAX_TEXT_CHARS = 400_000


class ExtractionError(ValueError):
    """The file cannot be accepted; ``str(error)`` tells the uploader why."""


@dataclass
class Extracted:
    file_format: str
    text: str
    text_status: str
    page_count: int | None = None


def format_label(file_format: str) -> str:
    return str(dict(FileFormat.choices).get(file_format, file_format))


def sniff(head: bytes, whole: BinaryIO | None = None) -> str | None:
    """The format the bytes show, from their signature (and, for ZIP, the parts inside)."""
    if head.startswith(b"%PDF-"):
        return FileFormat.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileFormat.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return FileFormat.JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return FileFormat.GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileFormat.WEBP
    if head.startswith(b"PK\x03\x04") and whole is not None:
        try:
            whole.seek(0)
            names = set(zipfile.ZipFile(whole).namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            whole.seek(0)
        if "word/document.xml" in names:
            return FileFormat.DOCX
        if "xl/workbook.xml" in names:
            return FileFormat.XLSX
    return None


def identify(name: str, stream: BinaryIO) -> str:
    """The checked format of an upload: known extension, and content that agrees with it."""
    claimed = EXTENSIONS.get(PurePath(name).suffix.lower())
    if claimed is None:
        raise ExtractionError(
            _("“%(name)s”: only PDF, Word (.docx), Excel (.xlsx) and image files can be uploaded.")
            % {"name": name}
        )
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    actual = sniff(head, stream)
    if actual is None:
        raise ExtractionError(
            _("“%(name)s” is not a readable %(format)s file: its content is of an unknown type.")
            % {"name": name, "format": format_label(claimed)}
        )
    if actual != claimed:
        raise ExtractionError(
            _(
                "“%(name)s” is named as a %(claimed)s file but its content is %(actual)s. "
                "Rename it or upload the right file."
            )
            % {"name": name, "claimed": format_label(claimed), "actual": format_label(actual)}
        )
    return actual


def extract(name: str, stream: BinaryIO) -> Extracted:
    file_format = identify(name, stream)
    stream.seek(0)
    data = stream.read()
    stream.seek(0)
    if file_format == FileFormat.PDF:
        return _pdf(name, data)
    if file_format == FileFormat.DOCX:
        return _docx(name, data)
    if file_format == FileFormat.XLSX:
        return _xlsx(name, data)
    return Extracted(file_format, "", TextStatus.NOT_APPLICABLE)


# Arabic presentation forms: what shaped Arabic in a PDF comes out as; NFKC gives the letters back.
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]+")


def _done(file_format: str, text: str, pages: int | None = None) -> Extracted:
    text = text.replace("\x00", "").strip()[:MAX_TEXT_CHARS]
    text = _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    status = TextStatus.EXTRACTED if any(c.isalnum() for c in text) else TextStatus.NO_TEXT
    return Extracted(file_format, text if status == TextStatus.EXTRACTED else "", status, pages)


def _pdf(name: str, data: bytes) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError(
                _("“%(name)s” is protected by a password. Upload a copy without the password.")
                % {"name": name}
            )
        parts = [page.extract_text() or "" for page in reader.pages]
    except ExtractionError:
        raise
    except Exception as exc:  # noqa: BLE001 — pypdf raises many kinds of error on broken files
        if "password" in str(exc).lower() or "decrypt" in str(exc).lower():
            raise ExtractionError(
                _("“%(name)s” is protected by a password. Upload a copy without the password.")
                % {"name": name}
            ) from exc
        log.info("unreadable PDF %s: %r", name, exc)
        kind = "damaged" if isinstance(exc, PdfReadError | ValueError | KeyError) else "unreadable"
        raise ExtractionError(
            _(
                "“%(name)s” is a damaged PDF that cannot be read (%(kind)s). Save it again and upload."
            )
            % {"name": name, "kind": kind}
        ) from exc
    return _done(FileFormat.PDF, "\n".join(parts), len(parts))


def _docx(name: str, data: bytes) -> Extracted:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                parts.append(" ".join(cell.text for cell in row.cells))
    except Exception as exc:  # noqa: BLE001
        log.info("unreadable DOCX %s: %r", name, exc)
        raise ExtractionError(
            _("“%(name)s” is a damaged Word document that cannot be read.") % {"name": name}
        ) from exc
    return _done(FileFormat.DOCX, "\n".join(parts))


def _xlsx(name: str, data: bytes) -> Extracted:
    import openpyxl

    parts: list[str] = []
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        total = 0
        for sheet in book.worksheets:
            parts.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                line = " ".join(str(v) for v in row if isinstance(v, str | int | float))
                if line:
                    parts.append(line)
                    total += len(line)
                if total > MAX_TEXT_CHARS:
                    break
        book.close()
    except Exception as exc:  # noqa: BLE001
        log.info("unreadable XLSX %s: %r", name, exc)
        raise ExtractionError(
            _("“%(name)s” is a damaged Excel workbook that cannot be read.") % {"name": name}
        ) from exc
    return _done(FileFormat.XLSX, "\n".join(parts))
