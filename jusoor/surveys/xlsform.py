"""Reading an XLSForm with pyxform, and what Jusoor keeps of it.

pyxform does the parsing and produces the XForm; this module only flattens pyxform's JSON into the
list of questions the rest of the app uses (path, type, labels, choices, personal data, repeat) and
finds the sheet row of each question, so that problems can be reported by row.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert, get_xlsform

from jusoor.surveys.xpath import Evaluator, XPathError

PII_COLUMN = "jusoor"  # `jusoor::pii` reaches pyxform's JSON as {"jusoor": {"pii": ...}}

# What the web form can show and check; everything else is listed at upload, by row.
WEB_TYPES = {
    "text",
    "integer",
    "decimal",
    "select one",
    "select all that apply",
    "rank",
    "date",
    "time",
    "note",
    "acknowledge",
    "calculate",
    "group",
    "repeat",
}
# Filled by the phone or the server, never asked: nothing to render.
META_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "background-audio",
}
TRUE = {"yes", "true", "true()", "1", "y"}
# Question types answered from a list of choices.
CHOICE_TYPES = {"select one", "select all that apply", "rank"}


class XLSFormError(Exception):
    """The file is not an XLSForm pyxform accepts; the message names the row when pyxform does."""


@dataclass
class ParsedForm:
    form_id: str
    version: str
    title: str
    default_language: str
    languages: list[str]
    root_name: str
    xform: str
    xform_md5: str
    definition: dict[str, Any]
    questions: list[dict[str, Any]]
    unsupported: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse(content: bytes, filename: str = "form.xlsx") -> ParsedForm:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "xlsx"
    if suffix not in {"xlsx", "xls", "xlsm"}:
        raise XLSFormError(_("The file must be an Excel XLSForm (.xlsx or .xls)."))
    warnings: list[str] = []
    try:
        workbook = get_xlsform(content, file_type=f".{suffix}")
    except Exception as exc:  # a damaged workbook reaches us as anything from zip to openpyxl
        raise XLSFormError(
            _("The file could not be read as an XLSForm: %(error)s") % {"error": exc}
        ) from exc
    try:
        # convert() takes the workbook as a dict, so the file is read once, not twice.
        definition = _as_dict(workbook)
        # Without a settings sheet pyxform names every form "data"; the file name is better.
        definition["fallback_form_name"] = _xml_name(filename)
        result = convert(xlsform=definition, warnings=warnings)
    except PyXFormError as exc:
        raise XLSFormError(str(exc)) from exc
    except Exception as exc:  # pyxform fails on some odd sheets with plain Python errors
        raise XLSFormError(
            _("pyxform could not convert this XLSForm: %(error)s") % {"error": exc}
        ) from exc
    data = result._pyxform or {}
    rows = _rows_by_path(workbook.survey)
    questions = flatten(data.get("children", []), rows)
    version = str(data.get("version") or "")
    if not version:
        version = hashlib.sha256(content).hexdigest()[:12]
    languages = _languages(questions, data.get("default_language"))
    return ParsedForm(
        form_id=str(data.get("id_string") or ""),
        version=version,
        title=str(data.get("title") or data.get("id_string") or ""),
        default_language=str(data.get("default_language") or ""),
        languages=languages,
        root_name=str(data.get("name") or "data"),
        xform=result.xform,
        xform_md5=hashlib.md5(result.xform.encode()).hexdigest(),  # noqa: S324 (OpenRosa's hash)
        definition=data,
        questions=questions,
        unsupported=unsupported_features(questions),
        warnings=list(warnings),
    )


def _xml_name(filename: str) -> str:
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    name = re.sub(r"[^A-Za-z0-9_]", "_", stem).strip("_") or "form"
    return name if name[0].isalpha() or name[0] == "_" else f"form_{name}"


def _as_dict(workbook: Any) -> dict[str, Any]:
    return {name: getattr(workbook, name) for name in workbook.__dataclass_fields__}


def _rows_by_path(survey_rows: list[dict[str, Any]]) -> dict[str, int]:
    """Sheet row (1-based, header is row 1) of each question, by its path."""
    rows: dict[str, int] = {}
    stack: list[str] = []
    for index, row in enumerate(survey_rows, start=2):
        kind = re.sub(r"\s+", "_", str(row.get("type") or "").strip().lower())
        name = str(row.get("name") or "").strip()
        if kind in {"end_group", "end_repeat", "end"}:
            if stack:
                stack.pop()
            continue
        if kind in {"begin_group", "begin_repeat"}:
            stack.append(name)
        path = "/".join([*stack[:-1], name] if kind.startswith("begin") else [*stack, name])
        if name:
            rows.setdefault(path, index)
    return rows


def _text(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if value in (None, ""):
        return {}
    return {"default": str(value)}


def flatten(
    children: list[dict[str, Any]],
    rows: dict[str, int] | None = None,
    prefix: str = "",
    repeat: str = "",
) -> list[dict[str, Any]]:
    """One entry per survey element, in form order, groups and repeats included."""
    rows = rows or {}
    found: list[dict[str, Any]] = []
    for child in children:
        name = child.get("name")
        kind = child.get("type", "")
        if not name:
            continue
        path = f"{prefix}{name}"
        bind = child.get("bind") or {}
        custom = child.get(PII_COLUMN) or {}
        entry = {
            "path": path,
            "name": name,
            "type": kind,
            "label": _text(child.get("label")),
            "hint": _text(child.get("hint")),
            "list_name": child.get("list_name") or child.get("itemset") or "",
            "choices": [
                {"name": str(c.get("name")), "label": _text(c.get("label")), **_extra(c)}
                for c in child.get("choices") or []
            ],
            "pii": str(custom.get("pii", "")).strip().lower() in TRUE,
            "repeat": repeat,
            # or_other's text question is pyxform's, not a sheet row: the select's row.
            "row": rows.get(path) or rows.get(path.removesuffix("_other")),
            "required": str(bind.get("required", "")).strip().lower() in TRUE,
            "relevant": bind.get("relevant", ""),
            "constraint": bind.get("constraint", ""),
            "constraint_message": _text(bind.get("jr:constraintMsg")),
            "calculation": bind.get("calculate", ""),
            "read_only": str(bind.get("readonly", "")).strip().lower() in TRUE,
            "default": child.get("default", ""),
            "choice_filter": child.get("choice_filter", ""),
            "hxl": child.get("hxl") or (child.get("instance") or {}).get("hxl", ""),
            "appearance": (child.get("control") or {}).get("appearance", ""),
        }
        if path == "meta" or path.startswith("meta/"):
            entry["type"] = entry["type"] or "meta"
            entry["meta"] = True
        found.append(entry)
        if kind in {"group", "repeat"}:
            inner_repeat = path if kind == "repeat" else repeat
            found += flatten(child.get("children") or [], rows, f"{path}/", inner_repeat)
    return found


def _extra(choice: dict[str, Any]) -> dict[str, Any]:
    # Cascading selects filter on extra choice columns; keep them.
    return {
        k: v
        for k, v in choice.items()
        if k not in {"name", "label", "media"} and isinstance(v, str)
    }


def _languages(questions: list[dict[str, Any]], default: str | None) -> list[str]:
    seen: list[str] = [default] if default and default != "default" else []
    for question in questions:
        for language in question["label"]:
            if language not in seen and language != "default":
                seen.append(language)
    return seen


class _AnyName(dict):  # type: ignore[type-arg]
    """Choice columns in a choice_filter: any name is known (and empty) for a dry run."""

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> str:
        return ""


EXPRESSIONS = ("relevant", "constraint", "calculation", "choice_filter")


def unsupported_features(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the web form cannot do, by sheet row: question types, repeats, and expressions
    outside the XPath subset it evaluates. ODK Collect still gets the whole form."""
    problems = []
    for q in questions:
        if q.get("meta") or q["type"] in META_TYPES:
            continue
        if q["type"] == "repeat" and q.get("repeat"):
            problems.append(
                {"row": q["row"], "name": q["path"], "type": "repeat (nested)", "reason": "type"}
            )
            continue
        if q["type"] not in WEB_TYPES:
            problems.append(
                {"row": q["row"], "name": q["path"], "type": q["type"], "reason": "type"}
            )
            continue
        if choices_in_a_file(q):
            kind = f"{q['type']} {q['list_name']}".strip()
            problems.append({"row": q["row"], "name": q["path"], "type": kind, "reason": "type"})
            continue
        for column in EXPRESSIONS:
            expression = q.get(column) or ""
            if not expression:
                continue
            try:
                Evaluator(lambda name: "", names=_AnyName()).evaluate(expression)
            except XPathError as exc:
                problems.append(
                    {
                        "row": q["row"],
                        "name": q["path"],
                        "type": q["type"],
                        "reason": column,
                        "detail": str(exc),
                    }
                )
    return problems


_EARLIER_ANSWERS = re.compile(r"\$\{([A-Za-z_][\w.\-]*)\}")


def choices_from_answers(question: dict[str, Any]) -> str:
    """For ``select_one ${name}`` (choices from earlier answers), the name; else ""."""
    found = _EARLIER_ANSWERS.fullmatch((question.get("list_name") or "").strip())
    return found.group(1) if found else ""


def choices_in_a_file(question: dict[str, Any]) -> bool:
    """A select whose choices are in a file (``select_one_from_file``), not in the form nor
    earlier answers: the web form has none to offer."""
    return (
        question["type"] in CHOICE_TYPES
        and not question["choices"]
        and not choices_from_answers(question)
    )


def is_answer(question: dict[str, Any]) -> bool:
    """A question whose value goes into the data (not a group, repeat or note)."""
    return question["type"] not in {"group", "repeat", "note"}


def label_of(question_or_choice: dict[str, Any], language: str, default_language: str = "") -> str:
    labels = question_or_choice.get("label") or {}
    for key in (language, default_language, "default"):
        if key and labels.get(key):
            return labels[key]
    if labels:
        return next(iter(labels.values()))
    return question_or_choice.get("path") or question_or_choice.get("name") or ""


def language_for(languages: list[str], code: str) -> str:
    """The form language that matches an interface language code: `ar` → `Arabic (ar)`."""
    code = code.lower()
    names = {"ar": ("arabic", "عربي", "العربية"), "en": ("english",)}
    for language in languages:
        lowered = language.lower()
        if f"({code})" in lowered or lowered == code:
            return language
    for language in languages:
        if any(name in language.lower() for name in names.get(code, ())):
            return language
    return languages[0] if languages else "default"
