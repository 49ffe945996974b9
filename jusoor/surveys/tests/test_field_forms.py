"""Real forms and exports from the field (../shared/data/field-forms, see its README).

Every XLSForm there either becomes a form or is refused with pyxform's message naming the row;
every Kobo export there either imports into its form or is refused with problems by row and column.
"""

from __future__ import annotations

import pytest

from jusoor.core.paths import shared_data
from jusoor.surveys import services
from jusoor.surveys.models import Form, KoboImport, Submission

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
