"""An XForm's questions written back as an XLSForm, for tests with exports whose form was published
only as XForm XML (ODK Build's, in ruODK's test data). Only what such forms hold: groups, repeats
(ODK Build wraps each in a group of the same ref), inputs by their bind type, select1/select with
their items, uploads, and the metadata that is preloaded (start, end, user name, device id)."""

from __future__ import annotations

import io
from typing import Any

from defusedxml import ElementTree
from openpyxl import Workbook

XF = "{http://www.w3.org/2002/xforms}"
HTML = "{http://www.w3.org/1999/xhtml}"
JR = "{http://openrosa.org/javarosa}"
INPUT_TYPES = {
    "string": "text",
    "int": "integer",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "dateTime": "datetime",
    "geopoint": "geopoint",
    "barcode": "barcode",
}
PRELOADS = {"start": "start", "end": "end", "username": "username", "deviceid": "deviceid"}
UPLOADS = {"image": "image", "audio": "audio", "video": "video"}


def xlsform_from_xform(xml: bytes) -> bytes:
    root = ElementTree.fromstring(xml)
    head, body = root.find(f"{HTML}head"), root.find(f"{HTML}body")
    model = head.find(f"{XF}model")
    texts = {
        text.get("id"): "".join(text.find(f"{XF}value").itertext()).strip()
        for text in model.iter(f"{XF}text")
    }
    binds = {bind.get("nodeset"): bind for bind in model.iter(f"{XF}bind")}
    instance = next(iter(model.find(f"{XF}instance")))
    survey: list[list[Any]] = [
        ["type", "name", "label", "hint", "required", "constraint", "constraint_message"]
    ]
    choices: list[list[Any]] = [["list_name", "name", "label"]]

    def label(element: Any, tag: str = "label") -> str:
        found = element.find(f"{XF}{tag}")
        if found is None:
            return ""
        reference = found.get("ref", "")
        if reference.startswith("jr:itext('"):
            return texts.get(reference[10:-2], "")
        return "".join(found.itertext()).strip()

    def row(kind: str, ref: str, element: Any = None) -> None:
        bind = binds.get(ref)
        required = "yes" if bind is not None and bind.get("required") == "true()" else ""
        constraint = bind.get("constraint", "") if bind is not None else ""
        message = bind.get(f"{JR}constraintMsg", "") if bind is not None else ""
        hint = label(element, "hint") if element is not None else ""
        text = label(element) if element is not None else ""
        survey.append([kind, ref.rsplit("/", 1)[-1], text, hint, required, constraint, message])

    # Preloaded metadata: in the instance, with a bind, but not in the body.
    for child in instance:
        ref = f"/{instance.tag.split('}')[-1]}/{child.tag.split('}')[-1]}"
        bind = binds.get(ref)
        if bind is not None and bind.get(f"{JR}preloadParams") in PRELOADS:
            row(PRELOADS[bind.get(f"{JR}preloadParams")], ref)

    def walk(parent: Any) -> None:
        for element in parent:
            tag = element.tag.removeprefix(XF)
            ref = element.get("ref") or element.get("nodeset") or ""
            if tag == "group":
                repeat = element.find(f"{XF}repeat")
                if repeat is not None and repeat.get("nodeset") == ref:
                    row("begin_repeat", ref, element)
                    walk(repeat)
                    survey.append(["end_repeat"] + [""] * 6)
                elif ref:
                    row("begin_group", ref, element)
                    walk(element)
                    survey.append(["end_group"] + [""] * 6)
                else:  # a field-list page inside a repeat: no node of its own
                    walk(element)
            elif tag in {"select1", "select"}:
                name = ref.rsplit("/", 1)[-1]
                kind = "select_one" if tag == "select1" else "select_multiple"
                row(f"{kind} {name}", ref, element)
                for item in element.iter(f"{XF}item"):
                    choices.append([name, item.findtext(f"{XF}value"), label(item)])
            elif tag == "upload":
                media = element.get("mediatype", "image/*").split("/")[0]
                row(UPLOADS.get(media, "file"), ref, element)
            elif tag == "input":
                row(INPUT_TYPES.get(binds[ref].get("type", "string"), "text"), ref, element)

    walk(body)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    for line in survey:
        sheet.append(line)
    choice_sheet = workbook.create_sheet("choices")
    for line in choices:
        choice_sheet.append(line)
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append([head.findtext(f"{HTML}title"), instance.get("id"), "1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
