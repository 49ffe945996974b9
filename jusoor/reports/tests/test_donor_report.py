"""The donor progress report: figures from the data, sections people write kept in versions, and
DOCX, PDF and XLSX files whose Arabic reads right to left."""

from __future__ import annotations

import io
import unicodedata
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from jusoor.core.models import AuditEvent
from jusoor.reports import services
from jusoor.reports.donor import _PROVIDERS as providers
from jusoor.reports.donor import Section, build_report, register_section
from jusoor.reports.models import DonorReportVersion
from jusoor.reports.tests.builders import iati_ready


def _get(client, world, name: str, language: str = "ar", user: str = "partner_viewer"):
    client.force_login(world.users[user])
    response = client.get(reverse(name, args=[world.period.pk]), {"language": language})
    assert response.status_code == 200
    return response


def test_the_framework_table_shows_baseline_target_actual_and_percent_achieved(client, world):
    iati_ready(world)
    with translation.override("en"):
        page = _get(client, world, "reports:donor_report", "en").content.decode()
    assert "Participants" in page
    assert "200" in page and "180" in page and "90%" in page
    assert "Female: 90" in page
    assert "Male: fewer than 5" in page  # 3 men: a small cell, hidden


def test_the_summary_is_prefilled_from_the_project(world):
    iati_ready(world)
    data = build_report(world.period, "en")
    text = " ".join(data.summary.paragraphs)
    assert "Community dialogue in Anbar" in text
    assert "works in 1 target area: Markaz Al-Ramadi." in text
    assert "0 of 1 indicator with a target for this period reached it" in text
    activities = data.narrative[0].paragraphs
    assert activities == ["1.1.1 Activity — Participants: 180 (target 200)"]


def test_another_app_can_add_a_prefilled_section(world):
    def meetings(period, language):
        return Section("Meetings", [f"3 meetings in {period.label}"])

    register_section(meetings)
    try:
        data = build_report(world.period, "en")
    finally:
        providers.remove(meetings)
    assert data.narrative[-1].paragraphs == ["3 meetings in 2023-08"]


def test_saving_the_written_sections_keeps_every_version(client, world):
    client.force_login(world.users["shams_me_officer"])
    url = reverse("reports:donor_report_edit", args=[world.period.pk])
    data = {"language": "ar", "challenges": "صعوبة الوصول", "lessons": "", "next_steps": ""}
    assert client.post(url, data).status_code == 302
    data["challenges"] = "صعوبة الوصول إلى القرى"
    client.post(url, data)
    client.post(url, data)  # unchanged: no third version
    versions = DonorReportVersion.objects.order_by("number")
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].challenges == "صعوبة الوصول"
    assert versions[1].author == world.users["shams_me_officer"]
    assert AuditEvent.objects.filter(action="donor_report.version.create").count() == 2
    page = _get(client, world, "reports:donor_report").content.decode()
    assert "صعوبة الوصول إلى القرى" in page


def test_arabic_and_english_reports_have_their_own_written_sections(world):
    services.save_sections(world.users["shams_admin"], world.period, "ar", {"lessons": "درس"})
    assert build_report(world.period, "en").written[1].paragraphs == ["(not written yet)"]
    assert build_report(world.period, "ar").written[1].paragraphs == ["درس"]


def test_the_docx_marks_arabic_right_to_left_and_stays_editable(client, world):
    from docx import Document

    iati_ready(world)
    services.save_sections(world.users["shams_admin"], world.period, "ar", {"challenges": "تحدٍّ"})
    content = _get(client, world, "reports:donor_docx").content
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    assert "<w:bidi/>" in xml and "<w:rtl/>" in xml and "<w:bidiVisual/>" in xml
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "مشروع تجريبي" in text
    assert "تحدٍّ" in text
    cells = [c.text for row in document.tables[1].rows for c in row.cells]
    assert "عدد المشاركين" in cells and "180" in cells and "90%" in cells
    assert "3" not in cells


def test_the_english_docx_reads_left_to_right(client, world):
    content = _get(client, world, "reports:donor_docx", "en").content
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    assert "<w:bidi/>" not in xml and "<w:rtl/>" not in xml


def _pdf_text(content: bytes, normalise: bool = True) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFKC", text) if normalise else text


def test_the_pdf_holds_the_arabic_shaped_and_readable(client, world):
    iati_ready(world)
    content = _get(client, world, "reports:donor_pdf").content
    assert content.startswith(b"%PDF")
    raw = _pdf_text(content, normalise=False)
    # Joined letter forms (Arabic presentation forms) are what shaping draws.
    assert any("\ufe70" <= char <= "\ufeff" for char in raw)
    text = _pdf_text(content)
    assert "مشروع تجريبي" in text
    assert "عدد المشاركين" in text
    assert "180" in text and "200" in text


def test_the_english_pdf_reads_left_to_right(client, world):
    iati_ready(world)
    text = _pdf_text(_get(client, world, "reports:donor_pdf", "en").content)
    assert "Progress report" in text and "Participants" in text


def test_the_xlsx_annex_lists_each_figure_and_hides_small_cells(client, world):
    from openpyxl import load_workbook

    iati_ready(world)
    content = _get(client, world, "reports:donor_xlsx").content
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.sheet_view.rightToLeft is True
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][2] == "عدد المشاركين" and rows[0][6] == 180 and rows[0][7] == 90.0
    men = next(r for r in rows if r[9] == "ذكر" or (r[8] and r[6] is None))
    assert men[6] is None and men[10]


@pytest.mark.parametrize("name", ["reports:donor_docx", "reports:donor_pdf", "reports:donor_xlsx"])
def test_each_file_is_audited_as_an_export(client, world, name):
    _get(client, world, name)
    kind = name.removeprefix("reports:donor_")
    event = AuditEvent.objects.get(action=f"export.donor_report.{kind}")
    assert event.actor == world.users["partner_viewer"]
    assert event.data["language"] == "ar"
