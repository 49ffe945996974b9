"""Uploaded import files, kept encrypted in the database a piece at a time.

An import is read several times (the check, the write, an erasure search), by a worker that is
not the web process that received it, so the file is kept. It carries personal data, so it is
encrypted like every personal value (``EncryptedTextField``, rotated with the others). Kept as one
value, a 100,000-row export meant a dozen copies of the whole file in memory on each read (base64,
ciphertext, plaintext) and on each page that loaded the batch. Kept as pieces of ``PART_BYTES``,
it is written and read one piece at a time: ``opener(batch)`` gives a seekable file that fetches
and opens only the piece it is reading, so a reader (``zipfile``, ``csv``) that streams the file
holds one piece of it.
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Callable
from typing import BinaryIO

from django.db.models import QuerySet

from jusoor.surveys.models import KoboImport, KoboImportPart

PART_BYTES = 512 * 1024
PARTS_PER_INSERT = 8  # pieces written per INSERT: about 6 MB of sealed text

Opener = Callable[[], BinaryIO]


def store(batch: KoboImport, content: bytes) -> None:
    """Keep ``content`` as the (saved) batch's file, replacing any file it had."""
    KoboImportPart.objects.filter(batch=batch).delete()
    view = memoryview(content)
    pending: list[KoboImportPart] = []
    for number, start in enumerate(range(0, len(content), PART_BYTES)):
        piece = base64.b64encode(view[start : start + PART_BYTES]).decode("ascii")
        pending.append(KoboImportPart(batch=batch, number=number, content=piece))
        if len(pending) >= PARTS_PER_INSERT:
            KoboImportPart.objects.bulk_create(pending)
            pending.clear()
    KoboImportPart.objects.bulk_create(pending)
    batch.size = len(content)
    batch.content_sha256 = hashlib.sha256(content).hexdigest()
    KoboImport.objects.filter(pk=batch.pk).update(
        size=batch.size, content_sha256=batch.content_sha256
    )


def opener(batch: KoboImport) -> Opener:
    """Opens the batch's file for reading, anew on each call."""
    batch_id, size = batch.pk, batch.size

    def open_file() -> BinaryIO:
        return io.BufferedReader(_PartsReader(batch_id, size), buffer_size=PART_BYTES)  # type: ignore[return-value]

    return open_file


def discard(batches: QuerySet[KoboImport]) -> int:
    """Stop keeping the files of these batches; returns how many had one."""
    kept = batches.filter(size__gt=0)
    ids = list(kept.values_list("pk", flat=True))
    KoboImportPart.objects.filter(batch_id__in=ids).delete()
    KoboImport.objects.filter(pk__in=ids).update(size=0)
    return len(ids)


class _PartsReader(io.RawIOBase):
    """A read-only, seekable view of a stored file that holds at most one opened piece."""

    def __init__(self, batch_id: int, size: int) -> None:
        self.batch_id = batch_id
        self.size = size
        self.position = 0
        self.held: tuple[int, bytes] | None = None  # (number, plaintext)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self.position = base + offset
        return self.position

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.position >= self.size:
            return 0
        number, within = divmod(self.position, PART_BYTES)
        piece = self._piece(number)
        count = min(len(buffer), len(piece) - within)
        if count <= 0:
            raise OSError(f"piece {number} of the stored file is shorter than its place")
        buffer[:count] = piece[within : within + count]
        self.position += count
        return count

    def _piece(self, number: int) -> bytes:
        if self.held is None or self.held[0] != number:
            sealed = (
                KoboImportPart.objects.filter(batch_id=self.batch_id, number=number)
                .values_list("content", flat=True)
                .first()
            )
            if sealed is None:
                raise OSError(f"piece {number} of the stored file is missing")
            self.held = (number, base64.b64decode(sealed))
        return self.held[1]
