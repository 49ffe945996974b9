"""Small builders for survey tests: an XLSForm made in code, forms, submission XML."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from jusoor.programmes.models import Project
from jusoor.surveys import services
from jusoor.surveys.models import Form

SURVEY = [
    [
        "type",
        "name",
        "label::Arabic (ar)",
        "label::English (en)",
        "required",
        "relevant",
        "constraint",
        "jusoor::pii",
        "hxl",
    ],
    ["text", "respondent", "اسم المستجيب", "Respondent's name", "", "", "", "yes", ""],
    ["select_one sex", "sex", "الجنس", "Sex", "yes", "", "", "", "#sex"],
    ["integer", "age", "العمر", "Age", "yes", "", ". >= 15 and . <= 99", "", "#age"],
    ["select_multiple causes", "causes", "أسباب التطرف", "Causes of extremism", "", "", "", "", ""],
    ["begin_group", "trust", "الثقة", "Trust", "", "", "", "", ""],
    ["select_one likert", "police", "الثقة بالشرطة", "Trust in the police", "", "", "", "", ""],
    ["end_group", "", "", "", "", "", "", "", ""],
    ["begin_repeat", "household", "أفراد الأسرة", "Household members", "", "", "", "", ""],
    ["text", "member_name", "الاسم", "Name", "", "", "", "yes", ""],
    ["integer", "member_age", "العمر", "Age", "", "", "", "", ""],
    ["end_repeat", "", "", "", "", "", "", "", ""],
]
CHOICES = [
    ["list_name", "name", "label::Arabic (ar)", "label::English (en)"],
    ["sex", "female", "أنثى", "Female"],
    ["sex", "male", "ذكر", "Male"],
    ["causes", "poverty", "الفقر", "Poverty"],
    ["causes", "unemployment", "البطالة", "Unemployment"],
    ["causes", "injustice", "الظلم", "Injustice"],
    ["likert", "1", "لا أثق أبداً", "No trust at all"],
    ["likert", "2", "أثق قليلاً", "Little trust"],
    ["likert", "3", "أثق كثيراً", "Much trust"],
]


def xlsform_bytes(
    survey: list[list[Any]] | None = None,
    choices: list[list[Any]] | None = None,
    form_id: str = "pve_survey",
    version: str = "1",
    title: str = "استبيان التطرف العنيف",
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    for row in survey or SURVEY:
        sheet.append(row)
    choice_sheet = workbook.create_sheet("choices")
    for row in choices or CHOICES:
        choice_sheet.append(row)
    settings = workbook.create_sheet("settings")
    settings.append(["form_id", "version", "form_title", "default_language"])
    settings.append([form_id, version, title, "Arabic (ar)"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_form(project: Project, **kwargs: Any) -> Form:
    version = services.upload_form(None, project, xlsform_bytes(**kwargs), "form.xlsx")
    return version.form


def submission_xml(
    instance_id: str = "uuid:6f7d1c2e-0000-4000-8000-000000000001",
    *,
    form_id: str = "pve_survey",
    version: str = "1",
    name: str = "فاطمة علي",
    sex: str = "female",
    age: str = "34",
    causes: str = "poverty injustice",
    members: tuple[tuple[str, str], ...] = (("حسن", "12"), ("زينب", "8")),
    deprecated_id: str = "",
) -> bytes:
    household = "".join(
        f"<household><member_name>{n}</member_name><member_age>{a}</member_age></household>"
        for n, a in members
    )
    deprecated = f"<deprecatedID>{deprecated_id}</deprecatedID>" if deprecated_id else ""
    return (
        f'<?xml version="1.0" ?><data xmlns:jr="http://openrosa.org/javarosa" '
        f'xmlns:orx="http://openrosa.org/xforms" id="{form_id}" version="{version}">'
        f"<respondent>{name}</respondent><sex>{sex}</sex><age>{age}</age>"
        f"<causes>{causes}</causes><trust><police>2</police></trust>{household}"
        f"<meta><instanceID>{instance_id}</instanceID>{deprecated}</meta></data>"
    ).encode()


# --- objects for the URL × role table (core/tests/test_url_role_table.py) ----------------------


def table_form(w: Any) -> Form:
    if "survey_form" not in w.extras:
        w.extras["survey_form"] = make_form(w.project)
    return w.extras["survey_form"]


def table_submission(w: Any) -> Any:
    if "survey_submission" not in w.extras:
        form = table_form(w)
        receipt = services.receive_submission(
            forms=Form.objects.filter(pk=form.pk),
            raw=submission_xml(),
            enumerator=w.users["shams_enumerator"],
        )
        w.extras["survey_submission"] = receipt.submission
    return w.extras["survey_submission"]


def table_import(w: Any) -> Any:
    from jusoor.surveys.models import KoboImport

    if "survey_import" not in w.extras:
        w.extras["survey_import"] = KoboImport.objects.create(
            form=table_form(w),
            filename="empty.csv",
            content_sha256="",
            preview={"rows": 0, "new": 0, "existing": 0, "problems": [], "columns": []},
        )
    return w.extras["survey_import"]


def table_token(w: Any) -> Any:
    if "survey_token" not in w.extras:
        token, _raw = services.create_token(
            w.users["shams_enumerator"], w.project, [table_form(w)], "phone"
        )
        w.extras["survey_token"] = token
    return w.extras["survey_token"]
