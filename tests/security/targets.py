"""Fuzz targets: each takes raw bytes, feeds them to one parser, and fails only on a real bug.

A target returns normally when the input was handled — accepted, or refused with the project's
own error (the one a person sees as a clear message). Any other exception, or a broken invariant
(an ``AssertionError``), is a crash. The same targets run under hypothesis in the test suite and
under atheris (or hypothesis with a large budget) in ``make fuzz``.

Targets never touch the database: the parsers are pure, and the tests that prove "nothing is
written" call the service functions around them separately.
"""

from __future__ import annotations

import io
import sqlite3
import zipfile
from collections.abc import Callable
from functools import lru_cache

from django.core.exceptions import ValidationError


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


# --- Arabic engine ----------------------------------------------------------------------------


def arabic(data: bytes) -> None:
    from jusoor.engines.arabic import (
        latin_key,
        name_key,
        name_tokens,
        normalise,
        normalise_name,
        normalise_phone,
        parse_sex,
        search_terms,
        to_western_digits,
        tokenise,
    )

    text = _text(data)
    once = normalise(text)
    assert normalise(once) == once, "normalise is not idempotent"
    assert isinstance(to_western_digits(text), str)
    assert all(isinstance(t, str) and t for t in tokenise(text))
    assert all(t for t in search_terms(text))
    assert isinstance(normalise_name(text), str)
    assert isinstance(name_tokens(text), tuple)
    assert isinstance(name_key(text), str)
    assert isinstance(latin_key(text), str)
    assert parse_sex(text) in (None, "m", "f")
    phone = normalise_phone(text)
    assert phone is None or (phone.startswith("+") and phone[1:].isdigit())


# --- moderation -------------------------------------------------------------------------------


def moderation(data: bytes) -> None:
    from jusoor.engines.moderation import (
        HOLD,
        PUBLISH,
        REVIEW,
        find_links,
        find_phone_numbers,
        prepare,
        route,
    )

    text = _text(data)
    assert isinstance(prepare(text), str)
    find_links(text)
    find_phone_numbers(text)
    decision = route(text)
    assert decision.action in (HOLD, REVIEW, PUBLISH)
    assert 0.0 <= decision.p_offensive <= 1.0 and 0.0 <= decision.p_hate <= 1.0


# --- library search query -----------------------------------------------------------------------


@lru_cache(maxsize=1)
def _fts5() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute("CREATE VIRTUAL TABLE doc USING fts5(title_terms, body_terms, tags)")
    db.execute("INSERT INTO doc VALUES ('تطرف عنف', 'شباب extrem', 'o1 kguide')")
    return db


def search_query(data: bytes) -> None:
    from jusoor.library import query

    parsed = query.parse(_text(data))
    assert len(parsed.groups) <= query.MAX_GROUPS
    if not parsed:
        return
    db = _fts5()
    # Whatever was typed, the expressions built from it are valid FTS5 syntax.
    for expression in (
        query.fts5_match(parsed),
        query.fts5_match(parsed, every=False),
        query.fts5_title_any(parsed),
    ):
        db.execute("SELECT count(*) FROM doc WHERE doc MATCH ?", [expression]).fetchone()
    assert query.tsquery(parsed).count("(") == query.tsquery(parsed).count(")")


# --- OpenRosa submissions -----------------------------------------------------------------------


def openrosa(data: bytes) -> None:
    from jusoor.surveys.openrosa import SubmissionXMLError, parse_submission

    try:
        parsed = parse_submission(data)
    except SubmissionXMLError as exc:
        assert str(exc)
        return
    assert parsed.form_id and parsed.instance_id


# --- XLSForm ------------------------------------------------------------------------------------


def xlsform(data: bytes) -> None:
    from jusoor.surveys.xlsform import XLSFormError, parse

    try:
        parse(data, "form.xlsx")
    except XLSFormError as exc:
        assert str(exc)


# --- KoboToolbox exports ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _kobo_version():  # type: ignore[no-untyped-def]
    from jusoor.surveys import xlsform as xlsform_module
    from jusoor.surveys.models import FormVersion
    from jusoor.surveys.tests.factories import xlsform_bytes

    parsed = xlsform_module.parse(xlsform_bytes())
    return FormVersion(
        version=parsed.version,
        title=parsed.title,
        questions=parsed.questions,
        definition=parsed.definition,
        root_name=parsed.root_name,
    )


def _kobo(data: bytes, filename: str) -> None:
    from jusoor.surveys import kobo_import

    try:
        sheets = kobo_import.read_file(data, filename)
    except kobo_import.ImportFileError as exc:
        assert str(exc)
        return
    analysis = kobo_import.analyse(_kobo_version(), sheets)
    for problem in analysis.problems:
        assert problem["message"]


def kobo_csv(data: bytes) -> None:
    _kobo(data, "export.csv")


def kobo_xlsx(data: bytes) -> None:
    _kobo(data, "export.xlsx")


# --- participant lists --------------------------------------------------------------------------


def _people(data: bytes, filename: str) -> None:
    from jusoor.people import importing

    try:
        table = importing.read_table(filename, data)
    except ValidationError as exc:
        assert exc.messages
        return
    assert all(len(row) == len(table.headers) for row in table.rows)
    importing.guess_mapping(table.headers)


def people_csv(data: bytes) -> None:
    _people(data, "list.csv")


def people_xlsx(data: bytes) -> None:
    _people(data, "list.xlsx")


TARGETS: dict[str, Callable[[bytes], None]] = {
    "arabic": arabic,
    "moderation": moderation,
    "search_query": search_query,
    "openrosa": openrosa,
    "xlsform": xlsform,
    "kobo_csv": kobo_csv,
    "kobo_xlsx": kobo_xlsx,
    "people_csv": people_csv,
    "people_xlsx": people_xlsx,
}


# --- seeds: valid inputs that mutations start from ----------------------------------------------


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def seeds(name: str) -> list[bytes]:
    from jusoor.surveys.tests.factories import submission_xml, xlsform_bytes

    text = [
        "عبد الله محمد حسين الدليمي ٠٧٧٠١٢٣٤٥٦٧".encode(),
        "أحمد الجبوري — إرهاب، «التطرف العنيف» OR hate\u200f speech ✨".encode(),
        b'"social cohesion" -youth* NEAR(a b) title_terms : x',
    ]
    kobo_rows = [
        ["respondent", "sex", "age", "causes", "trust/police", "_uuid"],
        ["فاطمة علي", "female", "34", "poverty", "2", "6f7d1c2e-0000-4000-8000-000000000001"],
    ]
    people_rows = [["الاسم", "الهاتف", "الجنس", "العمر"], ["علي حسن", "07701234567", "ذكر", "25"]]
    if name in ("arabic", "moderation", "search_query"):
        return text
    if name == "openrosa":
        return [submission_xml(), BILLION_LAUGHS, EXTERNAL_ENTITY, QUADRATIC_BLOWUP]
    if name == "xlsform":
        return [xlsform_bytes()]
    if name in ("kobo_csv", "people_csv"):
        rows = kobo_rows if name == "kobo_csv" else people_rows
        return ["\n".join(",".join(r) for r in rows).encode()]
    if name in ("kobo_xlsx", "people_xlsx"):
        return [_xlsx(kobo_rows if name == "kobo_xlsx" else people_rows)]
    raise KeyError(name)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><data id="x"><a>&lol9;</a><meta><instanceID>uuid:1</instanceID></meta></data>'
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE data [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<data id="x"><a>&xxe;</a><meta><instanceID>uuid:1</instanceID></meta></data>'
)
QUADRATIC_BLOWUP = (
    b'<?xml version="1.0"?><!DOCTYPE data [<!ENTITY a "'
    + b"x" * 50_000
    + b'">]><data id="x"><a>'
    + b"&a;" * 5_000
    + b"</a><meta><instanceID>uuid:1</instanceID></meta></data>"
)


def mutate(seed: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    """Apply (kind, position, value) edits: flip a byte, insert one, cut the rest, or duplicate.

    Zip files (XLSX) are also mutated inside: an edit on a member keeps the archive readable, so
    the XML parsers behind it are reached rather than the zip check alone.
    """
    data = bytearray(seed)
    if seed[:2] == b"PK" and edits and edits[0][0] % 5 == 4:
        return _mutate_inside_zip(seed, edits[1:], edits[0][1])
    for kind, position, value in edits:
        if not data:
            data = bytearray([value])
            continue
        at = position % len(data)
        match kind % 4:
            case 0:
                data[at] ^= 1 << (value % 8)
            case 1:
                data.insert(at, value % 256)
            case 2:
                del data[at:]
            case 3:
                data[at:at] = data[at : at + 1 + value % 64]
    return bytes(data)


def _mutate_inside_zip(seed: bytes, edits: list[tuple[int, int, int]], which: int) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(seed))
    names = source.namelist()
    target = names[which % len(names)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in names:
            content = source.read(member)
            if member == target:
                content = mutate(content, [(e[0] % 4, e[1], e[2]) for e in edits])
            archive.writestr(member, content)
    return out.getvalue()
