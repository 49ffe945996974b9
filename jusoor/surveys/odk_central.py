"""Reading ODK Central's CSV export (a .zip) into the sheets the KoboToolbox import checks.

Central's "Download all submissions" zip holds one CSV for the form, ``<formId>.csv``, one per
repeat group, ``<formId>-<repeat>.csv`` (``~1``, ``~2`` after the name when two repeats share a
name), a ``media/`` folder of attachments and, for forms with an audit, ``<formId> - audit.csv``.

The form's CSV has ``SubmissionDate`` first, then one column per field, its path joined with
``-`` (``trust-police``), or only its name when the export leaves out group names; a geopoint
gives four columns (``loc-Latitude`` … ``loc-Accuracy``); a select_multiple is one column of
space-separated choices, followed, when the export splits them, by one 0/1 column per choice
(``trust-causes/poverty``: the only ``/`` Central ever writes in a header). Last come ``KEY``
(the submission's instanceID), ``SubmitterID``, ``SubmitterName``, ``AttachmentsPresent``,
``AttachmentsExpected``, ``Status``, ``ReviewState``, ``DeviceID``, ``Edits`` and
``FormVersion``. A repeat's CSV has its fields (paths relative to the repeat), then
``PARENT_KEY`` and ``KEY``: ``uuid:…/trust/household[2]``, the instanceID followed by the groups
and repeats down to this entry.

Edits. Central keeps a submission as one logical record (``submissions.instanceId``, the
instanceID of its FIRST version) with one or more versions (``submission_defs``, each with its
own instanceID; an edit's XML names the version it replaces in ``meta/deprecatedID``). The
export writes one row per logical submission, with the CURRENT version's answers: ``KEY`` and
every repeat's ``PARENT_KEY``/``KEY`` are built from the first instanceID (central-backend,
``lib/data/briefcase.js``: ``out[idxs.key] = submission.instanceId``), while the
``meta-instanceID`` column comes from the current version's XML, and so differs from ``KEY``
once the submission has been edited (``ReviewState`` is then ``edited``, ``Edits`` counts the
edits). A ``meta-deprecatedID`` column is there only when the form itself declares that field,
as Central exports only the fields of the form's definition. Here such a row is the submission
under its current instanceID (``_uuid``), and ``earlier_ids`` gives the instanceIDs of its
earlier versions the row names (``meta-deprecatedID``, then ``KEY``), by which the import finds
the version it replaces.

The sheets built here speak the Kobo export's language (``/`` paths, ``_uuid``, ``_index``,
``_parent_index``, ``_submission_time``, ``_validation_status``), so one analysis checks both.
Each CSV is checked once here (zip, encoding, CSV syntax, keys); its rows are then parsed again
on each pass of the analysis, so only the CSVs' bytes stay in memory.

Attachments. A media question's cell holds a file name (``1709626500000.jpg``), the name of a
file in the zip's ``media/`` folder. ``open_media`` indexes that folder by base name (a member's
other path parts, ``..`` included, are never used) and opens one file at a time as the import
writes it, straight from the zip: no attachment is held in memory. A media file larger than a
phone may send with a submission (``JUSOOR_SUBMISSION_MAX_BYTES``) is refused when the zip is
read, before anything is written. A file a row names but the zip lacks (an export made without
media) is only counted.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import mimetypes
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from jusoor.surveys.kobo_import import (
    ImportFileError,
    Opener,
    Record,
    Sheet,
    first_undecodable,
    opener_of,
    read_csv,
)
from jusoor.surveys.models import FormVersion

MAX_MEMBERS = 10_000
MAX_CSV_BYTES = 256 * 1024 * 1024  # all CSVs together, unpacked: what the server will hold

# Central's ReviewState, as the Kobo export names the same review ("edited" and blank: received).
REVIEW_STATES = {
    "approved": "validation_status_approved",
    "rejected": "validation_status_not_approved",
    "hasIssues": "validation_status_on_hold",
}
# Central's own bookkeeping, which has no place in a submission here: left out.
UNUSED_COLUMNS = {
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "DeviceID",
    "Edits",
    "FormVersion",
}
# The current version's instanceID and the one it replaced, with and without group names.
CURRENT_ID = ("meta-instanceID", "instanceID")
DEPRECATED_ID = ("meta-deprecatedID", "deprecatedID")
GEOPOINT_PARTS = ("-Latitude", "-Longitude", "-Altitude", "-Accuracy")
INDEX = re.compile(r"\[\d+\]")
# Question types (as ``xlsform.flatten`` stores them) whose answer is a file's name: pyxform calls
# an ``image`` (signature, draw and annotate included) a ``photo``.
FILE_TYPES = frozenset({"photo", "image", "audio", "video", "file", "background-audio"})
UNPACK_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,  # an encrypted member
    NotImplementedError,  # a compression method Python does not read
)

Row = list[str]


def read_zip(source: Opener, filename: str) -> list[Sheet]:
    """The form's sheet first, then one sheet per repeat, parents before their children."""
    members = _csv_members(source, filename)
    kobo_shaped = _kobo_shaped_sheets(members)
    if kobo_shaped is not None:
        return kobo_shaped
    tables = [_scan(name, data) for name, data in members]
    mains = [t for t in tables if not t.is_repeat]
    repeats = [t for t in tables if t.is_repeat]
    if not mains:
        raise ImportFileError(
            _("%(file)s holds no form CSV (one with a KEY column but no PARENT_KEY).")
            % {"file": filename}
        )
    if len(mains) > 1:
        raise ImportFileError(
            _("%(file)s holds the CSVs of more than one form: %(members)s. Import them one by one.")
            % {"file": filename, "members": ", ".join(t.member for t in mains)}
        )
    main = mains[0]
    group_paths = "instanceID" not in main.headers  # "meta-instanceID" unless names only
    paths = _repeat_paths(main, repeats)
    sheets = [_main_sheet(main, group_paths)]
    for table in sorted(repeats, key=lambda t: paths[t.member].count("/")):
        sheets.append(_repeat_sheet(table, paths[table.member], group_paths))
    return sheets


def _kobo_shaped_sheets(members: list[tuple[str, bytes]]) -> list[Sheet] | None:
    """A zip of Kobo-shaped CSVs, as Jusoor's own CSV export of a form with repeat groups writes
    it (``<form>-data.csv``, then ``<form>-<repeat>.csv`` linked by ``_index`` and
    ``_parent_index``): the same sheets as the XLSX export, read as that is. None for anything
    else (Central's export has ``KEY`` columns)."""
    names = [name.rsplit("/", 1)[-1] for name, _data in members]
    mains = [n for n in names if n.endswith("-data.csv")]
    if len(mains) != 1:
        return None
    prefix = mains[0][: -len("data.csv")]
    sheets = []
    for (member, data), name in zip(members, names, strict=True):
        sheet = read_csv(data, member)
        if "KEY" in sheet.headers or "_index" not in sheet.headers:
            return None
        sheet.name = name[len(prefix) : -len(".csv")] if name.startswith(prefix) else name[:-4]
        sheets.append(sheet)
    # The form's sheet first; the repeats in the order the export wrote them (parents first).
    sheets.sort(key=lambda sheet: sheet.name != "data")
    return sheets


# --- the zip -----------------------------------------------------------------------------------


def _csv_members(source: Opener, filename: str) -> list[tuple[str, bytes]]:
    with source() as stream:
        return _members_of(stream, filename)


def _open_zip(stream: BinaryIO, filename: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise ImportFileError(
            _("%(file)s is not a zip file that can be read: %(error)s")
            % {"file": filename, "error": exc}
        ) from exc


def _members_of(stream: BinaryIO, filename: str) -> list[tuple[str, bytes]]:
    with _open_zip(stream, filename) as archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ImportFileError(
                _(
                    "%(file)s holds %(count)s files, more than %(limit)s. Export the submissions "
                    "again without media files."
                )
                % {"file": filename, "count": len(members), "limit": MAX_MEMBERS}
            )
        wanted = [m for m in members if _is_data_csv(m)]
        if not wanted:
            raise ImportFileError(
                _("%(file)s holds no CSV file: is it ODK Central's export of submissions?")
                % {"file": filename}
            )
        # The sizes the zip declares bound what is read below: a member that unpacks to more
        # (or to other bytes) fails its CRC check instead of filling the memory.
        if sum(m.file_size for m in wanted) > MAX_CSV_BYTES:
            raise ImportFileError(
                _("The CSV files in %(file)s unpack to more than %(limit)s MB.")
                % {"file": filename, "limit": MAX_CSV_BYTES // (1024 * 1024)}
            )
        _refuse_large_media(members, filename)
        found = []
        for member in wanted:
            try:
                with archive.open(member) as source:
                    data = source.read(member.file_size + 1)
            except UNPACK_ERRORS as exc:
                raise ImportFileError(
                    _("%(member)s in %(file)s could not be unpacked: %(error)s")
                    % {"member": member.filename, "file": filename, "error": exc}
                ) from exc
            found.append((member.filename, data))
    return found


def _is_data_csv(member: zipfile.ZipInfo) -> bool:
    parts = member.filename.replace("\\", "/").split("/")
    if member.is_dir() or not parts[-1].lower().endswith(".csv"):
        return False
    if "media" in parts[:-1] or "__MACOSX" in parts:  # attachments; macOS's resource forks
        return False
    return not parts[-1].lower().endswith(" - audit.csv")  # the form's audit log, not answers


# --- media -------------------------------------------------------------------------------------


def _media_name(member: zipfile.ZipInfo) -> str | None:
    """The name a row gives this member by, if it is a file of a ``media/`` folder: its base
    name, whatever else its path says (``media/../../x.jpg`` is ``x.jpg``)."""
    parts = member.filename.replace("\\", "/").split("/")
    if member.is_dir() or "__MACOSX" in parts or "media" not in parts[:-1]:
        return None
    name = parts[-1].strip()
    return name if name not in {"", ".", ".."} else None


def _media_members(members: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    found: dict[str, zipfile.ZipInfo] = {}
    for member in members:
        name = _media_name(member)
        if name is not None:
            found.setdefault(name, member)
    return found


def max_media_bytes() -> int:
    """What one attachment may weigh: what a phone may send with a submission."""
    return settings.JUSOOR_SUBMISSION_MAX_BYTES


def _refuse_large_media(members: list[zipfile.ZipInfo], filename: str) -> None:
    limit = max_media_bytes()
    for member in members:
        if member.file_size > limit and _media_name(member) is not None:
            raise ImportFileError(
                _(
                    "%(member)s in %(file)s is %(size)s, more than the %(limit)s a submission's "
                    "files may take here. Remove it from the zip and upload the zip again."
                )
                % {
                    "member": member.filename,
                    "file": filename,
                    "size": filesizeformat(member.file_size),
                    "limit": filesizeformat(limit),
                }
            )


def file_questions(questions: list[dict[str, Any]]) -> set[str]:
    """The paths of the form's questions whose answer is a file's name."""
    return {q["path"] for q in questions if q["type"] in FILE_TYPES}


def named_files(answers: dict[str, Any], paths: set[str]) -> list[str]:
    """The file names a submission's answers give (its repeats' entries included), once each."""
    found: list[str] = []
    for key, value in answers.items():
        if isinstance(value, list):  # a repeat's entries
            for entry in value:
                if isinstance(entry, dict):
                    found += named_files(entry, paths)
        elif key in paths and isinstance(value, str) and value.strip():
            found.append(value.strip())
    return list(dict.fromkeys(found))


class Media:
    """The files of an export's ``media/`` folder, by the name the rows give them."""

    def __init__(self, archive: zipfile.ZipFile | None, filename: str) -> None:
        self.archive = archive
        self.filename = filename
        self.members = _media_members(archive.infolist()) if archive is not None else {}

    def __len__(self) -> int:
        return len(self.members)

    def __contains__(self, name: object) -> bool:
        return name in self.members

    def open(self, name: str) -> UploadedFile:
        """The file, to be read once, as it is written: a stream out of the zip."""
        member = self.members[name]
        assert self.archive is not None
        try:
            stream = self.archive.open(member)
        except UNPACK_ERRORS as exc:
            raise self._unpack_error(member, exc) from exc
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return UploadedFile(_Checked(stream, self, member), name, content_type, member.file_size)

    def _unpack_error(self, member: zipfile.ZipInfo, exc: Exception) -> ImportFileError:
        return ImportFileError(
            _("%(member)s in %(file)s could not be unpacked: %(error)s")
            % {"member": member.filename, "file": self.filename, "error": exc}
        )


class _Checked(io.RawIOBase):
    """A member being read, whose damage (found as it unpacks) names the member."""

    def __init__(self, stream: BinaryIO, media: Media, member: zipfile.ZipInfo) -> None:
        self.stream = stream
        self.media = media
        self.member = member

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            data = self.stream.read(len(buffer))
        except UNPACK_ERRORS as exc:
            raise self.media._unpack_error(self.member, exc) from exc
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.stream.close()
        super().close()


class MediaCount:
    """What the preview says of a zip's attachments, counted while the rows are checked
    (``see`` is ``kobo_import.analyse``'s ``each``): the files its media folder holds, the rows
    naming at least one of them, and the names rows give that the zip lacks (an export made
    without media). Empty for a file that is not a zip."""

    def __init__(self, version: FormVersion, media: Media) -> None:
        self.media = media
        self.paths = file_questions(version.questions) if media.archive is not None else []
        self.rows = self.missing = 0

    def see(self, record: Record) -> None:
        if not self.paths:
            return
        names = named_files(record.answers, self.paths)
        found = sum(name in self.media for name in names)
        self.rows += found > 0
        self.missing += len(names) - found

    def counts(self) -> dict[str, int]:
        if self.media.archive is None:
            return {}
        return {
            "media_files": len(self.media),
            "media_rows": self.rows,
            "media_missing": self.missing,
        }


@contextlib.contextmanager
def open_media(source: Opener, filename: str) -> Iterator[Media]:
    """The media of the file being imported, readable until the block ends: none for a file
    that is not a zip."""
    if not filename.lower().endswith(".zip"):
        yield Media(None, filename)
        return
    with source() as stream, _open_zip(stream, filename) as archive:
        yield Media(archive, filename)


# --- one CSV -----------------------------------------------------------------------------------


@dataclass
class _Table:
    """One CSV of the zip, checked, with what linking the repeats needs: every KEY, and for a
    repeat, the first KEY under each PARENT_KEY."""

    member: str
    data: bytes
    encoding: str
    delimiter: str
    headers: list[str]
    rows: int = 0
    keys: set[str] = field(default_factory=set)
    first_child: dict[str, str] = field(default_factory=dict)  # PARENT_KEY -> KEY
    # The form's CSV only, and only its edited rows: current instanceID -> earlier ones.
    earlier: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def is_repeat(self) -> bool:
        return "PARENT_KEY" in self.headers

    def records(self) -> Iterator[Row]:
        """Every row, the header first, each at least as wide as the header (once it is
        known: ``_scan`` reads the header with this too)."""
        text = io.TextIOWrapper(io.BytesIO(self.data), encoding=self.encoding, newline="")
        width = len(self.headers)
        for row in csv.reader(text, delimiter=self.delimiter):
            if len(row) < width:
                row += [""] * (width - len(row))
            yield row


def _encoding(member: str, data: bytes) -> str:
    """UTF-8 with or without BOM, as Central writes it, or Windows-1256, as Arabic Excel saves
    it again. Windows-1256 gives a character to every byte, so a NUL is what betrays UTF-16 or
    a file that is not text at all."""
    if data.startswith(codecs.BOM_UTF8):
        bad = first_undecodable(opener_of(data), "utf-8-sig")
        if bad is not None:
            raise ImportFileError(
                _("%(member)s is not UTF-8 after its UTF-8 mark (byte %(at)s).")
                % {"member": member, "at": bad}
            )
        return "utf-8-sig"
    if b"\x00" in data:
        raise ImportFileError(
            _(
                "%(member)s is not text in UTF-8 or Windows-1256 (it may be UTF-16); save it as "
                "CSV UTF-8."
            )
            % {"member": member}
        )
    return "utf-8" if first_undecodable(opener_of(data), "utf-8") is None else "cp1256"


def _scan(member: str, data: bytes) -> _Table:
    encoding = _encoding(member, data)
    first_line = data[: data.find(b"\n") if b"\n" in data else len(data)]
    first = first_line.decode(encoding, errors="replace")
    delimiter = max([",", ";", "\t"], key=first.count)  # Excel saves with ";" in some locales
    table = _Table(member, data, encoding, delimiter, [])
    records = table.records()
    try:
        header = next(records, None)
        if header is None:
            raise ImportFileError(_("%(member)s is empty.") % {"member": member})
        table.headers = [h.replace("\ufeff", "").strip() for h in header]
        if "KEY" not in table.headers:
            raise ImportFileError(
                _("%(member)s is not part of an ODK Central export: it has no KEY column.")
                % {"member": member}
            )
        key = table.headers.index("KEY")
        parent = table.headers.index("PARENT_KEY") if table.is_repeat else None
        status = table.headers.index("Status") if "Status" in table.headers else None
        current = None if table.is_repeat else _column(table.headers, CURRENT_ID)
        deprecated = None if table.is_repeat else _column(table.headers, DEPRECATED_ID)
        for offset, row in enumerate(records):
            table.rows = offset + 1
            if len(row) < len(table.headers):
                row += [""] * (len(table.headers) - len(row))
            if status is not None and row[status].strip():
                _refuse_encrypted(member, offset + 2, row[status].strip())
            if row[key].strip():
                table.keys.add(row[key].strip())
                if parent is not None:
                    table.first_child.setdefault(row[parent].strip(), row[key].strip())
            if current is not None and row[current].strip():
                _note_edit(table, row[current], row[key], row[deprecated] if deprecated else "")
    except csv.Error as exc:
        raise ImportFileError(
            _("%(member)s is not a well-formed CSV: %(error)s") % {"member": member, "error": exc}
        ) from exc
    return table


def _column(headers: list[str], names: tuple[str, ...]) -> int | None:
    return next((headers.index(name) for name in names if name in headers), None)


def _instance_id(text: str) -> str:
    """As the import writes an instanceID (``uuid:`` before a bare UUID)."""
    text = text.strip()
    return text if not text or text.startswith("uuid:") else f"uuid:{text}"


def _note_edit(table: _Table, current: str, key: str, deprecated: str) -> None:
    """Remember the earlier instanceIDs of an edited row: the version it replaces (when the
    form declares ``deprecatedID``), then the first version (``KEY``)."""
    now = _instance_id(current)
    earlier = tuple(
        dict.fromkeys(i for i in (_instance_id(deprecated), _instance_id(key)) if i and i != now)
    )
    if earlier:
        table.earlier[now] = earlier


def earlier_ids(sheets: list[Sheet]) -> dict[str, tuple[str, ...]]:
    """For each edited submission of a Central export, by its current instanceID: the
    instanceIDs of earlier versions its row names, the nearest first. Empty for other files."""
    rows = sheets[0].rows if sheets else None
    return rows.table.earlier if isinstance(rows, _Rows) else {}


def _refuse_encrypted(member: str, row: int, status: str) -> None:
    """Central writes only the metadata of a submission it could not decrypt, and says why in
    Status: importing that row would store an empty submission."""
    raise ImportFileError(
        _(
            "%(member)s, row %(row)s: ODK Central exported this submission without its answers "
            "(%(status)s). Export again with the form's passphrase."
        )
        % {"member": member, "row": row, "status": status}
    )


# --- sheets ------------------------------------------------------------------------------------


class _Rows:
    """A sheet's data rows, parsed from the CSV's bytes again on each pass and shaped by
    ``shape``."""

    def __init__(self, table: _Table, shape: Callable[[Row], Row]) -> None:
        self.table = table
        self.shape = shape

    def __iter__(self) -> Iterator[Row]:
        records = self.table.records()
        next(records, None)
        return map(self.shape, records)

    def estimated_count(self) -> int:
        return self.table.rows


def _question_header(header: str, group_paths: bool) -> str:
    """``trust-causes/poverty`` → ``trust/causes/poverty``: only the part before the choice is a
    path, since a choice's name may hold a ``-``."""
    if not group_paths:
        return header
    path, slash, choice = header.partition("/")
    return path.replace("-", "/") + slash + choice


def _geopoints(headers: list[str]) -> list[int]:
    """Where a geopoint's four columns start. Central splits a point; a submission holds
    ``lat lon alt accuracy``: the first column takes the whole point, the other three lose their
    header, which leaves them out."""
    starts = []
    for start in range(len(headers) - 3):
        first = headers[start]
        base = first[: -len(GEOPOINT_PARTS[0])]
        if first.endswith(GEOPOINT_PARTS[0]) and headers[start : start + 4] == [
            base + part for part in GEOPOINT_PARTS
        ]:
            starts.append(start)
    return starts


def _join_point(row: Row, start: int) -> None:
    parts = [value.strip() for value in row[start : start + 4]]
    while parts and not parts[-1]:
        parts.pop()
    row[start] = " ".join(value or "0" for value in parts)


def _shaped_headers(headers: list[str], points: list[int]) -> list[str]:
    shaped = list(headers)
    for start in points:
        shaped[start : start + 4] = [headers[start][: -len(GEOPOINT_PARTS[0])], "", "", ""]
    return shaped


def _main_sheet(table: _Table, group_paths: bool) -> Sheet:
    points = _geopoints(table.headers)
    renamed = []
    for header in _shaped_headers(table.headers, points):
        if header == "KEY":
            renamed.append("_uuid")
        elif header == "SubmissionDate":
            renamed.append("_submission_time")
        elif header == "ReviewState":
            renamed.append("_validation_status")
        elif header in DEPRECATED_ID:
            renamed.append("meta/deprecatedID")  # metadata, with or without group names
        elif header in UNUSED_COLUMNS or not header:
            renamed.append("")
        else:
            renamed.append(_question_header(header, group_paths))
    key = table.headers.index("KEY")
    review = table.headers.index("ReviewState") if "ReviewState" in table.headers else None
    current = _column(table.headers, CURRENT_ID)

    def shape(row: Row) -> Row:
        for start in points:
            _join_point(row, start)
        if review is not None:
            row[review] = REVIEW_STATES.get(row[review].strip(), "")
        row.append(row[key])  # _index: what each repeat's _parent_index points at
        if current is not None and row[current].strip():
            row[key] = row[current]  # _uuid: the current version's instanceID (see above)
        return row

    return Sheet(table.member, [*renamed, "_index"], _Rows(table, shape))


def _repeat_sheet(table: _Table, path: str, group_paths: bool) -> Sheet:
    points = _geopoints(table.headers)
    renamed = []
    for header in _shaped_headers(table.headers, points):
        if header == "KEY":
            renamed.append("_index")
        elif header == "PARENT_KEY":
            renamed.append("_parent_index")
        elif not header:
            renamed.append("")
        elif group_paths:  # paths here start below the repeat
            renamed.append(f"{path}/{_question_header(header, group_paths)}")
        else:
            renamed.append(header)

    def shape(row: Row) -> Row:
        for start in points:
            _join_point(row, start)
        return row

    # The import finds a sheet's repeat by its name, path or label, cut like an Excel sheet
    # name; a long path falls back to the repeat's own name.
    name = path if len(path) <= 31 else path.rsplit("/", 1)[-1]
    return Sheet(name, renamed, _Rows(table, shape))


# --- repeats -----------------------------------------------------------------------------------


def _repeat_paths(main: _Table, repeats: list[_Table]) -> dict[str, str]:
    """Each repeat CSV's path in the form (``trust/household``), read from its keys: a KEY is
    its PARENT_KEY followed by the groups and repeats down to the entry. A CSV none of whose
    rows belongs to the form's CSV (or to another repeat's) is from another export."""
    tables = [main, *repeats]
    paths: dict[str, str] = {main.member: ""}

    def owner_of(key: str, child: _Table) -> _Table | None:
        return next((t for t in tables if t is not child and key in t.keys), None)

    def path_of(table: _Table, seen: frozenset[str]) -> str:
        if table.member in paths:
            return paths[table.member]
        for parent_key, key in table.first_child.items():
            parent = owner_of(parent_key, table)
            if parent is not None and key.startswith(parent_key + "/"):
                break
        else:
            if table.keys:
                raise ImportFileError(
                    _(
                        "No row of %(member)s belongs to a submission in %(main)s: its "
                        "PARENT_KEY values match no KEY. Is it from another export?"
                    )
                    % {"member": table.member, "main": main.member}
                )
            paths[table.member] = _name_from_member(table.member, main.member)
            return paths[table.member]
        if parent.member in seen:
            raise ImportFileError(
                _("The KEY and PARENT_KEY values of %(member)s go round in a circle.")
                % {"member": table.member}
            )
        above = path_of(parent, seen | {parent.member})
        below = INDEX.sub("", key[len(parent_key) + 1 :])
        paths[table.member] = f"{above}/{below}" if above else below
        return paths[table.member]

    for table in repeats:
        path_of(table, frozenset({table.member}))
    return paths


def _name_from_member(member: str, main_member: str) -> str:
    """An empty repeat CSV has no KEY to read its path from: its name says the repeat,
    ``<formId>-<repeat>.csv`` or ``<formId>-<repeat>~2.csv``."""
    name = member.rsplit("/", 1)[-1][: -len(".csv")]
    form_id = main_member.rsplit("/", 1)[-1][: -len(".csv")]
    if name.startswith(form_id + "-"):
        name = name[len(form_id) + 1 :]
    return re.sub(r"~\d+$", "", name)
