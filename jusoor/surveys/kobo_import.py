"""Reading KoboToolbox exports (XLSX or CSV) into submissions of a form.

First ``analyse``: every row and column is checked and matched to the form's questions, and the
problems are listed by sheet, row and column. Only a file without problems can be written, and it
is written all at once; rows whose ``_uuid`` is already here are skipped, so importing the same
file twice adds nothing.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import io
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from jusoor.engines.arabic import to_western_digits
from jusoor.surveys.models import (
    FormVersion,
    SubmissionStatus,
)
from jusoor.surveys.xlsform import is_answer

SELECT_ONE = "select one"
SELECT_MULTIPLE = "select all that apply"
MAX_PROBLEMS = 500
VALIDATION_STATUS = {
    "validation_status_approved": SubmissionStatus.APPROVED,
    "validation_status_not_approved": SubmissionStatus.REJECTED,
    "validation_status_on_hold": SubmissionStatus.ON_HOLD,
}
NAMESPACE = uuid.UUID("5b0c1e52-3a8f-4b53-9d7e-6a5f0e1c2d3b")


class ImportFileError(ValueError):
    pass


@dataclass
class Sheet:
    name: str
    headers: list[str]
    rows: list[list[Any]]


@dataclass
class Record:
    row: int
    instance_id: str
    answers: dict[str, Any]
    submitted_at: dt.datetime | None
    status: str


@dataclass
class Analysis:
    records: list[Record] = field(default_factory=list)
    columns: list[dict[str, str]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    problem_count: int = 0
    sheets: list[dict[str, Any]] = field(default_factory=list)

    def problem(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append({"sheet": sheet, "row": row, "column": column, "message": message})


# --- reading files -----------------------------------------------------------------------------


def _clean_header(text: Any) -> str:
    header = str(text or "").replace("\ufeff", "").strip()
    return re.sub(r"^X\.U\.FEFF\.", "", header)  # a Kobo export that went through R


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


def read_file(content: bytes, filename: str) -> list[Sheet]:
    with without_gc_pauses():
        if filename.lower().endswith(".csv"):
            return [_read_csv(content, filename)]
        if filename.lower().endswith(".xlsx"):
            return _read_xlsx(content)
    raise ImportFileError(_("The file must be .xlsx or .csv."))


def decode_csv(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1256, as Arabic Excel saves CSV."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return content.decode("cp1256")
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                _("The CSV file is neither UTF-8 nor Windows-1256 (byte %(at)s).")
                % {"at": exc.start}
            ) from exc


def _read_csv(content: bytes, filename: str) -> Sheet:
    text = decode_csv(content)
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file is damaged: %(error)s") % {"error": exc}) from exc
    if not rows:
        raise ImportFileError(_("The file is empty."))
    return Sheet(filename.rsplit(".", 1)[0], [_clean_header(h) for h in rows[0]], rows[1:])


def _read_xlsx(content: bytes) -> list[Sheet]:
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    # openpyxl reads the workbook's parts (sheet names, shared strings, date styles); the rows
    # are parsed here. Its read-only worksheets would first read every sheet whole to measure it
    # when the file gives no size, as write-only files (ours among them) do.
    try:
        reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        parts = [
            (sheet.name, rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        ]
    except Exception as exc:  # zip, XML or openpyxl errors: all mean "not a workbook"
        raise ImportFileError(
            _("The file could not be read as an Excel workbook: %(error)s") % {"error": exc}
        ) from exc
    sheets = []
    try:
        for title, path in parts:
            try:
                rows = list(_sheet_rows(reader, path))
            except Exception as exc:  # a damaged sheet: the same message as above
                raise ImportFileError(
                    _("The file could not be read as an Excel workbook: %(error)s") % {"error": exc}
                ) from exc
            while rows and not any(v not in (None, "") for v in rows[-1]):
                rows.pop()
            if not rows:
                continue
            sheets.append(Sheet(title, [_clean_header(h) for h in rows[0]], rows[1:]))
    finally:
        reader.archive.close()
    if not sheets:
        raise ImportFileError(_("The workbook has no data."))
    return sheets


SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _column_of(reference: str) -> int:
    number = 0
    for char in reference:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        else:
            break
    return number


def _sheet_rows(reader: Any, path: str) -> Iterator[list[Any]]:
    """One sheet's values, row by row, as openpyxl's read-only ``iter_rows(values_only=True)``
    gives them, parsed with lxml's iterparse: several times faster on large sheets, and flat in
    memory (each row is dropped once read)."""
    from lxml import etree
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    workbook = reader.wb
    shared = reader.shared_strings
    date_styles = workbook._date_formats
    duration_styles = workbook._timedelta_formats
    epoch = workbook.epoch
    cell_tag, value_tag, text_tag = SHEET_NS + "c", SHEET_NS + "v", SHEET_NS + "t"
    phonetic_tag = SHEET_NS + "rPh"
    expected = 1
    with reader.archive.open(path) as source:
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
                        value = (
                            float(text) if "." in text or "E" in text or "e" in text else int(text)
                        )
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
        for q in mine:
            keys = {q["path"]}
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
                    for choice in q["choices"]:
                        for text in {choice["name"], *choice["label"].values()}:
                            for sep in ("/", ".", "_", " "):
                                self.lookup.setdefault(
                                    _key(f"{key}{sep}{text}"), (q, choice["name"])
                                )

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
    return str(value).strip()


class BadValue(ValueError):
    pass


def convert_value(question: dict[str, Any], raw: str) -> str:
    kind = question["type"]
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


def analyse(version: FormVersion, sheets: list[Sheet]) -> Analysis:
    with without_gc_pauses():
        return _analyse(version, sheets)


def _analyse(version: FormVersion, sheets: list[Sheet]) -> Analysis:
    questions = version.questions
    repeats = {q["path"]: q for q in questions if q["type"] == "repeat"}
    result = Analysis()
    main = sheets[0]
    entries_by_table: dict[str, dict[str, dict[str, Any]]] = {}
    records = _rows_of(main, "", questions, result, entries_by_table)
    if not records and not result.problems:
        result.problem(main.name, None, "", _("The sheet has no rows."))
    for sheet in sheets[1:]:
        repeat = _repeat_for(sheet.name, repeats)
        if repeat is None:
            result.sheets.append({"name": sheet.name, "rows": len(sheet.rows), "matched": ""})
            result.problem(
                sheet.name, None, "", _("This sheet matches no repeat group of the form.")
            )
            continue
        _rows_of(sheet, repeat["path"], questions, result, entries_by_table)
    result.records = records
    return result


def _repeat_for(sheet_name: str, repeats: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    for path, repeat in repeats.items():
        candidates = {repeat["name"][:31], path[:31], *(v[:31] for v in repeat["label"].values())}
        if _key(sheet_name) in {_key(c) for c in candidates}:
            return repeat
    return None


def _rows_of(
    sheet: Sheet,
    scope: str,
    questions: list[dict[str, Any]],
    result: Analysis,
    entries_by_table: dict[str, dict[str, dict[str, Any]]],
) -> list[Record]:
    matcher = Matcher(questions, scope)
    columns: list[tuple[int, str, dict[str, Any] | None, str | None]] = []
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
            result.columns.append(
                {"sheet": sheet.name, "column": header, "matched": "", "kind": "meta"}
            )
            columns.append((position, lowered, None, None))
            continue
        found = matcher.match(header)
        if found is None and _key(header) in matcher.silent:
            result.columns.append(
                {"sheet": sheet.name, "column": header, "matched": "", "kind": "note"}
            )
            continue
        if found is None:
            result.columns.append(
                {"sheet": sheet.name, "column": header, "matched": "", "kind": "unmatched"}
            )
            continue
        question, choice = found
        matched += 1
        kind = "choice" if choice else "question"
        result.columns.append(
            {"sheet": sheet.name, "column": header, "matched": question["path"], "kind": kind}
        )
        columns.append((position, lowered, question, choice))
    result.sheets.append({"name": sheet.name, "rows": len(sheet.rows), "matched": scope or "-"})
    if not matched:
        result.problem(
            sheet.name, 1, "", _("No column of this sheet matches a question of the form.")
        )
        return []
    whole = {q["path"] for _p, _l, q, c in columns if q is not None and c is None}
    parent_scope = (
        next((q.get("repeat", "") for q in questions if q["path"] == scope), "") if scope else None
    )
    table = entries_by_table.setdefault(scope, {})
    records: list[Record] = []
    seen_ids: dict[str, int] = {}
    for offset, row in enumerate(sheet.rows):
        line = offset + 2
        if not any(v not in (None, "") for v in row):
            continue
        answers: dict[str, Any] = {}
        ticks: dict[str, list[str]] = {}
        meta: dict[str, str] = {}
        for position, lowered, question, choice in columns:
            raw = _text(row[position]) if position < len(row) else ""
            if question is None:
                meta[lowered] = raw
                continue
            if choice is not None:
                if question["path"] not in whole and raw.strip().lower() in {"1", "true", "yes"}:
                    ticks.setdefault(question["path"], []).append(choice)
                continue
            if not raw:
                continue
            try:
                answers[question["path"]] = convert_value(question, raw)
            except BadValue as exc:
                result.problem(sheet.name, line, sheet.headers[position], str(exc))
        for path, chosen in ticks.items():
            answers[path] = " ".join(chosen)
        index = meta.get("_index") or str(offset + 1)
        if scope:
            parent_index = meta.get("_parent_index", "")
            parents = entries_by_table.get(parent_scope or "", {})
            parent = parents.get(parent_index)
            if parent is None:
                result.problem(
                    sheet.name,
                    line,
                    "_parent_index",
                    _("No row with _index %(index)s in the parent sheet.")
                    % {"index": parent_index or "-"},
                )
                continue
            parent.setdefault(scope, []).append(answers)
            table[index] = answers
            continue
        instance_id = (
            meta.get("_uuid") or meta.get("meta/instanceid") or meta.get("instanceid") or ""
        )
        if instance_id and not instance_id.startswith("uuid:"):
            instance_id = f"uuid:{instance_id}"
        if not instance_id:
            instance_id = "uuid:" + str(uuid.uuid5(NAMESPACE, repr(sorted(answers.items()))))
        if instance_id in seen_ids:
            result.problem(
                sheet.name,
                line,
                "_uuid",
                _("The same _uuid as row %(row)s.") % {"row": seen_ids[instance_id]},
            )
            continue
        seen_ids[instance_id] = line
        table[index] = answers
        records.append(
            Record(
                row=line,
                instance_id=instance_id,
                answers=answers,
                submitted_at=_parse_time(meta.get("_submission_time", "")),
                status=VALIDATION_STATUS.get(
                    meta.get("_validation_status", ""), SubmissionStatus.RECEIVED
                ),
            )
        )
    return records
