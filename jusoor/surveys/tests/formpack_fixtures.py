"""KoboToolbox's formpack test fixtures (``field-forms/formpack-fixtures``) as Jusoor sees them: each
version's form content (Kobo's asset JSON) written as the XLSForm it came from, and its
submissions (Kobo's JSON) as the answers a phone sends."""

from __future__ import annotations

import ast
import io
import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook

# Kobo's columns whose value is one text per translation.
TRANSLATED = {"label", "hint", "constraint_message", "required_message", "media::image", "image"}


def versions(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_text("utf-8")) for path in sorted(folder.glob("v*.json"))]


def _columns(sheet: list[dict[str, Any]], translations: list[str | None]) -> list[str]:
    names: list[str] = []
    for row in sheet:
        for key, value in row.items():
            if key.startswith("$") or key in {"select_from_list_name", "kuid"}:
                continue
            if isinstance(value, list) and (key in TRANSLATED or len(value) == len(translations)):
                for language in translations:
                    column = f"{key}::{language}" if language else key
                    if column not in names:
                        names.append(column)
            elif key not in names:
                names.append(key)
    return names


def _cell(row: dict[str, Any], column: str, translations: list[str | None]) -> Any:
    key, _sep, language = column.partition("::")
    if key not in row and column in row:
        return row[column]
    value = row.get(key)
    if isinstance(value, list):
        index = translations.index(language or None) if (language or None) in translations else 0
        return value[index] if index < len(value) else None
    if isinstance(value, bool):
        return "yes" if value else ""
    return value


def xlsform(fixture: str, version: dict[str, Any]) -> bytes:
    content = version["content"]
    translations = content.get("translations") or [None]
    survey = [dict(row) for row in content["survey"]]
    for row in survey:
        row["type"] = row["type"].replace("begin ", "begin_").replace("end ", "end_")
        if row.get("select_from_list_name"):
            row["type"] = f"{row['type']} {row['select_from_list_name']}"
    choices = content.get("choices", [])
    workbook = Workbook()
    sheets = [("survey", survey), ("choices", choices)]
    for index, (title, rows) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet(title)
        sheet.title = title
        columns = _columns(rows, translations)
        sheet.append(columns)
        for row in rows:
            sheet.append([_cell(row, column, translations) for column in columns])
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append([fixture, fixture, version["version"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def answers(submission: dict[str, Any]) -> dict[str, Any]:
    """The answers of a Kobo JSON submission, without Kobo's own metadata."""
    return {
        key: value
        for key, value in submission.items()
        if not key.startswith(("_", "formhub/", "meta/")) and value not in (None, "")
    }


def instance_id(submission: dict[str, Any], number: int) -> str:
    found = submission.get("meta/instanceID") or submission.get("_uuid")
    if not found:
        return f"uuid:00000000-0000-4000-8000-{number:012d}"
    return found if found.startswith("uuid:") else f"uuid:{found}"


def as_stored(given: dict[str, Any], paths: set[str], scope: str = "") -> dict[str, Any]:
    """A fixture's answers as Jusoor keeps them: by the path of a question the form has (the
    older fixtures name a question in a group by its name alone), every value text. Names the
    form does not have (a repeat count pyxform calculates) are left out."""
    by_name: dict[str, list[str]] = {}
    for path in paths:
        if path.startswith(scope):
            by_name.setdefault(path.rsplit("/", 1)[-1], []).append(path)
    found: dict[str, Any] = {}
    for key, value in given.items():
        path = key if key in paths else None
        if path is None and len(by_name.get(key, [])) == 1:
            path = by_name[key][0]
        if path is None:
            continue
        if isinstance(value, list):
            found[path] = [as_stored(entry, paths, path + "/") for entry in value]
        else:
            found[path] = str(value)
    return found


def versions_in_module(folder: Path) -> list[dict[str, Any]]:
    """The versions a fixture gives in its ``__init__.py`` (``_wc(id_string, version, survey)``
    calls, as ``favcolor`` does), read as literals: the module is not imported."""
    tree = ast.parse((folder / "__init__.py").read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_wc":
            _id_string, version, survey = (ast.literal_eval(arg) for arg in node.args)
            found.append({"version": version, "content": {"survey": survey}})
    return found
