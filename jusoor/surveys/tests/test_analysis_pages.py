"""The analysis pages and their downloads, in Arabic and English, as M&E officers and viewers."""

from __future__ import annotations

import csv
import io
import re

import pytest
from defusedxml.ElementTree import fromstring
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from jusoor.core.models import AuditEvent
from jusoor.jobs.testing import run_queued_jobs
from jusoor.surveys.tests.test_analysis_glue import (
    FALLUJA,
    RAMADI,
    ROWS,
    add_population,
    make_survey,
)


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def survey(world):
    add_population(world.project)
    return make_survey(world.project)


def _url(survey, name="surveys:analysis", **kwargs):
    return reverse(name, kwargs={"pk": survey.pk, **kwargs})


QUERY = {
    "questions": ["dialogue", "causes"],
    "breakdowns": ["sex"],
    "combine_a": "area",
    "combine_b": "sex",
    "weights": "raked",
}


def test_me_officer_sees_arabic_table_and_right_to_left_chart(client, world, survey):
    client.force_login(world.users["shams_me_officer"])
    response = client.get(_url(survey), QUERY)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'dir="rtl"' in page
    assert "هل تشارك في الحوار؟" in page and "مركز الرمادي" in page
    svgs = re.findall(r"<svg .*?</svg>", page, flags=re.S)
    assert len(svgs) == 6  # two questions × (overall, sex, area × sex)
    assert 'direction="rtl"' in svgs[0]
    # every figure shows its interval and n, in the table and in the chart
    assert re.search(r"\d+% \[\d+%–\d+%\] n=12", svgs[0])
    assert "small-cell" in page  # 3 respondents per area and sex: flagged, still shown


def test_english_page_reads_left_to_right(client, world, survey):
    client.cookies["jusoor_language"] = "en"
    client.force_login(world.users["shams_me_officer"])
    response = client.get(_url(survey), QUERY)
    text = _text(response)
    assert "Would you join the dialogue?" in text
    assert "Markaz Al-Ramadi" in text
    assert 'direction="ltr"' in response.content.decode()
    assert "95% confidence interval" in text
    assert "12 respondents in 2 areas" in text


def test_viewer_sees_small_cells_hidden(client, world, survey):
    client.cookies["jusoor_language"] = "en"
    client.force_login(world.users["partner_viewer"])
    response = client.get(_url(survey), QUERY)
    assert response.status_code == 200
    text = _text(response)
    assert "hidden: fewer than 5 respondents" in text
    assert "small-flag" not in response.content.decode()


def test_outsider_gets_404_and_anonymous_is_sent_to_sign_in(client, world, survey):
    client.force_login(world.users["outsider"])
    assert client.get(_url(survey), QUERY).status_code == 404
    client.logout()
    assert client.get(_url(survey), QUERY).status_code == 302


def test_xlsx_download_opens_with_arabic_and_hides_small_cells(client, world, survey):
    client.force_login(world.users["shams_me_officer"])
    response = client.get(_url(survey, "surveys:analysis_download", fmt="xlsx"), QUERY)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet.sheet_view.rightToLeft
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "السؤال"
    labels = {r[0] for r in rows[1:]}
    assert "هل تشارك في الحوار؟" in labels
    small = [r for r in rows[1:] if r[2] and "·" in r[2]]  # area × sex: 3 respondents each
    assert small and all(r[4] is None and r[9] is None for r in small)
    assert all("أقل من 5" in r[12] or "خلية" in r[12] for r in small)
    overall = next(r for r in rows[1:] if r[2] == "جميع المستجيبين" and r[3] == "نعم")
    assert overall[4] is not None and overall[9] == 12
    assert AuditEvent.objects.filter(action="survey.analysis.download").count() == 1


def test_csv_download_has_a_bom_and_arabic(client, world, survey):
    client.force_login(world.users["shams_me_officer"])
    response = client.get(_url(survey, "surveys:analysis_download", fmt="csv"), QUERY)
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][0] == "السؤال"
    assert any(line[0] == "أسباب التطرف" for line in lines[1:])
    event = AuditEvent.objects.get(action="survey.analysis.download")
    assert event.data["format"] == "csv" and event.data["weighted"] is True


def test_chart_downloads_are_a_valid_svg_and_png(client, world, survey):
    client.force_login(world.users["shams_me_officer"])
    chart = {**QUERY, "chart": "dialogue", "chart_by": "area+sex"}
    svg = client.get(_url(survey, "surveys:analysis_download", fmt="svg"), chart)
    root = fromstring(svg.content)
    assert root.tag.endswith("svg")
    assert "مخفي" in svg.content.decode()  # small cells leave the workspace hidden
    png = client.get(_url(survey, "surveys:analysis_download", fmt="png"), chart)
    assert png["Content-Type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(png.content))
    assert image.size[0] == 1520 and image.size[1] > 300
    assert AuditEvent.objects.filter(action="survey.analysis.download").count() == 2


def test_bad_choices_are_explained_on_the_page(client, world, survey):
    client.cookies["jusoor_language"] = "en"
    client.force_login(world.users["shams_me_officer"])
    response = client.get(
        _url(survey), {"questions": ["dialogue"], "weights": "raked", "stratify": "on"}
    )
    assert response.status_code == 200
    assert "analysis-error" not in response.content.decode()  # two areas: stratification works
    response = client.get(
        _url(survey), {"questions": ["dialogue"], "combine_a": "sex", "weights": "raked"}
    )
    assert "Choose two different variables to combine." in _text(response)


def test_population_mismatch_is_explained_in_arabic(client, world):
    add_population(world.project, {(RAMADI, "f", "18-24"): 10, (RAMADI, "m", "25-29"): 10})
    survey = make_survey(world.project)
    client.force_login(world.users["shams_me_officer"])
    response = client.get(_url(survey), {"questions": ["dialogue"], "weights": "raked"})
    text = _text(response)
    assert "لا تتضمن أرقام السكان" in text
    assert FALLUJA in text
    assert "ما العمل:" in text


def test_crosstab_shows_rao_scott_and_row_shares(client, world, survey):
    client.cookies["jusoor_language"] = "en"
    client.force_login(world.users["shams_me_officer"])
    response = client.get(
        _url(survey, "surveys:analysis_crosstab"),
        {"row": "sex", "column": "dialogue", "weights": "none"},
    )
    text = _text(response)
    assert "Rao–Scott test" in text
    assert re.search(r"p = 0\.\d{4}", text)
    assert "Female" in text and "Yes" in text


def test_difference_of_two_groups_with_its_interval(client, world, survey):
    client.cookies["jusoor_language"] = "en"
    client.force_login(world.users["shams_me_officer"])
    response = client.get(
        _url(survey, "surveys:analysis_difference"),
        {"figure": "dialogue=yes", "group_a": "sex=f", "group_b": "sex=m", "weights": "none"},
    )
    text = _text(response)
    # women 2/6 yes... per ROWS: f yes = 3 of 6, m yes = 4 of 6
    assert "Female minus Male:" in text
    assert "\u221216.7 percentage points" in text
    assert "95% confidence interval" in text


def test_page_queries_do_not_grow_with_submissions(client, world):
    add_population(world.project)
    small = make_survey(world.project, ROWS, form_id="small")
    large = make_survey(world.project, ROWS * 5, form_id="large")
    client.force_login(world.users["shams_me_officer"])
    counts = []
    for survey in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(survey), QUERY).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 30


def test_a_large_form_is_analysed_as_a_background_job(client, world, survey, settings):
    settings.ANALYSIS_JOB_THRESHOLD = 10
    client.cookies["jusoor_language"] = "en"
    client.force_login(world.users["shams_me_officer"])
    response = client.get(_url(survey), QUERY)
    assert response.status_code == 302 and "job=" in response["Location"]
    waiting = client.get(response["Location"])
    assert "runs in the background" in _text(waiting)
    (job,) = run_queued_jobs()
    assert job.status == "done"
    done = client.get(response["Location"])
    text = _text(done)
    assert "Would you join the dialogue?" in text
    assert "12 respondents in 2 areas" in text
