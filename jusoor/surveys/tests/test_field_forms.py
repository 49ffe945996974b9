"""Real forms and exports from the field (../shared/data/field-forms, see its README).

Every XLSForm there either becomes a form or is refused with pyxform's message naming the row;
every Kobo export there either imports into its form or is refused with problems by row and column.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from jusoor.core.paths import shared_data
from jusoor.surveys import services
from jusoor.surveys.models import Form, KoboImport, Submission
from jusoor.surveys.tests.xform_to_xlsform import xlsform_from_xform

FOLDER = shared_data("field-forms")
pytestmark = pytest.mark.skipif(not FOLDER.exists(), reason="field-forms data is not here")
FORMS = sorted(p.name for p in (FOLDER / "xlsforms").glob("*.xls*")) if FOLDER.exists() else []
GAZA_FORM = "optmpca21_MPCA_tool_V4_161121_Translated (2).xlsx"
GAZA_EXPORT = "optmpca21_Evaluation_Gaza_MPCA_Nov._2021_-_all_versions_-_False_-_2021-11-23-06-30-23_REDACTED.xlsx"


@pytest.mark.parametrize("name", FORMS)
def test_every_field_xlsform_imports_or_is_refused_naming_the_row(world, name):
    content = (FOLDER / "xlsforms" / name).read_bytes()
    try:
        version = services.upload_form(None, world.project, content, name)
    except services.ValidationError as exc:
        assert "row" in " ".join(exc.messages).lower(), exc.messages
        assert not Form.objects.exists()
        return
    assert version.questions and version.xform.startswith("<?xml")
    for problem in version.unsupported:
        assert problem["row"], problem  # each listed by its sheet row


def test_the_arabic_field_forms_keep_both_languages(world):
    version = services.upload_form(
        None,
        world.project,
        (FOLDER / "xlsforms" / "irqinf_tool_site.xlsx").read_bytes(),
        "site.xlsx",
    )
    assert {"Arabic", "English"} <= set(version.languages)


def test_the_gaza_kobo_export_imports_into_its_form(world):
    form = services.upload_form(
        None, world.project, (FOLDER / "xlsforms" / GAZA_FORM).read_bytes(), GAZA_FORM
    ).form
    content = (FOLDER / "exports" / GAZA_EXPORT).read_bytes()
    batch = services.start_import(None, form, content, GAZA_EXPORT)
    assert batch.preview["problem_count"] == 0, batch.preview["problems"][:5]
    assert batch.preview["rows"] == 276
    assert services.commit_import(None, batch) == 276
    assert Submission.objects.filter(form=form).count() == 276


def test_the_dirty_cleaningtools_export_is_refused_by_row_and_column(world):
    form = services.upload_form(
        None,
        world.project,
        (FOLDER / "xlsforms" / "cleaningtools_form.xlsx").read_bytes(),
        "cleaningtools_form.xlsx",
    ).form
    content = (FOLDER / "exports" / "cleaningtools_data.xlsx").read_bytes()
    batch = services.start_import(None, form, content, "cleaningtools_data.xlsx")
    problems = batch.preview["problems"]
    assert problems and all(p["row"] and p["column"] for p in problems)
    with pytest.raises(services.ValidationError):
        services.commit_import(None, KoboImport.objects.get(pk=batch.pk))
    assert not Submission.objects.exists()


RUODK = "ruodk_flora_quadrat_0_4"


def _ruodk_zip() -> tuple[bytes, dict[str, list[dict[str, str]]]]:
    """The three CSVs of ruODK's Central export, zipped under the names Central gives them, and
    their rows as read by the csv module (what the import is checked against)."""
    folder = FOLDER / "exports" / RUODK
    buffer, tables = io.BytesIO(), {}
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.glob("*.csv")):
            name = path.name.removeprefix("ruodk_")
            archive.writestr(name, path.read_bytes())
            tables[name] = list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))
    return buffer.getvalue(), tables


def test_the_odk_central_export_from_the_field_imports_into_its_form(world):
    """ruODK's test data: an ODK Central export (2019) of an ODK Build form with two repeats,
    geopoints and photos, published with its XForm; the form is rebuilt as an XLSForm."""
    xml = (FOLDER / "exports" / RUODK / "ruodk_FloraQuadrat04.xml").read_bytes()
    version = services.upload_form(None, world.project, xlsform_from_xform(xml), "flora.xlsx")
    content, tables = _ruodk_zip()
    main = tables["build_Flora-Quadrat-0-4_1564384341.csv"]
    strata = tables["build_Flora-Quadrat-0-4_1564384341-vegetation_stratum.csv"]
    taxa = tables["build_Flora-Quadrat-0-4_1564384341-taxon_encounter.csv"]
    batch = services.start_import(None, version.form, content, "flora.zip")
    preview = batch.preview
    assert preview["problem_count"] == 0, preview["problems"][:5]
    assert (preview["rows"], preview["new"]) == (len(main), len(main))
    photos = [r[c] for r in main for c in r if c.endswith("photo") and r[c]]
    photos += [r["photo_in_situ"] for r in taxa if r["photo_in_situ"]]
    assert preview["media_missing"] == len(photos)  # the export was made without its media
    assert services.commit_import(None, batch) == len(main)

    for row in main:
        stored = Submission.objects.get(form=version.form, instance_id=row["KEY"])
        answers = stored.answers
        assert answers["location/area_name"] == row["location-area_name"]
        assert answers["habitat/morphological_type"] == row["habitat-morphological_type"]
        corner = answers["location/corner1"].split()
        assert [float(v) for v in corner[:2]] == [
            float(row["location-corner1-Latitude"]),
            float(row["location-corner1-Longitude"]),
        ]
        mine = [s for s in strata if s["PARENT_KEY"] == row["KEY"]]
        assert [
            e["vegetation_stratum/dominant_species_1"] for e in answers["vegetation_stratum"]
        ] == [s["dominant_species_1"] for s in mine]
        found = [t for t in taxa if t["PARENT_KEY"] == row["KEY"]]
        assert [e["taxon_encounter/field_name"] for e in answers["taxon_encounter"]] == [
            t["field_name"] for t in found
        ]
    again = services.start_import(None, version.form, content, "flora.zip")
    assert again.preview["new"] == 0 and services.commit_import(None, again) == 0
