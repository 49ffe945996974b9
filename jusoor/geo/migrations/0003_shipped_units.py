"""Every database starts with Iraq's governorates and Anbar's districts and sub-districts."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
FILES = [(1, "irq_adm1.csv"), (2, "irq_adm2_anbar.csv"), (3, "irq_adm3_anbar.csv")]


def load(apps, schema_editor):
    # Uses the historical model, so this keeps working when the model changes later.
    AdminUnit = apps.get_model("geo", "AdminUnit")
    by_pcode = {}
    for level, name in FILES:
        with open(DATA / name, encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                pcode = row[f"ADM{level}_PCODE"]
                if pcode.startswith("#"):
                    continue
                parent = by_pcode.get(row[f"ADM{level - 1}_PCODE"]) if level > 1 else None
                unit, _ = AdminUnit.objects.update_or_create(
                    pcode=pcode,
                    defaults={"level": level, "parent": parent,
                              "name_en": row[f"ADM{level}_EN"], "name_ar": row[f"ADM{level}_AR"]},
                )
                by_pcode[pcode] = unit


class Migration(migrations.Migration):
    dependencies = [("geo", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
