"""Exports that lose nothing: CSV, XLSX and SPSS, with repeat groups as tables of their own.

One table per repeat group, linked to its parent by ``_parent_index``; select_multiple as a
space-joined column plus one 0/1 column per choice; columns from every version of the form, so
they stay the same across versions. Personal-data columns only when asked for (the caller checks
the right and audits).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import translation

from jusoor.surveys.models import Channel, Form, Submission
from jusoor.surveys.openrosa import merge_personal
from jusoor.surveys.xlsform import is_answer, label_of, language_for

SELECT_ONE = "select one"
SELECT_MULTIPLE = "select all that apply"
NUMERIC = {"integer", "decimal", "range"}
META_COLUMNS = [
    ("_uuid", "#meta+id"),
    ("_submission_time", "#date+submitted"),
    ("_version", "#meta+version"),
    ("_status", "#status"),
    ("_enumerator", "#contact+enumerator"),
    ("_channel", "#meta+channel"),
    ("_synthetic", "#meta+synthetic"),
]
YES_NO = {"ar": ("لا", "نعم"), "en": ("No", "Yes")}


def channel_labels(language: str) -> dict[str, str]:
    """How each submission arrived (web, phone, public link...), in the export's language."""
    with translation.override(language):
        return {channel.value: str(channel.label) for channel in Channel}


@dataclass
class Column:
    key: str  # question path, or a meta name such as _uuid
    header: str
    question: dict[str, Any] | None = None
    choice: str | None = None  # for the 0/1 column of one choice of a select_multiple
    hxl: str = ""


@dataclass
class Table:
    path: str  # "" for the submissions, the repeat's path otherwise
    name: str
    columns: list[Column] = field(default_factory=list)
    parent: str | None = None


@dataclass
class Options:
    language: str | None = None  # "ar", "en", or None for XML names and values
    include_personal: bool = False
    hxl: bool = False


def questions_of(form: Form) -> list[dict[str, Any]]:
    """Every question of every version, by path: the newest version's order, older ones after."""
    seen: dict[str, dict[str, Any]] = {}
    for version in form.versions.order_by("-pk"):
        for question in version.questions:
            seen.setdefault(question["path"], question)
    return list(seen.values())


def build_tables(form: Form, options: Options) -> list[Table]:
    version = form.current_version
    languages = version.languages if version else []
    default_language = version.default_language if version else ""
    language = language_for(languages, options.language) if options.language else None
    questions = questions_of(form)
    repeats = [q for q in questions if q["type"] == "repeat"]
    tables = [Table("", "data")] + [
        Table(q["path"], _sheet_name(q["name"]), parent=q["repeat"]) for q in repeats
    ]
    by_path = {t.path: t for t in tables}
    main = by_path[""]
    main.columns = [Column("_index", "_index")] + [Column(k, k, hxl=h) for k, h in META_COLUMNS]
    for table in tables[1:]:
        table.columns = [
            Column("_index", "_index"),
            Column("_parent_index", "_parent_index"),
            Column("_submission__uuid", "_submission__uuid", hxl="#meta+id"),
        ]
    for question in questions:
        if not is_answer(question) or question["path"].startswith("meta/"):
            continue
        if question.get("pii") and not options.include_personal:
            continue
        table = by_path.get(question.get("repeat") or "", main)
        header = label_of(question, language, default_language) if language else question["path"]
        table.columns.append(
            Column(question["path"], header, question, hxl=question.get("hxl", ""))
        )
        if question["type"] == SELECT_MULTIPLE:
            for choice in question["choices"]:
                choice_header = (
                    label_of(choice, language, default_language) if language else choice["name"]
                )
                table.columns.append(
                    Column(
                        question["path"],
                        f"{header}/{choice_header}",
                        question,
                        choice=choice["name"],
                        hxl=f"{question['hxl']}+{_hxl_attribute(choice['name'])}"
                        if question.get("hxl")
                        else "",
                    )
                )
    return tables


def _sheet_name(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31]


def _hxl_attribute(text: str) -> str:
    return re.sub(r"[^a-z0-9_]", "", text.lower()) or "x"


def _choice_labels(
    question: dict[str, Any], language: str, default_language: str
) -> dict[str, str]:
    return {c["name"]: label_of(c, language, default_language) for c in question["choices"]}


class RowMaker:
    """Turns submissions into rows of every table, numbering repeat entries as it goes."""

    def __init__(self, form: Form, tables: list[Table], options: Options, typed: bool) -> None:
        self.tables = tables
        self.options = options
        self.typed = typed
        version = form.current_version
        languages = version.languages if version else []
        self.default_language = version.default_language if version else ""
        self.language = language_for(languages, options.language) if options.language else None
        self.counters = {t.path: 0 for t in tables}
        self.children = {
            t.path: [c for c in tables if c.parent == t.path and c.path] for t in tables
        }
        self._labels: dict[str, dict[str, str]] = {}
        # Looked up once here rather than joined to every row: a version carries its whole form.
        self.versions = dict(form.versions.values_list("pk", "version"))
        self._enumerators: dict[int, str] = {}
        # Labels in label mode, the stored value otherwise (SPSS gets them as value labels).
        self._channels = channel_labels(options.language) if options.language else {}

    def _enumerator(self, pk: int | None) -> str:
        if pk is None:
            return ""
        if pk not in self._enumerators:
            from django.contrib.auth import get_user_model

            user = get_user_model().objects.filter(pk=pk).first()
            self._enumerators[pk] = user.get_username() if user else ""
        return self._enumerators[pk]

    def rows(self, submission: Submission) -> Iterator[tuple[str, list[Any]]]:
        answers = submission.answers
        if self.options.include_personal and submission.pii:
            answers = merge_personal(answers, submission.personal_answers())
        self.counters[""] += 1
        index = self.counters[""]
        meta = {
            "_index": index,
            "_uuid": submission.instance_id,
            "_submission_time": submission.received_at.strftime("%Y-%m-%dT%H:%M:%S"),
            "_version": self.versions.get(submission.version_id, ""),
            "_status": submission.status,
            "_enumerator": self._enumerator(submission.enumerator_id),
            "_channel": self._channels.get(submission.channel, submission.channel),
            "_synthetic": 1 if submission.synthetic else 0,
        }
        main = self.tables[0]
        yield "", self._row(main, answers, meta)
        yield from self._repeat_rows("", answers, index, submission.instance_id)

    def _repeat_rows(
        self, parent_path: str, answers: dict[str, Any], parent_index: int, uuid: str
    ) -> Iterator[tuple[str, list[Any]]]:
        for table in self.children.get(parent_path, []):
            for entry in answers.get(table.path) or []:
                self.counters[table.path] += 1
                index = self.counters[table.path]
                meta = {"_index": index, "_parent_index": parent_index, "_submission__uuid": uuid}
                yield table.path, self._row(table, entry, meta)
                yield from self._repeat_rows(table.path, entry, index, uuid)

    def _row(self, table: Table, answers: dict[str, Any], meta: dict[str, Any]) -> list[Any]:
        return [self._cell(column, answers, meta) for column in table.columns]

    def _cell(self, column: Column, answers: dict[str, Any], meta: dict[str, Any]) -> Any:
        question = column.question
        if question is None:
            return meta.get(column.key, "")
        value = answers.get(column.key)
        if column.choice is not None:
            if value in (None, ""):
                return None if self.typed else ""
            return 1 if column.choice in str(value).split() else 0
        if value in (None, ""):
            return None if self.typed else ""
        kind = question["type"]
        if self.language and kind in (SELECT_ONE, SELECT_MULTIPLE):
            labels = self._labels.get(question["path"])
            if labels is None:
                labels = _choice_labels(question, self.language, self.default_language)
                self._labels[question["path"]] = labels
            if kind == SELECT_ONE:
                return labels.get(value, value)
            return "; ".join(labels.get(v, v) for v in str(value).split())
        if self.typed and kind in NUMERIC:
            try:
                number = float(value)
            except ValueError:
                return value
            return int(number) if kind == "integer" and number.is_integer() else number
        return value


CHUNK_SIZE = 2000
EXPORT_FIELDS = (
    "pk",
    "form_id",
    "instance_id",
    "received_at",
    "version_id",
    "status",
    "enumerator_id",
    "channel",
    "synthetic",
    "answers",
    "pii",
)
PROGRESS_EVERY = 500
RowProgress = Callable[[int], None] | None


def submissions_for_export(form: Form) -> Iterable[Submission]:
    """Streamed from the database a chunk at a time: memory stays flat however many there are."""
    return (
        form.submissions.filter(is_current=True)
        .only(*EXPORT_FIELDS)
        .order_by("pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )


def count_for_export(form: Form) -> int:
    return form.submissions.filter(is_current=True).count()


def _counted(submissions: Iterable[Submission], progress: RowProgress) -> Iterator[Submission]:
    done = 0
    for done, submission in enumerate(submissions, 1):  # noqa: B007
        yield submission
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    if progress is not None:
        progress(done)


# --- CSV ---------------------------------------------------------------------------------------


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["" if v is None else v for v in values])
    return buffer.getvalue()


def csv_stream(form: Form, options: Options, table_path: str = "") -> Iterator[str]:
    """One table as CSV text, streamed (UTF-8 BOM first, so Excel reads Arabic right)."""
    tables = build_tables(form, options)
    table = next(t for t in tables if t.path == table_path)
    maker = RowMaker(form, tables, options, typed=False)
    yield "\ufeff" + _csv_line([c.header for c in table.columns])
    if options.hxl:
        yield _csv_line([c.hxl for c in table.columns])
    for submission in submissions_for_export(form):
        for path, row in maker.rows(submission):
            if path == table_path:
                yield _csv_line(row)


def write_csv(form: Form, options: Options, target: Path, progress: RowProgress = None) -> int:
    """The submissions table as one CSV file (for forms without repeat groups). Returns rows."""
    tables = build_tables(form, options)
    main = tables[0]
    maker = RowMaker(form, tables, options, typed=False)
    rows = 0
    with open(target, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header for c in main.columns])
        if options.hxl:
            writer.writerow([c.hxl for c in main.columns])
        for submission in _counted(submissions_for_export(form), progress):
            rows += 1
            for path, row in maker.rows(submission):
                if path == "":
                    writer.writerow(["" if v is None else v for v in row])
    return rows


def csv_zip(form: Form, options: Options, target: Path, progress: RowProgress = None) -> int:
    """Every table as its own CSV, in one zip (for forms with repeat groups). Returns rows."""
    tables = build_tables(form, options)
    maker = RowMaker(form, tables, options, typed=False)
    handles = {}
    rows = 0
    with tempfile.TemporaryDirectory() as folder:
        for table in tables:
            handle = open(Path(folder) / f"{table.name}.csv", "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
            writer = csv.writer(handle)
            writer.writerow([c.header for c in table.columns])
            if options.hxl:
                writer.writerow([c.hxl for c in table.columns])
            handles[table.path] = (handle, writer)
        for submission in _counted(submissions_for_export(form), progress):
            rows += 1
            for path, row in maker.rows(submission):
                handles[path][1].writerow(["" if v is None else v for v in row])
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for table in tables:
                handles[table.path][0].close()
                archive.write(
                    Path(folder) / f"{table.name}.csv", f"{form.form_id}-{table.name}.csv"
                )
    return rows


# --- XLSX --------------------------------------------------------------------------------------


def write_xlsx(form: Form, options: Options, target: Path, progress: RowProgress = None) -> int:
    """openpyxl's write-only mode: rows go to disk as they come, never all in memory."""
    from openpyxl import Workbook

    tables = build_tables(form, options)
    maker = RowMaker(form, tables, options, typed=True)
    workbook = Workbook(write_only=True)
    sheets = {}
    for table in tables:
        sheet = workbook.create_sheet(table.name)
        if options.language == "ar":
            sheet.sheet_view.rightToLeft = True
        sheet.append([c.header for c in table.columns])
        if options.hxl:
            sheet.append([c.hxl for c in table.columns])
        sheets[table.path] = sheet
    rows = 0
    for submission in _counted(submissions_for_export(form), progress):
        rows += 1
        for path, row in maker.rows(submission):
            sheets[path].append(row)
    workbook.save(target)
    return rows


# --- SPSS --------------------------------------------------------------------------------------


def _spss_names(columns: list[Column]) -> list[str]:
    names: list[str] = []
    used: set[str] = set()
    for column in columns:
        base = column.key.lstrip("_").rsplit("/", 1)[-1]
        if column.choice is not None:
            base = f"{base}_{column.choice}"
        base = re.sub(r"[^A-Za-z0-9_]", "_", base) or "v"
        if not base[0].isalpha():
            base = f"v{base}"
        base = base[:60]
        name, n = base, 1
        while name.lower() in used:
            n += 1
            name = f"{base[:56]}_{n}"
        used.add(name.lower())
        names.append(name)
    return names


def write_sav(form: Form, options: Options, target: Path, progress: RowProgress = None) -> int:
    """SPSS files with Arabic (or English) variable and value labels; a zip when repeats exist.

    pyreadstat writes a whole data frame at once, so this one export holds the rows in memory.
    """
    tables = build_tables(form, Options(None, options.include_personal))
    maker = RowMaker(form, tables, Options(None, options.include_personal), typed=True)
    data: dict[str, list[list[Any]]] = {t.path: [] for t in tables}
    rows = 0
    for submission in _counted(submissions_for_export(form), progress):
        rows += 1
        for path, row in maker.rows(submission):
            data[path].append(row)
    version = form.current_version
    languages = version.languages if version else []
    default_language = version.default_language if version else ""
    language = language_for(languages, options.language or "ar")
    no, yes = YES_NO.get(options.language or "ar", YES_NO["en"])
    channels = channel_labels(options.language or "ar")
    files = []
    with tempfile.TemporaryDirectory() as folder:
        for table in tables:
            path = Path(folder) / f"{table.name}.sav"
            _write_one_sav(
                table, data[table.path], path, language, default_language, (no, yes), channels
            )
            files.append((path, f"{form.form_id}-{table.name}.sav"))
        if len(files) == 1:
            target.write_bytes(files[0][0].read_bytes())
        else:
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
                for path, name in files:
                    archive.write(path, name)
    return rows


def _write_one_sav(
    table: Table,
    rows: list[list[Any]],
    path: Path,
    language: str,
    default_language: str,
    no_yes: tuple[str, str],
    channels: dict[str, str],
) -> None:
    import pandas as pd
    import pyreadstat

    names = _spss_names(table.columns)
    labels: list[str] = []
    value_labels: dict[str, dict[Any, str]] = {}
    frame: dict[str, list[Any]] = {}
    for position, (name, column) in enumerate(zip(names, table.columns, strict=True)):
        values = [row[position] for row in rows]
        question = column.question
        if question is None:
            labels.append(column.key)
            numeric = column.key in {"_index", "_parent_index", "_synthetic"}
            if column.key == "_channel":
                value_labels[name] = channels
        else:
            text = label_of(question, language, default_language)
            if column.choice is not None:
                choice = next((c for c in question["choices"] if c["name"] == column.choice), {})
                text = f"{text}: {label_of(choice, language, default_language) or column.choice}"
                value_labels[name] = {0: no_yes[0], 1: no_yes[1]}
                numeric = True
            else:
                numeric = question["type"] in NUMERIC
                if (
                    question["type"] in (SELECT_ONE, SELECT_MULTIPLE)
                    and question["type"] == SELECT_ONE
                ):
                    value_labels[name] = {
                        c["name"]: label_of(c, language, default_language)
                        for c in question["choices"]
                    }
            labels.append(text[:250])
        if numeric:
            frame[name] = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce")
        else:
            frame[name] = ["" if v is None else str(v) for v in values]
    df = pd.DataFrame(frame, columns=names)
    pyreadstat.write_sav(
        df,
        str(path),
        column_labels=labels,
        variable_value_labels=value_labels,
    )
