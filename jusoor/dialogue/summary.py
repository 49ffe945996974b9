"""A plain-language reading of the opinion map, for participants and for the report."""

from __future__ import annotations

from typing import Any

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jusoor.dialogue.svg import group_name
from jusoor.engines.opinion import GroupBreakdown
from jusoor.geo.models import AgeBand, Sex


def _bdi(text: str) -> str:
    return format_html("<bdi>{}</bdi>", text)


def _isolate(text: str) -> str:
    """Unicode first-strong isolate: an Arabic statement inside an English sentence (or the
    reverse) keeps its own direction, in a DOCX as in a browser."""
    return f"\u2068{text}\u2069"


def plain_summary(data: dict[str, Any], texts: dict[int, str], *, html: bool = True) -> list[str]:
    """A few sentences: who took part, how many groups, what unites them, what sets each apart.

    With ``html`` the lines are safe HTML (statements escaped and isolated in ``<bdi>``);
    without, plain text with Unicode isolates.
    """
    lines = _sentences(data, texts, _bdi if html else _isolate)
    return [mark_safe(line) if html else line for line in lines]  # noqa: S308 — escaped above


def _sentences(data: dict[str, Any], texts: dict[int, str], wrap) -> list[str]:  # noqa: ANN001
    escape_text = conditional_escape if wrap is _bdi else str
    n_people = data.get("n_participants", 0)
    if data.get("status") in (None, "no_votes") or not n_people:
        return [escape_text(_("Nobody has voted yet. The map appears once people start voting."))]
    lines = [
        escape_text(
            ngettext(
                "%(people)d person has taken part, casting %(votes)d votes.",
                "%(people)d people have taken part, casting %(votes)d votes.",
                n_people,
            )
            % {"people": n_people, "votes": data.get("n_votes", 0)}
        )
    ]
    groups = data.get("groups", [])
    if len(groups) >= 2:
        lines.append(
            escape_text(
                _(
                    "Their votes fall into %(k)d opinion groups: people in the same group voted "
                    "alike on many statements."
                )
                % {"k": len(groups)}
            )
        )
    else:
        lines.append(escape_text(_("So far the votes do not split into distinct opinion groups.")))
    agreed = [
        texts[p["statement"]]
        for p in data.get("consensus", {}).get("agree", [])
        if p["statement"] in texts
    ]
    if agreed:
        lines.append(
            escape_text(_("Most people, across groups, agree that: «%(text)s»."))
            % {"text": wrap(agreed[0])}
        )
    for group in groups if len(groups) >= 2 else []:
        picks = [p for p in group["representative"] if p["statement"] in texts]
        if not picks:
            continue
        pick = picks[0]
        template = (
            _(
                "%(group)s (%(size)d people) stands out: %(percent)d%% of them agree that «%(text)s»."
            )
            if pick["direction"] == "agree"
            else _(
                "%(group)s (%(size)d people) stands out: %(percent)d%% of them disagree that "
                "«%(text)s»."
            )
        )
        lines.append(
            escape_text(template)
            % {
                "group": escape_text(group_name(group["id"])),
                "size": group["size"],
                "percent": pick["percent"],
                "text": wrap(texts[pick["statement"]]),
            }
        )
    return lines


def breakdown_rows(
    breakdowns: list[GroupBreakdown],
) -> list[tuple[str, int | None, list[tuple[str, list[tuple[str, int | None]]]]]]:
    """Each group's name, size and cells, with category codes (f, 18-24, unknown) as words."""
    names = {
        "sex": (_("Sex"), dict(Sex.choices)),
        "age_band": (_("Age"), dict(AgeBand.choices)),
        "area": (_("Area"), {}),
    }
    rows = []
    for breakdown in breakdowns:
        attributes = []
        for attribute, cells in breakdown.attributes.items():
            title, labels = names.get(attribute, (attribute, {}))
            attributes.append(
                (
                    str(title),
                    [
                        (
                            str(_("not said"))
                            if c.category == "unknown"
                            else str(labels.get(c.category, c.category)),
                            c.count,
                        )
                        for c in cells
                    ],
                )
            )
        rows.append((group_name(breakdown.group), breakdown.size, attributes))
    return rows
