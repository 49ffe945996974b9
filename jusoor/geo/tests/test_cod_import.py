"""Importing OCHA COD-AB tables: all of it, or nothing, with the row that was wrong."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from jusoor.core.paths import shared_data
from jusoor.geo.cod import CodImportError, import_files, read_rows
from jusoor.geo.models import AdminUnit

SHARED = shared_data("iraq-cod-ab")

ADM3_HEADER = (
    "ADM1_PCODE,ADM1_EN,ADM1_AR,ADM2_PCODE,ADM2_EN,ADM2_AR,ADM3_PCODE,ADM3_EN,ADM3_AR\n"
    "#adm1+code,#adm1+name,#adm1+name+i_ar,#adm2+code,#adm2+name,#adm2+name+i_ar,#adm3+code,"
    "#adm3+name,#adm3+name+i_ar\n"
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.django_db
def test_every_database_starts_with_governorates_and_anbar():
    assert AdminUnit.objects.filter(level=1).count() == 18
    assert AdminUnit.objects.filter(level=2, pcode__startswith="IQG01").count() == 7
    assert AdminUnit.objects.filter(level=3, pcode__startswith="IQG01").count() == 20
    ramadi = AdminUnit.objects.get(pcode="IQG01Q03N03")
    assert ramadi.name_ar == "مركز الرمادي"
    assert ramadi.governorate.pcode == "IQG01"


@pytest.mark.django_db
def test_loading_the_shipped_units_again_changes_nothing():
    call_command("import_cod_ab")
    assert AdminUnit.objects.count() == 45


@pytest.mark.django_db
@pytest.mark.skipif(not SHARED.exists(), reason="shared reference data absent")
def test_full_cod_ab_import_brings_every_district_and_sub_district():
    counts = import_files(
        [SHARED / "irq_adm1.csv", SHARED / "irq_adm2.csv", SHARED / "irq_adm3.csv"]
    )
    assert AdminUnit.objects.filter(level=1).count() == 18
    assert AdminUnit.objects.filter(level=2).count() == 101
    assert AdminUnit.objects.filter(level=3).count() == 294
    assert counts["created"] == 101 + 294 - 7 - 20


@pytest.mark.django_db
def test_missing_columns_are_named_and_nothing_is_written(tmp_path):
    path = write(tmp_path, "bad.csv", "ADM3_PCODE,ADM3_EN\nIQG01Q03N09,X\n")
    with pytest.raises(CodImportError, match="ADM2_PCODE") as info:
        import_files([path])
    assert "ADM3_AR" in str(info.value)
    assert AdminUnit.objects.count() == 45


@pytest.mark.django_db
def test_windows_1256_file_is_refused_with_its_line_unless_the_encoding_is_given(tmp_path):
    text = (
        ADM3_HEADER
        + "IQG01,Al-Anbar,الانبار,IQG01Q03,Al-Ramadi,الرمادي,IQG01Q03N09,New,ناحية جديدة\n"
    )
    path = write(tmp_path, "cp1256.csv", text, "cp1256")
    with pytest.raises(CodImportError, match=r"cp1256.csv, line 3"):
        import_files([path])
    assert not AdminUnit.objects.filter(pcode="IQG01Q03N09").exists()
    import_files([path], encoding="windows-1256")
    assert AdminUnit.objects.get(pcode="IQG01Q03N09").name_ar == "ناحية جديدة"


@pytest.mark.django_db
def test_unknown_parent_stops_the_whole_file(tmp_path):
    text = ADM3_HEADER + (
        "IQG01,Al-Anbar,الانبار,IQG01Q03,Al-Ramadi,الرمادي,IQG01Q03N09,Good,جيدة\n"
        "IQG01,Al-Anbar,الانبار,IQG01Q99,Nowhere,لا مكان,IQG01Q99N01,Orphan,يتيمة\n"
    )
    with pytest.raises(CodImportError, match=r"row 4.*IQG01Q99"):
        import_files([write(tmp_path, "orphan.csv", text)])
    assert not AdminUnit.objects.filter(pcode="IQG01Q03N09").exists()


@pytest.mark.django_db
def test_duplicate_pcode_with_different_names_is_refused(tmp_path):
    text = ADM3_HEADER + (
        "IQG01,Al-Anbar,الانبار,IQG01Q03,Al-Ramadi,الرمادي,IQG01Q03N09,One,واحد\n"
        "IQG01,Al-Anbar,الانبار,IQG01Q03,Al-Ramadi,الرمادي,IQG01Q03N09,Two,اثنان\n"
    )
    with pytest.raises(CodImportError, match="appears twice"):
        import_files([write(tmp_path, "dup.csv", text)])
    assert not AdminUnit.objects.filter(pcode="IQG01Q03N09").exists()


def test_malformed_pcode_names_its_row():
    raw = (ADM3_HEADER + "IQG01,A,ا,IQG01Q03,R,ر,IQ-G01-Q03-N09,Bad,سيئ\n").encode()
    with pytest.raises(CodImportError, match=r"x.csv, row 3.*IQ-G01-Q03-N09"):
        read_rows(raw, "x.csv")


@pytest.mark.django_db
def test_command_reports_problems_as_an_error(tmp_path):
    path = write(tmp_path, "bad.csv", "NAME\nx\n")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_cod_ab", str(path))


def test_problems_are_reported_in_arabic_for_arabic_users():
    raw = (ADM3_HEADER + "IQG01,A,ا,IQG01Q03,R,ر,IQG01Q03N09,,\n").encode()
    with translation.override("ar"), pytest.raises(CodImportError) as info:
        read_rows(raw, "x.csv")
    message = info.value.problems[0]
    assert "x.csv" in message and "3" in message
    assert any("\u0600" <= ch <= "\u06ff" for ch in message)
