"""Pol.is CSV exports and the facilitator's DOCX report."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.conf import settings
from django.urls import reverse

from jusoor.core.models import AuditEvent
from jusoor.dialogue import services
from jusoor.dialogue.demo import plant_votes
from jusoor.dialogue.models import Reason
from jusoor.dialogue.tests.builders import add_statement, make_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(world):
    conversation = make_conversation(world.project)
    kept = add_statement(conversation, "فرص العمل تبعد الشباب عن العنف")
    dropped = add_statement(conversation, "المدارس تحتاج الى دعم كبير")
    people = [services.new_participant(conversation) for _ in range(3)]
    services.record_vote(people[0], kept, 1)
    services.record_vote(people[1], kept, -1)
    services.record_vote(people[2], dropped, 0)
    services.decide(world.users["shams_moderator"], dropped, False, Reason.OFF_TOPIC)
    return conversation


def download(client, world, conversation, kind):
    client.force_login(world.users["shams_facilitator"])
    url = reverse("dialogue:export", kwargs={"pk": conversation.pk, "kind": kind})
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_votes_export_has_the_polis_columns_and_one_row_per_vote(client, world, conversation):
    rows = download(client, world, conversation, "votes")
    assert rows[0] == ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
    assert sorted((r[2], r[3], r[4]) for r in rows[1:]) == [
        ("0", "0", "1"),
        ("0", "1", "-1"),
        ("1", "2", "0"),
    ]
    assert "GMT+0000" in rows[1][1]


def test_comments_export_marks_rejected_statements_as_moderated_out(client, world, conversation):
    rows = download(client, world, conversation, "comments")
    assert rows[0] == [
        "timestamp",
        "datetime",
        "comment-id",
        "author-id",
        "agrees",
        "disagrees",
        "moderated",
        "comment-body",
    ]
    assert [(r[2], r[4], r[5], r[6]) for r in rows[1:]] == [
        ("0", "1", "1", "1"),
        ("1", "0", "0", "-1"),
    ]
    assert rows[1][7] == "فرص العمل تبعد الشباب عن العنف"


def test_participants_export_has_a_column_per_statement_and_no_tokens(client, world, conversation):
    rows = download(client, world, conversation, "participants-votes")
    assert rows[0] == [
        "participant",
        "group-id",
        "n-comments",
        "n-votes",
        "n-agree",
        "n-disagree",
        "0",
        "1",
    ]
    assert rows[1][0] == "0"
    assert rows[1][2:6] == ["0", "1", "1", "0"]
    assert rows[1][6:] == ["1", ""]
    tokens = set(conversation.participants.values_list("token", flat=True))
    assert not any(cell in tokens for row in rows for cell in row)


def test_exports_are_audited(client, world, conversation):
    download(client, world, conversation, "votes")
    assert AuditEvent.objects.filter(action="dialogue.exported", data__kind="votes").exists()


def test_an_unknown_export_is_404(client, world, conversation):
    client.force_login(world.users["shams_facilitator"])
    url = reverse("dialogue:export", kwargs={"pk": conversation.pk, "kind": "secrets"})
    assert client.get(url).status_code == 404


def _document_xml(response) -> str:
    with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
        return docx.read("word/document.xml").decode()


def test_the_arabic_report_is_a_docx_with_right_to_left_paragraphs_and_runs(
    client, world, conversation
):
    client.force_login(world.users["shams_viewer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get(reverse("dialogue:report_docx", kwargs={"pk": conversation.pk}))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    xml = _document_xml(response)
    assert conversation.topic_ar in xml
    paragraphs = xml.count("<w:p>") + xml.count("<w:p ")
    assert xml.count("<w:bidi/>") == paragraphs
    assert xml.count("<w:rtl/>") == xml.count("<w:r>") + xml.count("<w:r ")


def test_the_english_report_has_no_right_to_left_marks(client, world, conversation):
    client.force_login(world.users["shams_viewer"])
    response = client.get(reverse("dialogue:report_docx", kwargs={"pk": conversation.pk}))
    xml = _document_xml(response)
    assert "<w:bidi/>" not in xml
    assert conversation.topic_en in xml


def test_the_report_describes_groups_with_small_cells_withheld(client, world):
    conversation = make_conversation(world.project, slug="planted")
    for n in range(12):
        add_statement(conversation, f"العبارة رقم {n} عن شباب الأنبار")
    plant_votes(conversation, n_participants=60, seed=3, density=0.8)
    client.force_login(world.users["shams_viewer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    xml = _document_xml(client.get(reverse("dialogue:report_docx", kwargs={"pk": conversation.pk})))
    assert "<w:tbl>" in xml
    assert "<w:bidiVisual/>" in xml
    assert "—" in xml  # some cells are fewer than five people
