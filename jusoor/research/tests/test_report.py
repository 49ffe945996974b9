import io
import subprocess
import unicodedata
import zipfile

import pytest
from django.urls import reverse

from jusoor.core.models import AuditEvent
from jusoor.research import services
from jusoor.research.models import Finding, FindingStatus
from jusoor.research.tests import builders


def _report_world(world):
    builders.published_finding(world)
    builders.survey_form(world)
    finding = services.save_finding(
        None,
        Finding(
            project=world.project,
            statement_ar="البطالة سبب رئيسي للتطرف في رأي المستجيبين",
            statement_en="Respondents see unemployment as a main cause of extremism",
        ),
        [world.activity],
    )
    services.add_evidence(
        None,
        finding,
        "estimate",
        {
            "form": "anbar_pve_survey_2023",
            "question": "views/causes",
            "category": "unemployment",
            "breakdown": "age_band",
            "weighted": True,
        },
    )
    services.set_status(None, finding, FindingStatus.REVIEWED)
    services.set_status(None, finding, FindingStatus.PUBLISHED)
    builders.draft_finding(world)


def _get(client, world, name, language="ar"):
    client.force_login(world.users["partner_viewer"])
    response = client.get(reverse(name, args=[world.project.pk]), {"language": language})
    assert response.status_code == 200
    return response


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in reader.pages))


def test_the_report_page_shows_published_findings_with_chart_and_anonymised_quotes(client, world):
    _report_world(world)
    page = _get(client, world, "research:report").content.decode()
    assert "البطالة سبب رئيسي للتطرف" in page and "مسودة نتيجة" not in page
    assert 'src="data:image/png;base64,' in page
    assert "البطالة بين الشباب وشعورهم بالتهميش" in page and "الدليمي" not in page


def test_the_docx_is_right_to_left_with_the_findings_and_a_chart(client, world):
    from docx import Document

    _report_world(world)
    content = _get(client, world, "research:report_docx").content
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "البطالة سبب رئيسي للتطرف في رأي المستجيبين" in text
    assert "الدليمي" not in text and "07701234567" not in text
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    assert "<w:bidi/>" in xml and "<w:rtl/>" in xml and "<w:bidiVisual/>" in xml
    assert any(
        name.startswith("word/media/") for name in zipfile.ZipFile(io.BytesIO(content)).namelist()
    )
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert "٣٠–٤٤" in cells  # an age band of the table by group


def test_the_english_docx_reads_left_to_right(client, world):
    _report_world(world)
    content = _get(client, world, "research:report_docx", "en").content
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    assert "<w:bidi/>" not in xml and "<w:rtl/>" not in xml
    assert "Respondents see unemployment as a main cause" in xml


def test_the_pdf_holds_the_arabic_words_in_reading_order(client, world):
    _report_world(world)
    content = _get(client, world, "research:report_pdf").content
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    assert "البطالة سبب رئيسي للتطرف" in text
    assert "الدليمي" not in text


def test_the_pdf_page_renders(client, world, tmp_path):
    if subprocess.run(["which", "pdftoppm"], capture_output=True).returncode:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    _report_world(world)
    path = tmp_path / "report.pdf"
    path.write_bytes(_get(client, world, "research:report_pdf").content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        check=True,
    )
    assert any(p.suffix == ".png" and p.stat().st_size > 5000 for p in tmp_path.iterdir())


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_each_download_is_audited(client, world, kind):
    _get(client, world, f"research:report_{kind}")
    event = AuditEvent.objects.get(action=f"research.report.{kind}")
    assert event.actor == world.users["partner_viewer"] and event.data["language"] == "ar"


def test_the_methods_and_limitations_are_written_from_the_design(world):
    from django.utils import translation

    from jusoor.research.report import build_report

    _report_world(world)
    with translation.override("en"):
        data = build_report(world.project, "en")
    text = " ".join(b.text for b in data.blocks)
    assert "was answered by 80 people in 10 areas" in text
    assert "not weighted" in text and "margin of error" in text
    assert "synthetic" in text and "Key-informant interview" in " ".join(
        b.source for b in data.blocks
    )
    assert data.findings == 2


def test_the_report_names_the_event_it_was_presented_at(client, world):
    from jusoor.events.tests.builders import make_event

    event = make_event(world)
    client.force_login(world.users["shams_me_officer"])
    client.post(
        reverse("research:report_edit", args=[world.project.pk]),
        {"title_ar": "تقرير البحث", "title_en": "Research report", "presented_at": event.pk},
    )
    page = _get(client, world, "research:report").content.decode()
    assert "تقرير البحث" in page and "مؤتمر الوقاية والصد" in page
    client.force_login(world.users["shams_me_officer"])
    event_page = client.get(reverse("events:event", args=[event.pk])).content.decode()
    assert reverse("research:report", args=[world.project.pk]) in event_page


def test_the_donor_report_lists_the_published_findings(client, world):
    from jusoor.reports.donor import build_report as donor_report

    published = builders.published_finding(world)
    builders.draft_finding(world)
    data = donor_report(world.period, "ar")
    section = next(s for s in data.narrative if published.statement_ar in " ".join(s.paragraphs))
    assert len(section.paragraphs) == 1 and "مسودة نتيجة" not in section.paragraphs[0]


def test_a_survey_with_one_respondent_is_explained_not_a_server_error(client, world):
    builders.survey_form(world, respondents=1)
    response = _get(client, world, "research:report", language="en")
    text = response.content.decode()
    assert "cannot be summarised yet" in text
