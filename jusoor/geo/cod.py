"""Reading OCHA COD-AB administrative-unit tables (CSV with an HXL hashtag row).

The same reader loads the units the project ships (``geo/data/``) and a full COD-AB download.
Everything is checked before anything is written; one bad row stops the whole import, with a
message naming the file, the row and the problem.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from jusoor.geo.models import AdminUnit, Level, level_of_pcode

SHIPPED_DATA = Path(__file__).resolve().parent / "data"
SHIPPED_FILES = ["irq_adm1.csv", "irq_adm2_anbar.csv", "irq_adm3_anbar.csv"]


class CodImportError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class UnitRow:
    pcode: str
    level: int
    parent_pcode: str
    name_en: str
    name_ar: str
    where: str


def _decode(raw: bytes, name: str, encoding: str) -> str:
    try:
        return raw.decode("utf-8-sig" if encoding.lower() in {"utf-8", "utf8"} else encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CodImportError(
            [
                _(
                    "%(file)s, line %(line)d: the file is not in the %(encoding)s encoding. "
                    "Save it as UTF-8 CSV, or give its encoding (for example windows-1256)."
                )
                % {"file": name, "line": line, "encoding": encoding}
            ]
        ) from exc
    except LookupError as exc:
        raise CodImportError(
            [_("Unknown encoding: %(encoding)s") % {"encoding": encoding}]
        ) from exc


def read_rows(raw: bytes, name: str, encoding: str = "utf-8") -> list[UnitRow]:
    text = _decode(raw, name, encoding)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = set(reader.fieldnames or [])
    level = max((n for n in (1, 2, 3) if f"ADM{n}_PCODE" in columns), default=0)
    if not level:
        raise CodImportError(
            [_("%(file)s: no ADM1_PCODE, ADM2_PCODE or ADM3_PCODE column.") % {"file": name}]
        )
    needed = {f"ADM{level}_PCODE", f"ADM{level}_EN", f"ADM{level}_AR"}
    if level > 1:
        needed.add(f"ADM{level - 1}_PCODE")
    missing = sorted(needed - columns)
    if missing:
        raise CodImportError(
            [
                _("%(file)s: missing columns: %(columns)s.")
                % {"file": name, "columns": ", ".join(missing)}
            ]
        )
    rows, problems = [], []
    for number, record in enumerate(reader, start=2):
        first = (record.get(f"ADM{level}_PCODE") or "").strip()
        if first.startswith("#"):
            continue  # the HXL hashtag row
        where = _("%(file)s, row %(row)d") % {"file": name, "row": number}
        name_en = (record.get(f"ADM{level}_EN") or "").strip()
        name_ar = (record.get(f"ADM{level}_AR") or "").strip()
        parent = (record.get(f"ADM{level - 1}_PCODE") or "").strip() if level > 1 else ""
        if level_of_pcode(first) != level:
            problems.append(
                _("%(where)s: “%(pcode)s” is not a p-code of level %(level)d.")
                % {"where": where, "pcode": first, "level": level}
            )
            continue
        if not name_en or not name_ar:
            problems.append(_("%(where)s: the English or Arabic name is empty.") % {"where": where})
            continue
        if parent and not first.startswith(parent):
            problems.append(
                _("%(where)s: %(pcode)s does not belong under %(parent)s.")
                % {"where": where, "pcode": first, "parent": parent}
            )
            continue
        rows.append(UnitRow(first, level, parent, name_en, name_ar, where))
    if problems:
        raise CodImportError(problems)
    return rows


@transaction.atomic
def import_units(rows: list[UnitRow]) -> dict[str, int]:
    """Create or update units; parents first. All or nothing."""
    problems: list[str] = []
    seen: dict[str, UnitRow] = {}
    for row in rows:
        other = seen.get(row.pcode)
        if other and (other.name_en, other.name_ar, other.parent_pcode) != (
            row.name_en,
            row.name_ar,
            row.parent_pcode,
        ):
            problems.append(
                _(
                    "%(where)s: p-code %(pcode)s appears twice with different names (first at %(first)s)."
                )
                % {"where": row.where, "pcode": row.pcode, "first": other.where}
            )
        seen.setdefault(row.pcode, row)
    existing = {unit.pcode: unit for unit in AdminUnit.objects.all()}
    created = updated = 0
    for row in sorted(seen.values(), key=lambda r: (r.level, r.pcode)):
        parent = existing.get(row.parent_pcode) if row.parent_pcode else None
        if row.level > Level.GOVERNORATE and parent is None:
            problems.append(
                _(
                    "%(where)s: the parent %(parent)s of %(pcode)s is not known; import the level above first."
                )
                % {"where": row.where, "parent": row.parent_pcode, "pcode": row.pcode}
            )
            continue
        unit = existing.get(row.pcode)
        if unit is None:
            unit = AdminUnit.objects.create(
                pcode=row.pcode,
                level=row.level,
                parent=parent,
                name_en=row.name_en,
                name_ar=row.name_ar,
            )
            existing[row.pcode] = unit
            created += 1
        elif (unit.name_en, unit.name_ar, unit.parent_id) != (
            row.name_en,
            row.name_ar,
            parent.pk if parent else None,
        ):
            unit.name_en, unit.name_ar, unit.parent = row.name_en, row.name_ar, parent
            unit.save()
            updated += 1
    if problems:
        transaction.set_rollback(True)
        raise CodImportError(problems)
    return {"created": created, "updated": updated, "unchanged": len(seen) - created - updated}


def import_files(paths: list[Path], encoding: str = "utf-8") -> dict[str, int]:
    rows: list[UnitRow] = []
    problems: list[str] = []
    for path in paths:
        try:
            rows.extend(read_rows(path.read_bytes(), path.name, encoding))
        except CodImportError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CodImportError(problems)
    return import_units(rows)


def load_shipped_units() -> dict[str, int]:
    """The 18 governorates and every district and sub-district of Anbar."""
    return import_files([SHIPPED_DATA / name for name in SHIPPED_FILES])
