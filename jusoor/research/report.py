"""The research report of a project, built once from its published findings and its data, then
shown as a page (``templates/research/report.html``) or written as DOCX and PDF (``files.py``).

Only published findings appear; their evidence is shown from its snapshot, whose small cells are
already hidden. Quotes are anonymised and attributed to the kind of source only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import get_language_bidi, override
from django.utils.translation import gettext as _

from jusoor.programmes.models import Project
from jusoor.research import charts, survey_data
from jusoor.research.evidence import quote_of, respondent_labels
from jusoor.research.models import (
    Category,
    Coding,
    EvidenceKind,
    Finding,
    FindingStatus,
    ResearchReport,
    Segment,
)
from jusoor.surveys.analysis import AnalysisError
from jusoor.surveys.models import Form


@dataclass
class Block:
    kind: str  # heading | paragraph | table | chart | quote | note
    text: str = ""
    level: int = 2
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    chart: charts.Chart | None = None
    source: str = ""

    _png: bytes | None = None

    def png(self, rtl: bool) -> bytes:
        if self._png is None and self.chart is not None:
            self._png = charts.render_png(self.chart, rtl)
        return self._png or b""


@dataclass
class ReportData:
    language: str
    rtl: bool
    title: str
    subtitle: str
    facts: list[tuple[str, str]]
    blocks: list[Block]
    synthetic: bool
    findings: int
    labels: dict[str, str]


def _pick(value: dict[str, str] | None, language: str) -> str:
    if not value:
        return ""
    return value.get(language) or value.get("ar") or value.get("en") or ""


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def _hidden() -> str:
    return _("hidden (fewer than %(n)s people)") % {"n": settings.SMALL_CELL_THRESHOLD}


def estimate_blocks(snapshot: dict[str, Any], language: str) -> list[Block]:
    """A chart of the share with its interval per group, and the same figures as a table."""
    question = _pick(snapshot.get("question"), language)
    category = _pick(snapshot.get("category"), language)
    title = _("“%(answer)s” — %(question)s") % {"answer": category, "question": question}
    rows: list[dict[str, Any]] = []
    if snapshot.get("overall"):
        rows.append({**snapshot["overall"], "label": {"ar": "", "en": ""}, "overall": True})
    rows += snapshot.get("rows", [])
    bars, table = [], []
    for row in rows:
        label = _("All respondents") if row.get("overall") else _pick(row.get("label"), language)
        hidden = row.get("suppressed") or row.get("estimate") is None
        bars.append(
            charts.Bar(
                label=label,
                value=None if hidden else row["estimate"],
                low=None if hidden else row.get("ci_low"),
                high=None if hidden else row.get("ci_high"),
                n=row.get("n"),
                emphasis=bool(row.get("overall")),
            )
        )
        interval = (
            "—"
            if hidden or row.get("ci_low") is None
            else f"{row['ci_low']:g}% – {row['ci_high']:g}%"
        )
        table.append(
            [
                label,
                _hidden() if hidden else _percent(row["estimate"]),
                interval,
                "—" if hidden or row.get("n") is None else str(row["n"]),
            ]
        )
    chart = charts.Chart(title=title, bars=bars, hidden_note=_("hidden"))
    return [
        Block("chart", text=title, chart=chart),
        Block(
            "table",
            headers=[_("Group"), _("Share"), _("Interval (95%)"), _("Respondents (n)")],
            rows=table,
        ),
    ]


def crosstab_blocks(snapshot: dict[str, Any], language: str) -> list[Block]:
    columns = [_pick(c, language) for c in snapshot.get("columns", [])]
    rows = []
    for row in snapshot.get("rows", []):
        cells = [
            _hidden() if cell.get("suppressed") else _percent(cell.get("percent"))
            for cell in row.get("cells", [])
        ]
        rows.append([_pick(row.get("label"), language), *cells, str(row.get("n", ""))])
    test = snapshot.get("test", {})
    title = _("%(rows)s by %(cols)s (row percentages)") % {
        "rows": _pick(snapshot.get("col_question"), language),
        "cols": _pick(snapshot.get("row_question"), language),
    }
    return [
        Block("paragraph", text=title),
        Block("table", headers=["", *columns, _("Respondents (n)")], rows=rows),
        Block(
            "note",
            text=_(
                "Rao–Scott test of independence: F = %(f)s on %(ndf)s and %(ddf)s degrees of "
                "freedom, p = %(p)s."
            )
            % {
                "f": test.get("f"),
                "ndf": test.get("ndf"),
                "ddf": test.get("ddf"),
                "p": test.get("p_value"),
            },
        ),
    ]


def quote_blocks(snapshot: dict[str, Any], language: str) -> list[Block]:
    codes = "، ".join if language == "ar" else ", ".join
    blocks = [
        Block(
            "note",
            text=_("Coded “%(codes)s” in %(segments)s passages from %(sources)s sources.")
            % {
                "codes": codes([_pick(c, language) for c in snapshot.get("codes", [])]),
                "segments": snapshot.get("segments", 0),
                "sources": snapshot.get("sources", 0),
            },
        )
    ]
    for quote in snapshot.get("quotes", []):
        blocks.append(
            Block("quote", text=quote.get("text", ""), source=_pick(quote.get("source"), language))
        )
    return blocks


def evidence_blocks(kind: str, snapshot: dict[str, Any], language: str) -> list[Block]:
    if kind == EvidenceKind.ESTIMATE:
        return estimate_blocks(snapshot, language)
    if kind == EvidenceKind.CROSSTAB:
        return crosstab_blocks(snapshot, language)
    return quote_blocks(snapshot, language)


def _methods(project: Project, language: str) -> list[Block]:
    blocks = [Block("heading", text=_("Methods"), level=1)]
    threshold = settings.SMALL_CELL_THRESHOLD
    for form in Form.objects.filter(project=project, is_key_informant_guide=False):
        try:
            facts = survey_data.methods(form)
        except AnalysisError as exc:
            # Too few answers for a design (one respondent, one cluster...): say so in the
            # report rather than fail it.
            blocks.append(
                Block(
                    "paragraph",
                    text=_("The survey “%(form)s” cannot be summarised yet: %(reason)s")
                    % {"form": form.title, "reason": exc.message},
                )
            )
            continue
        if not facts["n"]:
            continue
        text = _("The survey “%(form)s” was answered by %(n)s people in %(areas)s areas") % {
            "form": form.title,
            "n": facts["n"],
            "areas": facts["areas"],
        }
        if facts["collected"]:
            start, end = (dt.date.fromisoformat(d) for d in facts["collected"])
            text += " " + _("between %(start)s and %(end)s") % {
                "start": date_format(start),
                "end": date_format(end),
            }
        text += "."
        women = facts["women"]
        if women:
            text += " " + _("%(women)s of the respondents were women.") % {"women": women}
        blocks.append(Block("paragraph", text=text))
        if facts["weighted"]:
            weighting = _(
                "Answers are weighted to the population of the areas by sex and age band "
                "(raking to the population figures entered for the project, %(population)s "
                "people), so that each group counts as much as it weighs in the population."
            ) % {"population": f"{facts['population'] or 0:,}"}
        else:
            weighting = _(
                "Answers are not weighted: there are no population figures for the areas, so "
                "the figures describe the people who answered."
            )
        blocks.append(Block("paragraph", text=weighting))
        blocks.append(
            Block(
                "paragraph",
                text=_(
                    "Shares are given with 95%% confidence intervals computed for the design "
                    "(areas as strata, Taylor linearisation, logit intervals). For the whole "
                    "sample the margin of error of a share near 50%% is about ±%(moe)s "
                    "percentage points; for an area or a group it is wider, as the intervals "
                    "show."
                )
                % {"moe": facts["margin_of_error"]},
            )
        )
    kii = Form.objects.filter(project=project, is_key_informant_guide=True)
    interviews = sum(
        f.submissions.filter(is_current=True).exclude(status="rejected").count() for f in kii
    )
    segments = Segment.objects.filter(project=project)
    coded = segments.filter(codings__isnull=False).distinct().count()
    kinds = Counter(segments.values_list("kind", flat=True))
    codebook = getattr(project, "codebook", None)
    blocks.append(
        Block(
            "paragraph",
            text=_(
                "Qualitative material: %(interviews)s key-informant interviews, the minutes and "
                "takeaways of the project's meetings and panels. %(coded)s passages were coded "
                "with a codebook of %(codes)s codes in four categories: causes, challenges, "
                "solutions and needs (%(answers)s passages from interviews and open answers, "
                "%(meetings)s from meetings)."
            )
            % {
                "interviews": interviews,
                "coded": coded,
                "codes": codebook.codes.count() if codebook else 0,
                "answers": kinds.get("answer", 0),
                "meetings": kinds.get("minutes", 0) + kinds.get("takeaway", 0),
            },
        )
    )
    blocks.append(Block("heading", text=_("Ethics and anonymity"), level=2))
    blocks.append(
        Block(
            "paragraph",
            text=_(
                "Everyone who answered agreed to take part. Names and telephone numbers are kept "
                "encrypted and appear nowhere in this report. Quotes are anonymised (names and "
                "numbers removed) and attributed only to the kind of source, never to a role or "
                "a place. Figures describing fewer than %(n)s people are hidden, and so are the "
                "figures from which they could be worked out."
            )
            % {"n": threshold},
        )
    )
    return blocks


def _themes(project: Project, language: str) -> list[Block]:
    codings = list(
        Coding.objects.filter(segment__project=project).select_related("code", "segment")
    )
    if not codings:
        return []
    blocks = [Block("heading", text=_("Qualitative themes"), level=1)]
    by_code: dict[int, list[Segment]] = {}
    codes = {}
    for coding in codings:
        by_code.setdefault(coding.code_id, []).append(coding.segment)
        codes[coding.code_id] = coding.code
    for category in Category:
        ranked = sorted(
            (c for c in codes.values() if c.category == category),
            key=lambda c: (-len(by_code[c.pk]), c.order),
        )
        if not ranked:
            continue
        blocks.append(Block("heading", text=str(category.label), level=2))
        rows = [
            [
                c.in_language("name", language),
                str(len(by_code[c.pk])),
                str(len({s.source_key for s in by_code[c.pk]})),
            ]
            for c in ranked
        ]
        blocks.append(Block("table", headers=[_("Code"), _("Passages"), _("Sources")], rows=rows))
        quoted: set[str] = set()
        for code in ranked:
            if len(quoted) >= 2:
                break
            for segment in by_code[code.pk]:
                text = quote_of(project, segment)[0]
                if text not in quoted:
                    quoted.add(text)
                    blocks.append(
                        Block(
                            "quote",
                            text=text,
                            source=_pick(respondent_labels(segment.respondent_type), language),
                        )
                    )
                    break
    return blocks


def _limitations(report: ResearchReport | None, synthetic: bool, language: str) -> list[Block]:
    items = []
    if synthetic:
        items.append(
            _(
                "The data in this report are synthetic, generated for a demonstration; they "
                "describe no real person or place."
            )
        )
    items += [
        _(
            "Survey answers are what people said; on a sensitive subject some may have answered "
            "as they thought they should."
        ),
        _(
            "Key informants were chosen for what they know, not at random: their views are not "
            "a measure of how common a view is."
        ),
        _(
            "Coding is a judgement: codes suggested by the computer were counted only once a "
            "person accepted them."
        ),
        _(
            "Figures for small groups have wide intervals, and some are hidden to protect the "
            "people in them."
        ),
    ]
    extra = report.in_language("limitations", language) if report else ""
    blocks = [Block("heading", text=_("Limitations"), level=1)]
    blocks += [Block("paragraph", text=text) for text in items]
    blocks += [Block("paragraph", text=line) for line in extra.splitlines() if line.strip()]
    return blocks


def build_report(project: Project, language: str) -> ReportData:
    with override(language):
        return _build(project, language)


def _build(project: Project, language: str) -> ReportData:
    report = ResearchReport.objects.filter(project=project).select_related("presented_at").first()
    findings = list(
        Finding.objects.filter(project=project, status=FindingStatus.PUBLISHED)
        .prefetch_related("evidence", "nodes")
        .order_by("order", "pk")
    )
    synthetic = (
        any(f.synthetic for f in findings)
        or Form.objects.filter(project=project, submissions__synthetic=True).exists()
    )
    title = (
        report.in_language("title", language)
        if report
        else _("Research report: %(project)s") % {"project": project.in_language("title", language)}
    )
    facts = [
        (_("Project"), project.in_language("title", language)),
        (_("Organisation"), project.owner.in_language("name", language)),
    ]
    if report and report.presented_at:
        event = report.presented_at
        facts.append(
            (
                _("Presented at"),
                f"{event.in_language('title', language)} — {date_format(event.start_date)}",
            )
        )
    blocks: list[Block] = []
    if synthetic:
        blocks.append(
            Block("note", text=_("Synthetic demonstration data: no real person is described."))
        )
    intro = report.in_language("introduction", language) if report else ""
    if intro:
        blocks.append(Block("heading", text=_("Introduction"), level=1))
        blocks += [Block("paragraph", text=line) for line in intro.splitlines() if line.strip()]
    blocks += _methods(project, language)
    blocks.append(Block("heading", text=_("Key findings"), level=1))
    if not findings:
        blocks.append(Block("paragraph", text=_("No finding has been published yet.")))
    for number, finding in enumerate(findings, start=1):
        blocks.append(
            Block(
                "heading",
                text=f"{number}. {finding.in_language('statement', language)}",
                level=2,
            )
        )
        nodes = [f"{n.code} {n.in_language('title', language)}" for n in finding.nodes.all()]
        if nodes:
            blocks.append(
                Block(
                    "note",
                    text=_("Results framework: %(nodes)s")
                    % {"nodes": "؛ ".join(nodes) if language == "ar" else "; ".join(nodes)},
                )
            )
        for item in finding.evidence.all():
            blocks += evidence_blocks(item.kind, item.snapshot, language)
    blocks += _themes(project, language)
    blocks += _limitations(report, synthetic, language)
    return ReportData(
        language=language,
        rtl=get_language_bidi(),
        title=title,
        subtitle=project.in_language("title", language),
        facts=facts,
        blocks=blocks,
        synthetic=synthetic,
        findings=len(findings),
        labels={
            "generated": _("Generated by Jusoor from the project's data."),
            "small_cells": _("Figures describing fewer than %(n)s people are hidden.")
            % {"n": settings.SMALL_CELL_THRESHOLD},
        },
    )
