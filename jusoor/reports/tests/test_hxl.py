"""The HXL-tagged CSV: a header row people read, a hashtag row machines read, small cells hidden."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.urls import reverse

from jusoor.core.models import AuditEvent
from jusoor.reports.tests.builders import add_value, iati_ready


def _rows(client, world) -> list[dict[str, str]]:
    client.force_login(world.users["partner_viewer"])
    response = client.get(reverse("reports:hxl", args=[world.project.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark, for Excel
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    tags = lines[1]
    return [dict(zip(tags, line, strict=True)) for line in lines[2:]]


def test_the_second_row_holds_the_hxl_hashtags(client, world):
    client.force_login(world.users["shams_viewer"])
    content = client.get(reverse("reports:hxl", args=[world.project.pk])).content
    tags = content.decode("utf-8-sig").splitlines()[1].split(",")
    for tag in (
        "#adm1+code",
        "#adm2+code",
        "#org+impl",
        "#activity+name",
        "#indicator+name",
        "#indicator+value",
        "#date+start",
        "#reached+f",
    ):
        assert tag in tags


def test_each_indicator_figure_is_a_row_with_its_places_and_dates(client, world):
    rows = _rows(client, iati_ready(world))
    total = rows[0]
    assert total["#indicator+name"] == "عدد المشاركين"
    assert total["#activity+name"] == "نشاط"
    assert total["#indicator+value"] == "180"
    assert total["#indicator+value+target"] == "200"
    assert total["#reached"] == "180"
    assert total["#reached+f"] == "90"
    assert total["#date+start"] == "2023-08-01"
    assert total["#org+impl"] == "منظمة shams"


def test_small_counts_of_people_are_left_blank_with_a_note(client, world):
    rows = _rows(client, iati_ready(world))
    assert rows[0]["#reached+m"] == ""
    men = next(r for r in rows if r["#indicator+category"] and r["#indicator+value"] == "")
    assert men["#meta+note"]
    assert "3" not in {r["#indicator+value"] for r in rows}


def test_a_figure_by_area_carries_the_governorate_and_district_p_codes(client, world):
    iati_ready(world)
    world.indicator.disaggregations = ["sex", "area"]
    world.indicator.save()
    add_value(world, Decimal(40), "area", "IQG01Q03N03")
    row = next(r for r in _rows(client, world) if r["#adm3+code"] == "IQG01Q03N03")
    assert row["#adm1+code"] == "IQG01"
    assert row["#adm2+code"] == "IQG01Q03"
    assert row["#indicator+value"] == "40"


def test_the_download_is_audited(client, world):
    _rows(client, iati_ready(world))
    assert AuditEvent.objects.filter(
        action="export.hxl", actor=world.users["partner_viewer"]
    ).exists()
