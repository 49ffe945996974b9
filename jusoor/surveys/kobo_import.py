"""Reading KoboToolbox exports (XLSX or CSV) into submissions of a form.

First ``analyse``: every row and column is checked and matched to the form's questions, and the
problems are listed by sheet, row and column. Only a file without problems can be written, and it
is written all at once; rows whose ``_uuid`` is already here are skipped, so importing the same
file twice adds nothing.

Rows are streamed, never all in memory: a ``Sheet``'s ``rows`` is re-iterable, and the readers
here open and parse the file again on each pass (through an ``Opener``: bytes in memory, or the
stored upload read a piece at a time, ``import_files.opener``). ``analyse`` keeps
counts, the columns and the first problems, not the rows; ``iter_records`` gives the submissions
one at a time to whoever writes them. The one exception is repeat groups: their sheets are
linked to the main sheet by ``_index``/``_parent_index`` and the main sheet's rows come in any
order, so the rows of the repeat sheets are held in memory (keyed by their parent's ``_index``)
while the main sheet is streamed.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import gc
import io
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jusoor.engines.arabic import to_western_digits
from jusoor.surveys.exports import META_COLUMNS, channel_labels
from jusoor.surveys.models import (
    FormVersion,
    SubmissionStatus,
)
from jusoor.surveys.xlsform import is_answer

SELECT_ONE = "select one"
SELECT_MULTIPLE = "select all that apply"
MAX_PROBLEMS = 500
# Rows between two progress reports, and instance ids per look-up of those already stored.
PROGRESS_EVERY = 1000
LOOKUP_CHUNK = 500
VALIDATION_STATUS = {
    "validation_status_approved": SubmissionStatus.APPROVED,
    "validation_status_not_approved": SubmissionStatus.REJECTED,
    "validation_status_on_hold": SubmissionStatus.ON_HOLD,
}
# A 0/1 cell that says yes: a choice's own column, our exports' _synthetic.
TICKED = {"1", "true", "yes"}
NAMESPACE = uuid.UUID("5b0c1e52-3a8f-4b53-9d7e-6a5f0e1c2d3b")


class ImportFileError(ValueError):
    pass


# Opens the file being imported, anew for each pass: bytes in memory, or a stored file
# (``import_files.opener``) read a piece at a time.
Opener = Callable[[], BinaryIO]
READ_STEP = 1 << 20


def opener_of(content: bytes | Opener) -> Opener:
    if isinstance(content, bytes | bytearray):
        return lambda: io.BytesIO(content)
    return content


@dataclass
class Sheet:
    """``rows`` (the data rows, after the header) is any re-iterable: a list, or a reader that
    reads the file again each time it is iterated. Nothing here asks for its length."""

    name: str
    headers: list[str]
    rows: Iterable[list[Any]]


@dataclass
class Record:
    row: int
    instance_id: str
    answers: dict[str, Any]
    submitted_at: dt.datetime | None
    status: str
    # From our own exports' ``_channel`` and ``_synthetic`` columns: how the submission first
    # arrived (None when the file does not say), and whether it is synthetic demo data.
    channel: str | None = None
    synthetic: bool = False


@dataclass
class Analysis:
    """What a file would give, without its rows: counts, columns and the first problems."""

    rows: int = 0  # rows that become submissions (new or already stored)
    existing: int = 0  # of those, already stored (only counted when ``analyse`` is given ``known``)
    columns: list[dict[str, str]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    problem_count: int = 0
    sheets: list[dict[str, Any]] = field(default_factory=list)

    @property
    def new(self) -> int:
        return self.rows - self.existing

    def problem(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append({"sheet": sheet, "row": row, "column": column, "message": message})


# --- reading files -----------------------------------------------------------------------------


def _clean_header(text: Any) -> str:
    # PostgreSQL cannot store a NUL character, and the preview keeps the headers.
    header = str(text or "").replace("\ufeff", "").replace("\x00", "").strip()
    return re.sub(r"^X\.U\.FEFF\.", "", header)  # a Kobo export that went through R


def _is_empty(row: list[Any]) -> bool:
    return not any(v not in (None, "") for v in row)


# An HXL hashtag with its attributes (#adm1+name, #meta+id): https://hxlstandard.org/standard/
_HXL_TAG = re.compile(r"#[a-z][a-z0-9_]*(\s*\+\s*[a-z][a-z0-9_]*)*", re.IGNORECASE)


def _is_hashtag_row(row: list[Any]) -> bool:
    values = [str(v).strip() for v in row if v not in (None, "")]
    return bool(values) and all(_HXL_TAG.fullmatch(v) for v in values)


def _data_rows(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    """The rows under the header. An HXL hashtag row right under it (Kobo's exports and ours
    can have one) comes out empty: it is skipped like a blank line, and the rows after it keep
    the line numbers problems are reported with."""
    next(rows, None)
    first = next(rows, None)
    if first is None:
        return
    yield [None] * len(first) if _is_hashtag_row(first) else first
    yield from rows


@contextlib.contextmanager
def without_gc_pauses() -> Iterator[None]:
    """Reading a large file makes millions of small objects, none in a cycle; Python's cyclic
    collector would walk all of them again and again (the time grew faster than the rows).
    Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# What an import takes, checked on the upload form and again when the file is opened.
FILE_SUFFIXES = (".xlsx", ".csv", ".zip")
WRONG_FILE_TYPE = gettext_lazy(
    "The file must be .xlsx, .csv or a .zip of CSV files (exported from ODK Central or Jusoor)."
)


def read_file(content: bytes | Opener, filename: str) -> list[Sheet]:
    """Open the file and read each sheet's header; the rows are read when iterated. A file that
    cannot be opened at all raises ``ImportFileError`` here; damage further in is found by
    ``analyse`` and listed as a problem of its sheet."""
    source = opener_of(content)
    with without_gc_pauses():
        if filename.lower().endswith(".csv"):
            return [read_csv(source, filename)]
        if filename.lower().endswith(".xlsx"):
            return _read_xlsx(source)
        if filename.lower().endswith(".zip"):
            from jusoor.surveys.odk_central import read_zip  # ODK Central's CSV export

            return read_zip(source, filename)
    raise ImportFileError(str(WRONG_FILE_TYPE))


def estimated_rows(sheet: Sheet) -> int:
    """About how many data rows the sheet has, for a progress bar (0 when unknown)."""
    rows = sheet.rows
    estimate = getattr(rows, "estimated_count", None)
    if callable(estimate):
        return int(estimate())
    return len(rows) if isinstance(rows, Sized) else 0


def csv_encoding(source: Opener) -> str:
    """UTF-8 (with or without BOM), else Windows-1256, as Arabic Excel saves CSV: found
    without decoding the whole file at once."""
    with source() as stream:
        with_bom = stream.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8
    candidates = ["utf-8-sig"] if with_bom else ["utf-8", "cp1256"]
    failed_at = 0
    for encoding in candidates:
        position = first_undecodable(source, encoding)
        if position is None:
            return encoding
        failed_at = position
    raise ImportFileError(
        _("The CSV file is neither UTF-8 nor Windows-1256 (byte %(at)s).") % {"at": failed_at}
    )


def first_undecodable(source: Opener, encoding: str) -> int | None:
    """Decoded a megabyte at a time, so that no copy of the whole text is made."""
    decoder = codecs.getincrementaldecoder(encoding)()
    start = 0
    with source() as stream:
        while chunk := stream.read(READ_STEP):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return start + exc.start
            start += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return start + exc.start
    return None


class CsvRows:
    """The data rows of a CSV file, parsed again on each pass."""

    def __init__(self, source: Opener, encoding: str, delimiter: str) -> None:
        self.source = source
        self.encoding = encoding
        self.delimiter = delimiter

    def text(self) -> io.TextIOWrapper:
        return io.TextIOWrapper(self.source(), encoding=self.encoding, newline="")

    def all_rows(self) -> Iterator[list[str]]:
        """Every row, the header first."""
        try:
            with self.text() as text:
                yield from csv.reader(text, delimiter=self.delimiter)
        except csv.Error as exc:
            raise ImportFileError(_("The CSV file is damaged: %(error)s") % {"error": exc}) from exc

    def __iter__(self) -> Iterator[list[str]]:
        return _data_rows(self.all_rows())

    def estimated_count(self) -> int:
        """Lines less the header (a quoted value may hold a line break: only an estimate)."""
        lines, last = 0, b"\n"
        with self.source() as stream:
            while chunk := stream.read(READ_STEP):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        return max(0, lines + (last != b"\n") - 1)


def read_csv(content: bytes | Opener, filename: str) -> Sheet:
    source = opener_of(content)
    encoding = csv_encoding(source)
    with CsvRows(source, encoding, ",").text() as probe:
        first = probe.readline()
    delimiter = max([",", ";", "\t"], key=first.count)
    rows = CsvRows(source, encoding, delimiter)
    header = next(rows.all_rows(), None)
    if header is None:
        raise ImportFileError(_("The file is empty."))
    return Sheet(filename.rsplit(".", 1)[0], [_clean_header(h) for h in header], rows)


@dataclass
class _Workbook:
    """What every pass over an XLSX sheet needs: the file and the workbook's own parts."""

    source: Opener
    shared: list[str]
    date_styles: set[int]
    duration_styles: set[int]
    epoch: dt.datetime

    def all_rows(self, path: str) -> Iterator[list[Any]]:
        """Every row of one sheet, the header first."""
        try:
            with (
                self.source() as stream,
                zipfile.ZipFile(stream) as archive,
                archive.open(path) as source,
            ):
                yield from _sheet_rows(self, source)
        except ImportFileError:
            raise
        except Exception as exc:  # a damaged sheet: zip, XML or value errors
            raise ImportFileError(_unreadable_workbook(exc)) from exc

    def count_rows(self, path: str) -> int:
        """Row elements of a sheet, counted in its XML without parsing it."""
        count, tail = 0, b""
        with (
            self.source() as stream,
            zipfile.ZipFile(stream) as archive,
            archive.open(path) as source,
        ):
            while chunk := source.read(1 << 20):
                # a tag cut in two by the chunk boundary is counted from the joined edges
                count += chunk.count(b"<row") + (tail + chunk[:3]).count(b"<row")
                tail = chunk[-3:]
        return max(0, count - 1)


class XlsxRows:
    """The data rows of one sheet of a workbook, parsed again on each pass."""

    def __init__(self, workbook: _Workbook, path: str) -> None:
        self.workbook = workbook
        self.path = path

    def __iter__(self) -> Iterator[list[Any]]:
        return _data_rows(self.workbook.all_rows(self.path))

    def estimated_count(self) -> int:
        try:
            return self.workbook.count_rows(self.path)
        except Exception:  # only an estimate; the rows themselves report damage
            return 0


def _unreadable_workbook(exc: Exception) -> str:
    return _("The file could not be read as an Excel workbook: %(error)s") % {"error": exc}


def _read_xlsx(source: Opener) -> list[Sheet]:
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    # openpyxl reads the workbook's parts (sheet names, shared strings, date styles); the rows
    # are parsed here. Its read-only worksheets would first read every sheet whole to measure it
    # when the file gives no size, as write-only files (ours among them) do.
    try:
        stream = source()
        reader = ExcelReader(stream, read_only=True, data_only=True)
        try:
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            parts = [
                (sheet.name, rel.target)
                for sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
            ]
        finally:
            reader.archive.close()
            stream.close()
        workbook = _Workbook(
            source=source,
            shared=reader.shared_strings,
            date_styles=set(reader.wb._date_formats),
            duration_styles=set(reader.wb._timedelta_formats),
            epoch=reader.wb.epoch,
        )
    except Exception as exc:  # zip, XML or openpyxl errors: all mean "not a workbook"
        raise ImportFileError(_unreadable_workbook(exc)) from exc
    sheets = []
    for title, path in parts:
        header, has_data = _first_row(workbook.all_rows(path))
        if has_data:
            sheets.append(
                Sheet(title, [_clean_header(h) for h in header], XlsxRows(workbook, path))
            )
    if not sheets:
        raise ImportFileError(_("The workbook has no data."))
    return sheets


def _first_row(rows: Iterator[list[Any]]) -> tuple[list[Any], bool]:
    """The header (the sheet's first row, even if empty) and whether any row has a value; reads
    no further than the first row with one (the header itself, as a rule)."""
    header: list[Any] | None = None
    for row in rows:
        if header is None:
            header = row
        if not _is_empty(row):
            return header, True
    return header or [], False


SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _column_of(reference: str) -> int:
    number = 0
    for char in reference:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        else:
            break
    return number


def _sheet_rows(workbook: _Workbook, source: Any) -> Iterator[list[Any]]:
    """One sheet's values, row by row, as openpyxl's read-only ``iter_rows(values_only=True)``
    gives them, parsed with lxml's iterparse: several times faster on large sheets, and flat in
    memory (each row is dropped once read)."""
    from lxml import etree
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    shared = workbook.shared
    date_styles = workbook.date_styles
    duration_styles = workbook.duration_styles
    epoch = workbook.epoch
    cell_tag, value_tag, text_tag = SHEET_NS + "c", SHEET_NS + "v", SHEET_NS + "t"
    phonetic_tag = SHEET_NS + "rPh"
    expected = 1
    parser = etree.iterparse(
        source,
        events=("end",),
        tag=SHEET_NS + "row",
        resolve_entities=False,
        no_network=True,
    )
    for _event, row in parser:
        number = int(row.get("r") or expected)
        while expected < number:  # rows the file leaves out are empty
            yield []
            expected += 1
        values: list[Any] = []
        for cell in row.iterchildren(cell_tag):
            reference = cell.get("r")
            column = _column_of(reference) if reference else len(values) + 1
            while len(values) < column - 1:
                values.append(None)
            kind = cell.get("t", "n")
            if kind == "inlineStr" and len(cell) == 1 and len(cell[0]) == 1:
                value: Any = cell[0][0].text or None  # <is><t>text</t></is>, the usual
            elif kind == "inlineStr":
                value = (
                    "".join(
                        t.text or ""
                        for t in cell.iter(text_tag)
                        if t.getparent().tag != phonetic_tag
                    )
                    or None
                )
            else:
                text = cell.findtext(value_tag)
                if not text:
                    value = None
                elif kind == "n":
                    value = float(text) if "." in text or "E" in text or "e" in text else int(text)
                    style = int(cell.get("s") or 0)
                    if style and style in date_styles:
                        try:
                            value = from_excel(value, epoch, timedelta=style in duration_styles)
                        except (OverflowError, ValueError):
                            value = "#VALUE!"
                elif kind == "s":
                    value = shared[int(text)]
                elif kind == "b":
                    value = bool(int(text))
                elif kind == "d":
                    value = from_ISO8601(text)
                else:  # "str" (a formula's text), "e" (an error such as #N/A)
                    value = text
            values.append(value)
        yield values
        expected = number + 1
        row.clear()
        while row.getprevious() is not None:
            del row.getparent()[0]


# --- matching columns to questions -------------------------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


class Matcher:
    """Finds the question (and, for 0/1 columns, the choice) a header names, in one scope."""

    def __init__(self, questions: list[dict[str, Any]], scope: str) -> None:
        self.lookup: dict[str, tuple[dict[str, Any], str | None]] = {}
        # Notes and groups carry no data; Kobo exports still give some of them a column.
        self.silent = {
            _key(key)
            for q in questions
            if q["type"] in {"note", "group"} and (q.get("repeat") or "") == scope
            for key in (q["path"], q["name"])
        }
        by_path = {q["path"]: q for q in questions}
        names: dict[str, int] = {}
        mine = [q for q in questions if (q.get("repeat") or "") == scope and is_answer(q)]
        for q in mine:
            names[q["name"]] = names.get(q["name"], 0) + 1
        multiple: list[tuple[dict[str, Any], set[str]]] = []
        for q in mine:
            # ODK Central joins groups with "-", which read back as "/": a name that itself
            # holds "-" arrives with "/" in its place.
            keys = {q["path"], q["path"].replace("-", "/")}
            if names[q["name"]] == 1:
                keys.add(q["name"])
            for language, label in q["label"].items():
                keys.add(label)
                parents = [
                    by_path.get("/".join(q["path"].split("/")[:i]))
                    for i in range(1, q["path"].count("/") + 1)
                ]
                trail = [
                    p["label"].get(language, p["name"])
                    for p in parents
                    if p and p["type"] == "group"
                ]
                keys.add("/".join([*trail, label]))
            for key in keys:
                self.lookup.setdefault(_key(key), (q, None))
            if q["type"] == SELECT_MULTIPLE:
                multiple.append((q, keys))
        # The 0/1 column of a choice only where no question has that name: or_other's text
        # question ``fav_other`` is not the choice "other" of ``fav``.
        for q, keys in multiple:
            for key in keys:
                for choice in q["choices"]:
                    for text in {choice["name"], *choice["label"].values()}:
                        for sep in ("/", ".", "_", " "):
                            self.lookup.setdefault(_key(f"{key}{sep}{text}"), (q, choice["name"]))

    def match(self, header: str) -> tuple[dict[str, Any], str | None] | None:
        return self.lookup.get(_key(header))


# --- values ------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    # PostgreSQL cannot store a NUL character (answers, problems); no answer needs one.
    return text.replace("\x00", "") if "\x00" in text else text


class BadValue(ValueError):
    pass


def convert_value(question: dict[str, Any], raw: str) -> str:
    kind = question["type"]
    if kind in {SELECT_ONE, SELECT_MULTIPLE} and not question["choices"]:
        # Its choices are not in the form: earlier answers (``select_one ${name}``) or an
        # external file. The answer is kept as given, as a phone's is.
        return " ".join(raw.split()) if kind == SELECT_MULTIPLE else raw.strip()
    if kind == SELECT_ONE:
        return _choice(question, raw)
    if kind == SELECT_MULTIPLE:
        names = {c["name"] for c in question["choices"]}
        parts = raw.split()
        if all(p in names for p in parts):
            return " ".join(parts)
        labels = _choice_lookup(question)
        pieces = [p.strip() for p in re.split(r"[;,|]", raw) if p.strip()]
        if pieces and all(_key(p) in labels for p in pieces):
            return " ".join(labels[_key(p)] for p in pieces)
        if _key(raw) in labels:
            return labels[_key(raw)]
        unknown = next((p for p in parts if p not in names), raw)
        raise BadValue(_("%(value)s is not a choice of this question.") % {"value": unknown})
    if kind == "integer":
        text = to_western_digits(raw).replace(",", "")
        try:
            number = float(text)
        except ValueError as exc:
            raise BadValue(_("%(value)s is not a whole number.") % {"value": raw}) from exc
        if not number.is_integer():
            raise BadValue(_("%(value)s is not a whole number.") % {"value": raw})
        return str(int(number))
    if kind == "decimal":
        text = to_western_digits(raw).replace(",", "")
        try:
            float(text)
        except ValueError as exc:
            raise BadValue(_("%(value)s is not a number.") % {"value": raw}) from exc
        return text
    if kind == "date" and "T" in raw:
        return raw.split("T", 1)[0]
    return raw


def _choice_lookup(question: dict[str, Any]) -> dict[str, str]:
    cached = question.get("_labels")
    if cached is None:
        cached = {}
        for choice in question["choices"]:
            cached[_key(choice["name"])] = choice["name"]
            for label in choice["label"].values():
                cached.setdefault(_key(label), choice["name"])
        question["_labels"] = cached
    return cached


def _choice(question: dict[str, Any], raw: str) -> str:
    if any(c["name"] == raw for c in question["choices"]):
        return raw
    found = _choice_lookup(question).get(_key(raw))
    if found is None:
        raise BadValue(_("%(value)s is not a choice of this question.") % {"value": raw})
    return found


# --- analysis ----------------------------------------------------------------------------------

META = {
    "_uuid",
    "_submission_time",
    "_index",
    "_parent_index",
    "_id",
    "_validation_status",
    "_status",
    "_submitted_by",
    "_notes",
    "_tags",
    "__version__",
    "_version_",
    "_xform_id_string",
    "_attachments",
    "_geolocation",
    "_submission__uuid",
    "_submission__id",
    "_submission__submission_time",
    "_submission__validation_status",
    "_submission__notes",
    "_submission__status",
    "_submission__submitted_by",
    "_submission__tags",
    "_parent_table_name",
    "meta/instanceid",
    "instanceid",
    "meta/deprecatedid",
    # Our own exports' metadata columns, so that they import back cleanly.
    *(name for name, _tag in META_COLUMNS),
}


def _parse_time(text: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def analyse(
    version: FormVersion,
    sheets: list[Sheet],
    known: Callable[[list[str]], set[str]] | None = None,
    progress: Callable[[int, int], None] | None = None,
    each: Callable[[Record], None] | None = None,
) -> Analysis:
    """Check every row of the file in one pass and count what it would give. ``known(ids)``
    returns those of the instance ids already stored (asked ``LOOKUP_CHUNK`` at a time);
    ``progress(rows, estimated_total)`` is called every ``PROGRESS_EVERY`` rows; ``each(record)``
    sees every submission, for what else the preview counts in the same pass."""
    result = Analysis()
    estimate = estimated_rows(sheets[0]) if progress is not None else 0
    pending: list[str] = []

    def look_up() -> None:
        if known is not None and pending:
            result.existing += len(known(pending))
        pending.clear()

    with without_gc_pauses():
        for record in iter_records(version, sheets, result):
            result.rows += 1
            if each is not None:
                each(record)
            if known is not None:
                pending.append(record.instance_id)
                if len(pending) >= LOOKUP_CHUNK:
                    look_up()
            if progress is not None and result.rows % PROGRESS_EVERY == 0:
                progress(result.rows, max(estimate, result.rows))
        look_up()
    return result


def _repeat_for(sheet_name: str, repeats: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    for path, repeat in repeats.items():
        candidates = {repeat["name"][:31], path[:31], *(v[:31] for v in repeat["label"].values())}
        if _key(sheet_name) in {_key(c) for c in candidates}:
            return repeat
    return None


Column = tuple[int, str, dict[str, Any] | None, str | None]


@dataclass
class _Plan:
    """How one sheet's columns map to the questions of one scope (the form, or a repeat)."""

    sheet: Sheet
    scope: str
    columns: list[Column]  # (position, lower-case header, question or None for meta, choice)
    listed: list[dict[str, str]]  # every column as the preview shows it
    matched: int
    whole: set[str]  # select_multiple questions that have their own column (not only 0/1 ones)


def _plan(sheet: Sheet, scope: str, questions: list[dict[str, Any]]) -> _Plan:
    matcher = Matcher(questions, scope)
    columns: list[Column] = []
    listed: list[dict[str, str]] = []
    matched = 0
    for position, header in enumerate(sheet.headers):
        if not header:
            continue
        lowered = header.casefold()
        if lowered.startswith("x_") and lowered[1:] in META:
            lowered = lowered[1:]  # R's make.names turned "_uuid" into "X_uuid"
        if (
            lowered in META
            or lowered.startswith("_")
            and lowered.endswith(("_latitude", "_longitude", "_altitude", "_precision"))
        ):
            listed.append({"sheet": sheet.name, "column": header, "matched": "", "kind": "meta"})
            columns.append((position, lowered, None, None))
            continue
        found = matcher.match(header)
        if found is None and _key(header) in matcher.silent:
            listed.append({"sheet": sheet.name, "column": header, "matched": "", "kind": "note"})
            continue
        if found is None:
            listed.append(
                {"sheet": sheet.name, "column": header, "matched": "", "kind": "unmatched"}
            )
            continue
        question, choice = found
        matched += 1
        kind = "choice" if choice else "question"
        listed.append(
            {"sheet": sheet.name, "column": header, "matched": question["path"], "kind": kind}
        )
        columns.append((position, lowered, question, choice))
    whole = {q["path"] for _p, _l, q, c in columns if q is not None and c is None}
    return _Plan(sheet, scope, columns, listed, matched, whole)


def _convert(
    plan: _Plan, row: list[Any]
) -> tuple[dict[str, Any], dict[str, str], list[tuple[str, str]]]:
    """One row's answers, its metadata columns, and its problems as (column, message)."""
    answers: dict[str, Any] = {}
    ticks: dict[str, list[str]] = {}
    meta: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    for position, lowered, question, choice in plan.columns:
        raw = _text(row[position]) if position < len(row) else ""
        if question is None:
            meta[lowered] = raw
            continue
        if choice is not None:
            if question["path"] not in plan.whole and raw.strip().casefold() in TICKED:
                ticks.setdefault(question["path"], []).append(choice)
            continue
        if not raw:
            continue
        try:
            answers[question["path"]] = convert_value(question, raw)
        except BadValue as exc:
            problems.append((plan.sheet.headers[position], str(exc)))
    for path, chosen in ticks.items():
        answers[path] = " ".join(chosen)
    return answers, meta, problems


def _no_parent(index: str) -> str:
    return _("No row with _index %(index)s in the parent sheet.") % {"index": index or "-"}


def _no_column() -> str:
    return _("No column of this sheet matches a question of the form.")


def _count_rows(rows: Iterable[list[Any]]) -> int:
    """Data rows up to the last one with a value (an unreadable rest is not counted)."""
    count = 0
    with contextlib.suppress(ImportFileError):
        for offset, row in enumerate(rows):
            if not _is_empty(row):
                count = offset + 1
    return count


@dataclass
class _ChildRow:
    line: int
    parent_index: str
    answers: dict[str, Any]
    problems: list[tuple[str, str]]
    waiting: bool = False  # for a row of the main sheet that has not been read yet


@dataclass
class _HeldSheet:
    """A sheet after the first: a repeat group's rows, held in memory until the main sheet has
    been read, with what the preview says of it."""

    sheet: Sheet
    plan: _Plan | None  # None: the sheet matches no repeat group
    count: int = 0
    rows: list[_ChildRow] = field(default_factory=list)
    by_parent: dict[str, list[_ChildRow]] = field(default_factory=dict)  # main-sheet parents
    error: tuple[int, str] | None = None

    def report(self, result: Analysis) -> None:
        name = self.sheet.name
        if self.plan is None:
            result.sheets.append({"name": name, "rows": self.count, "matched": ""})
            result.problem(name, None, "", _("This sheet matches no repeat group of the form."))
            return
        result.columns.extend(self.plan.listed)
        result.sheets.append({"name": name, "rows": self.count, "matched": self.plan.scope})
        if not self.plan.matched:
            result.problem(name, 1, "", _no_column())
            return
        for child in self.rows:
            for column, message in child.problems:
                result.problem(name, child.line, column, message)
            if child.waiting:
                result.problem(name, child.line, "_parent_index", _no_parent(child.parent_index))
        if self.error is not None:
            result.problem(name, self.error[0], "", self.error[1])


def _hold(
    sheet: Sheet,
    repeats: dict[str, dict[str, Any]],
    questions: list[dict[str, Any]],
    tables: dict[str, dict[str, dict[str, Any]]],
) -> _HeldSheet:
    repeat = _repeat_for(sheet.name, repeats)
    if repeat is None:
        return _HeldSheet(sheet, None, count=_count_rows(sheet.rows))
    plan = _plan(sheet, repeat["path"], questions)
    held = _HeldSheet(sheet, plan)
    if not plan.matched:
        held.count = _count_rows(sheet.rows)
        return held
    scope = plan.scope
    parent_scope = repeat.get("repeat") or ""
    table = tables.setdefault(scope, {})
    offset = -1
    try:
        for offset, row in enumerate(sheet.rows):  # noqa: B007  (offset is used after the loop)
            if _is_empty(row):
                continue
            held.count = offset + 1
            answers, meta, problems = _convert(plan, row)
            parent_index = meta.get("_parent_index", "")
            child = _ChildRow(offset + 2, parent_index, answers, problems)
            held.rows.append(child)
            if parent_scope:  # a repeat inside a repeat: its parent's sheet came before
                parent = tables.get(parent_scope, {}).get(parent_index)
                if parent is None:
                    problems.append(("_parent_index", _no_parent(parent_index)))
                    continue
                parent.setdefault(scope, []).append(answers)
            else:
                child.waiting = True
                held.by_parent.setdefault(parent_index, []).append(child)
            table[meta.get("_index") or str(offset + 1)] = answers
    except ImportFileError as exc:
        held.error = (offset + 3, str(exc))
    return held


def iter_records(version: FormVersion, sheets: list[Sheet], result: Analysis) -> Iterator[Record]:
    """The submissions of the file, one main-sheet row at a time, checked as they come: the
    problems go to ``result``, which is complete only once the iterator is exhausted (those of
    the repeat sheets are known when every parent row has been seen). A row with problems is
    still given, so that counting goes on; write nothing when ``result.problem_count``."""
    questions = version.questions
    repeats = {q["path"]: q for q in questions if q["type"] == "repeat"}
    main, others = sheets[0], sheets[1:]
    plan = _plan(main, "", questions)
    result.columns.extend(plan.listed)
    summary: dict[str, Any] = {"name": main.name, "rows": 0, "matched": "-"}
    result.sheets.append(summary)
    tables: dict[str, dict[str, dict[str, Any]]] = {}
    held = [_hold(sheet, repeats, questions, tables) for sheet in others]
    if not plan.matched:
        summary["rows"] = _count_rows(main.rows)
        result.problem(main.name, 1, "", _no_column())
    else:
        before = result.problem_count
        given = 0
        for record in _main_records(plan, held, result, summary):
            given += 1
            yield record
        if not given and result.problem_count == before:
            result.problem(main.name, None, "", _("The sheet has no rows."))
    for sheet in held:
        sheet.report(result)


def _channels() -> dict[str, str]:
    """``_channel`` as our exports write it (the stored value, or its label in either
    language) -> the channel."""
    found = {}
    for language in ("ar", "en"):
        found.update({_key(label): value for value, label in channel_labels(language).items()})
    return found | {value: value for value in channel_labels("en")}


def _main_records(
    plan: _Plan, held: list[_HeldSheet], result: Analysis, summary: dict[str, Any]
) -> Iterator[Record]:
    sheet = plan.sheet
    channels = _channels()
    children = [(h.plan.scope, h.by_parent) for h in held if h.plan is not None and h.by_parent]
    seen: dict[str, int] = {}  # instance id -> row: the only thing kept per row
    offset = -1
    rows: Iterator[list[Any]] | None = None
    while True:
        try:
            if rows is None:  # a reader may find the file damaged as soon as it starts
                rows = iter(sheet.rows)
            row = next(rows)
        except StopIteration:
            return
        except ImportFileError as exc:
            result.problem(sheet.name, offset + 3, "", str(exc))
            return
        offset += 1
        if _is_empty(row):
            continue
        line = offset + 2
        summary["rows"] = offset + 1
        answers, meta, problems = _convert(plan, row)
        for column, message in problems:
            result.problem(sheet.name, line, column, message)
        instance_id = (
            meta.get("_uuid") or meta.get("meta/instanceid") or meta.get("instanceid") or ""
        )
        if instance_id and not instance_id.startswith("uuid:"):
            instance_id = f"uuid:{instance_id}"
        if not instance_id:
            instance_id = "uuid:" + str(uuid.uuid5(NAMESPACE, repr(sorted(answers.items()))))
        if instance_id in seen:
            result.problem(
                sheet.name,
                line,
                "_uuid",
                _("The same _uuid as row %(row)s.") % {"row": seen[instance_id]},
            )
            continue
        seen[instance_id] = line
        index = meta.get("_index") or str(offset + 1)
        for scope, by_parent in children:
            mine = by_parent.pop(index, None)
            if mine:
                for child in mine:
                    child.waiting = False
                answers[scope] = [child.answers for child in mine]
        yield Record(
            row=line,
            instance_id=instance_id,
            answers=answers,
            submitted_at=_parse_time(meta.get("_submission_time", "")),
            status=VALIDATION_STATUS.get(
                meta.get("_validation_status", ""), SubmissionStatus.RECEIVED
            ),
            channel=channels.get(_key(meta.get("_channel", ""))),
            synthetic=meta.get("_synthetic", "").strip().casefold() in TICKED,
        )
