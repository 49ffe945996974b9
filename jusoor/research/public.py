"""What the public project page may show of the research: published findings only, from their
snapshots (small cells already hidden, quotes anonymised)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

from jusoor.programmes.models import Project
from jusoor.research.models import Finding, FindingStatus
from jusoor.research.report import evidence_blocks


def published_findings(project: Project, language: str | None = None) -> list[dict[str, Any]]:
    """Each published finding as plain data: statement, framework entries, synthetic flag and
    its evidence as blocks (``kind`` heading/paragraph/table/chart/quote/note, with text,
    headers, rows; a chart also carries its bars)."""
    language = (language or get_language() or "ar")[:2]
    out = []
    findings = (
        Finding.objects.filter(project=project, status=FindingStatus.PUBLISHED)
        .prefetch_related("evidence", "nodes")
        .order_by("order", "pk")
    )
    for finding in findings:
        blocks = []
        for item in finding.evidence.all():
            for block in evidence_blocks(item.kind, item.snapshot, language):
                entry: dict[str, Any] = {
                    "kind": block.kind,
                    "text": block.text,
                    "headers": block.headers,
                    "rows": block.rows,
                    "source": block.source,
                }
                if block.chart is not None:
                    entry["bars"] = [bar.__dict__ for bar in block.chart.bars]
                blocks.append(entry)
        out.append(
            {
                "id": finding.pk,
                "statement": finding.in_language("statement", language),
                "statement_ar": finding.statement_ar,
                "statement_en": finding.statement_en,
                "synthetic": finding.synthetic,
                "published_at": finding.published_at,
                "nodes": [
                    {"code": n.code, "title": n.in_language("title", language)}
                    for n in finding.nodes.all()
                ],
                "evidence": blocks,
            }
        )
    return out
