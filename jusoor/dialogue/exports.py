"""Exports: Pol.is's CSV format (votes, comments, participants-votes) and the facilitator's DOCX.

Pol.is conventions kept so that its tools (red-dwarf, the polis report notebooks) read our files:
votes are 1 agree, -1 disagree, 0 pass; ``moderated`` is 1 accepted, 0 not yet, -1 rejected;
participants are numbered from 0 in the order they first appear (no token, no cookie value).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from jusoor.dialogue import analysis
from jusoor.dialogue.models import Conversation, Statement, Status, Vote
from jusoor.dialogue.summary import breakdown_rows, plain_summary
from jusoor.dialogue.svg import group_name

_MODERATED = {Status.PUBLISHED: 1, Status.REJECTED: -1, Status.HELD: 0, Status.HIDDEN: 0}


def _js_datetime(when: datetime) -> str:
    """Pol.is writes JavaScript's Date.toString(); we write it in UTC."""
    utc = when.astimezone(UTC)
    return utc.strftime("%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)")


def _participant_numbers(conversation: Conversation) -> dict[int, int]:
    ids = conversation.participants.order_by("id").values_list("id", flat=True)
    return {pk: n for n, pk in enumerate(ids)}


def _statement_numbers(conversation: Conversation) -> dict[int, int]:
    ids = conversation.statements.order_by("id").values_list("id", flat=True)
    return {pk: n for n, pk in enumerate(ids)}


def _csv(rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(rows)
    return out.getvalue()


def votes_csv(conversation: Conversation) -> str:
    people, comments = _participant_numbers(conversation), _statement_numbers(conversation)
    rows: list[list[Any]] = [["timestamp", "datetime", "comment-id", "voter-id", "vote"]]
    votes = Vote.objects.filter(statement__conversation=conversation).order_by("updated_at", "id")
    for when, statement_id, participant_id, value in votes.values_list(
        "updated_at", "statement_id", "participant_id", "value"
    ):
        rows.append(
            [
                int(when.timestamp()),
                _js_datetime(when),
                comments[statement_id],
                people[participant_id],
                value,
            ]
        )
    return _csv(rows)


def comments_csv(conversation: Conversation) -> str:
    people, comments = _participant_numbers(conversation), _statement_numbers(conversation)
    counts = analysis.statement_counts(conversation)
    header = ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees"]
    rows: list[list[Any]] = [[*header, "moderated", "comment-body"]]
    for statement in conversation.statements.order_by("id"):
        row = counts.get(statement.pk, {})
        rows.append(
            [
                int(statement.created_at.timestamp()),
                _js_datetime(statement.created_at),
                comments[statement.pk],
                people.get(statement.author_id, ""),
                row.get("agree", 0),
                row.get("disagree", 0),
                _MODERATED[statement.status],
                statement.text,
            ]
        )
    return _csv(rows)


def participants_csv(conversation: Conversation) -> str:
    group_of = analysis.groups_of_participants(conversation)
    people, comments = _participant_numbers(conversation), _statement_numbers(conversation)
    statement_ids = list(comments)
    votes: dict[int, dict[int, int]] = {}
    for pid, sid, value in Vote.objects.filter(statement__conversation=conversation).values_list(
        "participant_id", "statement_id", "value"
    ):
        votes.setdefault(pid, {})[sid] = value
    authored = dict(
        Statement.objects.filter(conversation=conversation, author__isnull=False)
        .values_list("author_id")
        .annotate(n=Count("id"))
        .values_list("author_id", "n")
    )
    header = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
    rows: list[list[Any]] = [header + [str(comments[s]) for s in statement_ids]]
    for pk, number in people.items():
        mine = votes.get(pk, {})
        rows.append(
            [
                number,
                group_of.get(pk, ""),
                authored.get(pk, 0),
                len(mine),
                sum(1 for v in mine.values() if v == 1),
                sum(1 for v in mine.values() if v == -1),
                *[mine.get(s, "") for s in statement_ids],
            ]
        )
    return _csv(rows)


EXPORTS = {"votes": votes_csv, "comments": comments_csv, "participants-votes": participants_csv}


# --- DOCX --------------------------------------------------------------------------------------


def _rtl(paragraph: Any) -> Any:
    """Mark a paragraph right to left (w:bidi) and each of its runs (w:rtl)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p_pr = paragraph._p.get_or_add_pPr()
    if p_pr.find(qn("w:bidi")) is None:
        p_pr.insert(0, OxmlElement("w:bidi"))
    for run in paragraph.runs:
        r_pr = run._r.get_or_add_rPr()
        if r_pr.find(qn("w:rtl")) is None:
            r_pr.append(OxmlElement("w:rtl"))
    return paragraph


def _rtl_table(table: Any) -> None:
    """Columns from right to left (w:bidiVisual on the table)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    if tbl_pr.find(qn("w:bidiVisual")) is None:
        tbl_pr.append(OxmlElement("w:bidiVisual"))


def facilitator_docx(conversation: Conversation) -> bytes:
    """The facilitator report: the question, the summary, groups, consensus, moderation counts."""
    from docx import Document

    rtl = get_language_bidi()
    document = Document()

    def para(text: str, style: str | None = None) -> None:
        paragraph = document.add_paragraph(text, style=style)
        if rtl:
            _rtl(paragraph)

    def heading(text: str, level: int) -> None:
        paragraph = document.add_heading(text, level=level)
        if rtl:
            _rtl(paragraph)

    data = analysis.current_map(conversation)
    texts = dict(conversation.statements.filter(status=Status.PUBLISHED).values_list("pk", "text"))
    heading(conversation.topic, 0)
    if conversation.is_synthetic:
        para(_("Synthetic data, generated for demonstration. No real person took part."))
    if conversation.description:
        para(conversation.description)
    heading(_("Summary"), 1)
    for line in plain_summary(data, texts, html=False):
        para(line)
    heading(_("Statements most people agree with"), 1)
    for pick in data.get("consensus", {}).get("agree", []):
        if pick["statement"] in texts:
            para(f"{texts[pick['statement']]} ({pick['percent']}%)", "List Bullet")
    for group in data.get("groups", []):
        heading(f"{group_name(group['id'])} ({group['size']})", 1)
        for pick in group["representative"]:
            if pick["statement"] not in texts:
                continue
            verb = _("agree") if pick["direction"] == "agree" else _("disagree")
            para(f"{texts[pick['statement']]} — {pick['percent']}% {verb}", "List Bullet")
    view = analysis.facilitator_view(conversation) if data.get("status") == "ok" else None
    if view is not None and view.stability is not None:
        para(
            _(
                "Group stability: %(score).2f (1 = the same groups on every resample; under 0.6 the groups are not a finding)."
            )
            % {"score": view.stability.mean_ari}
        )
    if view is not None and view.breakdown:
        heading(_("Who is in each group"), 1)
        table = document.add_table(rows=1, cols=3)
        if rtl:
            _rtl_table(table)
        for cell, title in zip(
            table.rows[0].cells, [_("Group"), _("People"), _("By sex, age and area")], strict=True
        ):
            cell.text = str(title)
        for name, size, attributes in breakdown_rows(view.breakdown):
            row = table.add_row().cells
            row[0].text = name
            row[1].text = "—" if size is None else str(size)
            row[2].text = "; ".join(
                f"{title}: "
                + ", ".join(f"{label} {'—' if count is None else count}" for label, count in cells)
                for title, cells in attributes
            )
        if rtl:
            for row in table.rows:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        _rtl(paragraph)
    heading(_("Moderation"), 1)
    for value, label in Status.choices:
        count = conversation.statements.filter(status=value).count()
        para(f"{label}: {count}")
    para(
        _("Groups smaller than %(n)d people are not described by sex, age or area.")
        % {"n": settings.SMALL_CELL_THRESHOLD}
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
