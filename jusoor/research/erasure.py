"""Research in erasure (see ``jusoor.core.erasure``): coded passages, findings and the report's
framing copy text from interviews, meetings and answers, so the person's full name or phone is
redacted there too. Passages keep their place in the coding; only the name becomes ``[…]``.
"""

from __future__ import annotations

from jusoor.core.erasure import Subject, redact_fields, register_eraser
from jusoor.research.models import Finding, ResearchReport, Segment


def erase(subject: Subject) -> dict[str, int]:
    org = subject.organisation_id
    return {
        "passages": redact_fields(subject, Segment.objects.filter(project__owner_id=org), ["text"]),
        "findings": redact_fields(
            subject,
            Finding.objects.filter(project__owner_id=org),
            ["statement_ar", "statement_en"],
        ),
        "reports": redact_fields(
            subject,
            ResearchReport.objects.filter(project__owner_id=org),
            ["introduction_ar", "introduction_en", "limitations_ar", "limitations_en"],
        ),
    }


def register() -> None:
    register_eraser("research", erase)
