"""Import of participant lists from the spreadsheets NGOs keep: upload, map, preview, write.

The uploaded rows are kept encrypted on an ``ImportBatch`` between steps and erased once the
list is imported. Nothing is written until every row is clean; then everything is written in
one transaction.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jusoor.accounts.models import Organisation, User
from jusoor.core import audit
from jusoor.core.forms import BaseForm
from jusoor.engines.arabic import (
    find_duplicates,
    normalise,
    normalise_phone,
    parse_sex,
    to_western_digits,
)
from jusoor.geo.models import AdminUnit, TargetArea
from jusoor.people import services
from jusoor.people.models import ImportBatch, ImportStatus, Person, age_band_for
from jusoor.programmes.models import TargetGroup

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024

FIELDS: dict[str, Any] = {
    "name": gettext_lazy("Full name"),
    "phone": gettext_lazy("Phone"),
    "sex": gettext_lazy("Sex"),
    "age": gettext_lazy("Age"),
    "birth_year": gettext_lazy("Birth year"),
    "area": gettext_lazy("Area"),
    "target_group": gettext_lazy("Target group"),
    "affiliation": gettext_lazy("Organisation or office"),
}

# Header spellings seen on Iraqi attendance sheets, compared after Arabic normalisation.
HEADER_WORDS = {
    "name": [
        "الاسم",
        "الاسم الكامل",
        "الاسم الثلاثي",
        "الاسم الرباعي",
        "اسم المشارك",
        "name",
        "full name",
        "participant",
    ],
    "phone": [
        "رقم الهاتف",
        "الهاتف",
        "رقم الموبايل",
        "الموبايل",
        "موبايل",
        "هاتف",
        "رقم الجوال",
        "phone",
        "mobile",
        "phone number",
        "tel",
    ],
    "sex": ["الجنس", "النوع", "النوع الاجتماعي", "sex", "gender"],
    "age": ["العمر", "السن", "age"],
    "birth_year": [
        "سنة الولادة",
        "سنة الميلاد",
        "المواليد",
        "التولد",
        "birth year",
        "year of birth",
    ],
    "area": ["المنطقة", "القضاء", "الناحية", "المدينة", "السكن", "area", "location", "district"],
    "target_group": ["الفئة", "الفئة المستهدفة", "target group", "group"],
    "affiliation": ["الجهة", "المؤسسة", "الدائرة", "جهة العمل", "organisation", "organization"],
}

_TARGET_GROUP_WORDS = {
    TargetGroup.YOUTH: ["شباب", "شاب", "youth"],
    TargetGroup.WOMENS_GROUP: ["نساء", "امرأة", "مجموعة نسوية", "women"],
    TargetGroup.LOCAL_LEADER: ["قائد محلي", "قادة محليين", "مختار", "local leader"],
    TargetGroup.TRIBAL_LEADER: ["شيخ عشيرة", "شيوخ العشائر", "شيخ", "tribal leader"],
    TargetGroup.RELIGIOUS_LEADER: ["رجل دين", "امام", "religious leader"],
    TargetGroup.GOVERNMENT_OFFICIAL: ["مسؤول حكومي", "موظف حكومي", "official"],
    TargetGroup.SUB_COMMITTEE: ["اللجنة الفرعية", "عضو اللجنة الفرعية", "sub-committee"],
    TargetGroup.CIVIL_SOCIETY: ["مجتمع مدني", "منظمة", "civil society"],
    TargetGroup.MEDIA: ["اعلام", "إعلامي", "صحفي", "media"],
    TargetGroup.ACADEMIC: ["اكاديمي", "أكاديمي", "جامعة", "academic"],
}


def _key(text: str) -> str:
    return " ".join(normalise(str(text or "")).replace("_", " ").split())


_HEADERS = {_key(w): f for f, words in HEADER_WORDS.items() for w in words}
_GROUPS = (
    {_key(w): g for g, words in _TARGET_GROUP_WORDS.items() for w in words}
    | {_key(g.value): g for g in TargetGroup}
    | {_key(str(g.label)): g for g in TargetGroup}
)


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


def read_table(name: str, data: bytes) -> Table:
    """Rows of the first sheet of an .xlsx file, or of a CSV in UTF-8 or Windows-1256."""
    if name.lower().endswith((".xlsx", ".xlsm")):
        rows = _read_xlsx(data)
    elif name.lower().endswith((".csv", ".txt")):
        rows = _read_csv(data)
    else:
        raise ValidationError(_("Upload an Excel file (.xlsx) or a CSV file (.csv)."))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise ValidationError(_("The file has no rows."))
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationError(
            _("The file has %(count)d rows; import at most %(max)d at a time.")
            % {"count": len(rows) - 1, "max": MAX_ROWS}
        )
    headers = [h.strip() or _("column %(n)d") % {"n": i + 1} for i, h in enumerate(rows[0])]
    width = len(headers)
    body = [(r + [""] * width)[:width] for r in rows[1:]]
    return Table(headers, body)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "year") and hasattr(value, "month"):
        return str(value.year)
    return str(value).strip()


def _read_xlsx(data: bytes) -> list[list[str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(
            _("This Excel file cannot be read: %(error)s") % {"error": exc}
        ) from exc
    try:
        # A read-only workbook reads its sheet lazily: damage inside it shows up only here.
        sheet = book.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # noqa: BLE001 - as above, any kind for a damaged sheet
        raise ValidationError(
            _("This Excel file cannot be read: %(error)s") % {"error": exc}
        ) from exc
    finally:
        book.close()


def _read_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1256"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1256 decodes nearly anything
        raise ValidationError(_("Save the file as CSV UTF-8 and upload it again."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return [[c.strip() for c in row] for row in reader]
    except csv.Error as exc:
        raise ValidationError(
            _("Line %(line)d of the CSV file cannot be read (%(error)s). Save it again as CSV.")
            % {"line": reader.line_num, "error": exc}
        ) from exc


def guess_mapping(headers: list[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        found = _HEADERS.get(_key(header))
        if found and found not in mapping:
            mapping[found] = index
    return mapping


class UploadForm(BaseForm):
    file = forms.FileField(label=gettext_lazy("Participant list (.xlsx or .csv)"))
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("Add everyone on the list to this meeting (optional)"),
        queryset=None,
        required=False,
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "The people on this list agreed to take part and to be counted (for example, they "
            "signed the attendance sheet under the consent statement)"
        ),
        error_messages={
            "required": gettext_lazy("Only lists of people who consented may be imported.")
        },
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from jusoor.events.models import Meeting

        self.fields["meeting"].queryset = Meeting.objects.filter(organisation=organisation)

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class MappingForm(BaseForm):
    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *[(str(i), h) for i, h in enumerate(headers)]]
        for name, label in FIELDS.items():
            self.fields[name] = forms.TypedChoiceField(
                label=label, choices=choices, required=name == "name", coerce=int, empty_value=None
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        used = [v for v in data.values() if v is not None]
        if len(used) != len(set(used)):
            raise forms.ValidationError(
                _("Each column of the file can be used for one field only.")
            )
        return data

    def mapping(self) -> dict[str, int]:
        return {k: v for k, v in self.cleaned_data.items() if v is not None}


@transaction.atomic
def start_import(
    actor: User, organisation: Organisation, upload: Any, *, meeting=None, request=None
) -> ImportBatch:  # type: ignore[no-untyped-def]
    table = read_table(upload.name, upload.read())
    batch = ImportBatch.objects.create(
        organisation=organisation,
        filename=upload.name[:200],
        content=json.dumps({"headers": table.headers, "rows": table.rows}, ensure_ascii=False),
        mapping=guess_mapping(table.headers),
        meeting=meeting,
        created_by=actor,
    )
    audit.record(actor, "people.import_upload", batch, request=request, rows=len(table.rows))
    return batch


def read_batch(batch: ImportBatch) -> Table:
    data = json.loads(batch.content or "{}")
    return Table(data.get("headers", []), data.get("rows", []))


def set_mapping(batch: ImportBatch, mapping: dict[str, int]) -> None:
    batch.mapping = mapping
    batch.save(update_fields=["mapping"])


@dataclass
class ImportRow:
    number: int  # the row number in the spreadsheet (the header is row 1)
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column header, message)
    match: Person | None = None
    same_as: int | None = None  # an earlier row of the file that is the same person
    maybe: list[tuple[Person, float]] = field(default_factory=list)


@dataclass
class Preview:
    headers: list[str]
    mapping: dict[str, int]
    rows: list[ImportRow]

    @property
    def errors(self) -> list[str]:
        return [
            _("Row %(row)d, column “%(column)s”: %(problem)s")
            % {"row": row.number, "column": column, "problem": problem}
            for row in self.rows
            for column, problem in row.problems
        ]

    @property
    def new_count(self) -> int:
        return sum(1 for r in self.rows if not r.match and not r.same_as)

    @property
    def matched_count(self) -> int:
        return sum(1 for r in self.rows if r.match or r.same_as)


def _areas(organisation: Organisation) -> dict[str, AdminUnit]:
    found: dict[str, AdminUnit] = {}
    # The organisation's own target areas win over namesakes elsewhere in Iraq.
    targets = AdminUnit.objects.filter(
        pk__in=TargetArea.objects.filter(project__owner=organisation).values("unit_id")
    )
    for unit in [*targets, *AdminUnit.objects.filter(level__gte=2).order_by("level", "pcode")]:
        for key in (_key(unit.name_ar), _key(unit.name_en), unit.pcode.lower()):
            found.setdefault(key, unit)
    return found


def _parse_row(number: int, raw: list[str], table: Table, mapping, areas, year: int) -> ImportRow:  # type: ignore[no-untyped-def]
    row = ImportRow(number)

    def cell(name: str) -> str:
        index = mapping.get(name)
        return to_western_digits(raw[index]).strip() if index is not None else ""

    def problem(name: str, message: str) -> None:
        row.problems.append((table.headers[mapping[name]], message))

    row.values["name"] = " ".join(cell("name").split())
    if not row.values["name"]:
        problem("name", _("the name is empty"))
    if phone := cell("phone"):
        if normalise_phone(phone) is None:
            problem("phone", _("“%(value)s” is not an Iraqi phone number") % {"value": phone})
        row.values["phone"] = phone
    if sex := cell("sex"):
        row.values["sex"] = parse_sex(sex)
        if not row.values["sex"]:
            problem(
                "sex", _("“%(value)s” is neither male (ذكر) nor female (أنثى)") % {"value": sex}
            )
    if age := cell("age"):
        if age.isdigit() and 10 <= int(age) <= 100:
            row.values["birth_year"] = year - int(age)
            row.values["age_band"] = age_band_for(int(age))
        else:
            problem("age", _("“%(value)s” is not an age in years") % {"value": age})
    if birth := cell("birth_year"):
        if birth.isdigit() and 1900 <= int(birth) <= year:
            row.values["birth_year"] = int(birth)
            row.values["age_band"] = age_band_for(year - int(birth))
        else:
            problem("birth_year", _("“%(value)s” is not a year of birth") % {"value": birth})
    if area := cell("area"):
        row.values["area"] = areas.get(_key(area)) or areas.get(area.lower())
        if row.values["area"] is None:
            problem("area", _("no area called “%(value)s” is known") % {"value": area})
    if group := cell("target_group"):
        row.values["target_group"] = _GROUPS.get(_key(group))
        if not row.values["target_group"]:
            problem("target_group", _("“%(value)s” is not a known target group") % {"value": group})
    if affiliation := cell("affiliation"):
        row.values["affiliation"] = affiliation[:200]
    return row


def preview(batch: ImportBatch) -> Preview:
    table = read_batch(batch)
    mapping = {k: int(v) for k, v in (batch.mapping or {}).items()}
    year = timezone.now().year
    if "name" not in mapping:
        rows = [ImportRow(1, problems=[("—", _("choose the column that holds the names"))])]
        return Preview(table.headers, mapping, rows)
    areas = _areas(batch.organisation) if "area" in mapping else {}
    rows = [_parse_row(i + 2, raw, table, mapping, areas, year) for i, raw in enumerate(table.rows)]
    _match(batch.organisation, rows)
    return Preview(table.headers, mapping, rows)


def _match(organisation: Organisation, rows: list[ImportRow]) -> None:
    """Find each row in the registry (or earlier in the file) with the same matcher as dedup."""
    people = {f"p{p.pk}": p for p in services.active_people(organisation)}
    records = [services.engine_record(p, key) for key, p in people.items()]
    by_key = {}
    for row in rows:
        if not row.values.get("name"):
            continue
        key = f"r{row.number}"
        by_key[key] = row
        area = row.values.get("area")
        records.append(
            {
                "record_id": key,
                "name": row.values["name"],
                "phone": row.values.get("phone", ""),
                "birth_year": str(row.values.get("birth_year") or ""),
                "sex": row.values.get("sex") or "",
                "area": area.pcode if area else "",
            }
        )
    if not by_key:
        return
    result = find_duplicates(records)
    for cluster in result.clusters:
        registry = [people[k] for k in cluster if k in people]
        first_row = None
        for key in cluster:
            row = by_key.get(key)
            if row is None:
                continue
            if registry:
                row.match = registry[0]
            elif first_row is None:
                first_row = row.number
            else:
                row.same_as = first_row
    for pair in result.review:
        for a, b in ((pair.left, pair.right), (pair.right, pair.left)):
            if a in by_key and b in people and by_key[a].match is None:
                by_key[a].maybe.append((people[b], pair.score))


@transaction.atomic
def commit(actor: User, batch: ImportBatch, request: HttpRequest | None = None) -> dict[str, int]:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == ImportStatus.DONE:
        raise ValidationError(_("This list was already imported."))
    result = preview(batch)
    if result.errors:
        raise ValidationError(
            [_("Nothing was imported. Correct the file and upload it again:")] + result.errors
        )
    created_for_row: dict[int, Person] = {}
    created = matched = 0
    people: list[Person] = []
    for row in result.rows:
        if row.match:
            person = row.match
            matched += 1
        elif row.same_as:
            person = created_for_row[row.same_as]
            matched += 1
        else:
            person = Person(organisation=batch.organisation, created_by=actor)
            for name in (
                "name",
                "phone",
                "sex",
                "birth_year",
                "age_band",
                "target_group",
                "affiliation",
                "area",
            ):
                if row.values.get(name) not in (None, ""):
                    setattr(person, name, row.values[name])
            services.save_person(
                actor, person, request, participation=True, channel="imported list"
            )
            created_for_row[row.number] = person
            created += 1
        people.append(person)
    if batch.meeting_id:
        batch.meeting.attendees.add(*people)
    batch.status = ImportStatus.DONE
    batch.content = json.dumps({"headers": [], "rows": []})  # the raw list is not kept
    batch.result = {"created": created, "matched": matched}
    batch.save()
    audit.record(
        actor,
        "people.import",
        batch,
        request=request,
        created=created,
        matched=matched,
        meeting=batch.meeting_id,
    )
    return {"created": created, "matched": matched}
