"""Publishing a donor report to the library.

The PDF is rendered by the same code as the download (``donor.files``), so small cells are
suppressed exactly as there. The library's own services store it, so that its text is extracted,
it is indexed for search and the library audits it; a ``PublishedReport`` remembers which period
and language a resource came from, and publishing them again adds a version to the same resource.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jusoor.accounts.roles import Can
from jusoor.core import audit
from jusoor.library import services as library
from jusoor.library.models import Audience, Kind, Resource, Theme, Visibility, join_tags
from jusoor.programmes.access import project_capabilities
from jusoor.programmes.models import PeriodStatus, ReportingPeriod
from jusoor.reports.donor.files import render_donor_file
from jusoor.reports.models import PublishedReport, ReportLanguage

PUBLISHABLE_STATUSES = frozenset({PeriodStatus.APPROVED, PeriodStatus.LOCKED})
DEFAULT_AUDIENCE = [Audience.OFFICIALS]
DEFAULT_THEMES = [Theme.PREVENTION, Theme.RESEARCH_METHODS]


def can_publish(period: ReportingPeriod) -> bool:
    return period.status in PUBLISHABLE_STATUSES


def _metadata(period: ReportingPeriod) -> dict[str, str]:
    """Arabic and English title and summary, from the project and the period.

    These are the resource's content in both languages (like a project's own titles), not
    interface text, so they are written here in each language rather than translated.
    """
    project = period.project
    title_ar = project.title_ar or project.title_en
    title_en = project.title_en or project.title_ar
    start, end = period.start_date.isoformat(), period.end_date.isoformat()
    return {
        "title_ar": f"تقرير التقدم للجهات المانحة: {title_ar} ({period.label})"[:300],
        "title_en": f"Donor progress report: {title_en} ({period.label})"[:300],
        "summary_ar": (
            f"تقرير التقدم المقدَّم للجهات المانحة عن مشروع «{title_ar}» "
            f"لفترة التقرير {period.label} (من {start} إلى {end}): الأطر والمؤشرات والأرقام "
            "المحققة مقارنةً بالأهداف. الأعداد الصغيرة محجوبة حمايةً للمشاركين."
        ),
        "summary_en": (
            f"The donor progress report of the project “{title_en}” for the reporting period "
            f"{period.label} ({start} to {end}): results framework, indicators and figures "
            "reached against their targets. Small counts are suppressed to protect participants."
        ),
    }


def _check(actor: Any, period: ReportingPeriod, language: str, visibility: str) -> None:
    if language not in ReportLanguage.values:
        raise ValidationError({"language": _("Choose Arabic or English.")})
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose who may see the report in the library.")})
    if not can_publish(period):
        raise ValidationError(
            _(
                "Only an approved or locked reporting period can be published to the library; "
                "“%(period)s” is %(status)s."
            )
            % {"period": period.label, "status": period.get_status_display().lower()}
        )
    allowed = project_capabilities(actor, period.project)
    if visibility == Visibility.PUBLIC and Can.APPROVE_PERIODS not in allowed:
        raise ValidationError(
            {
                "visibility": _(
                    "Only someone who may approve reporting periods may publish a report "
                    "for everyone."
                )
            }
        )


def publish_donor_report(
    actor: Any,
    period: ReportingPeriod,
    language: str,
    visibility: str = Visibility.ORGANISATION,
    request: HttpRequest | None = None,
) -> Resource:
    """Put the donor report PDF of ``period`` in ``language`` into the library and return the
    library resource: a new one the first time, a new version of the same one afterwards."""
    with transaction.atomic():
        period = (
            ReportingPeriod.objects.select_for_update().select_related("project").get(pk=period.pk)
        )
        _check(actor, period, language, visibility)
        data, content, content_type, filename = render_donor_file(period, language, "pdf")
        upload = SimpleUploadedFile(filename, content, content_type=content_type)
        published = (
            PublishedReport.objects.select_related("resource")
            .filter(period=period, language=language)
            .first()
        )
        if published is None:
            resource = Resource(
                owner=period.project.owner,
                project=period.project,
                kind=Kind.REPORT,
                language=language,
                audience=join_tags(list(DEFAULT_AUDIENCE)),
                themes=join_tags(list(DEFAULT_THEMES)),
                visibility=visibility,
                published_on=timezone.localdate(),
                **_metadata(period),
            )
            library.create_resource(actor, resource, upload, request=request)
            published = PublishedReport.objects.create(
                period=period, language=language, resource=resource, published_by=_user(actor)
            )
            version_number = 1
        else:
            resource = published.resource
            before = audit.snapshot(resource, library.AUDITED_FIELDS)
            for name, value in _metadata(period).items():
                setattr(resource, name, value)
            resource.visibility = visibility
            resource.published_on = timezone.localdate()
            library.update_resource(actor, resource, before, request=request)
            version_number = library.add_version(actor, resource, upload, request=request).number
            published.published_by = _user(actor)
            published.save(update_fields=["published_by", "updated_at"])
        audit.record(
            actor,
            "donor_report.published",
            period,
            request=request,
            organisation=period.project.owner,
            period=period.label,
            language=language,
            visibility=visibility,
            resource=resource.pk,
            library_version=version_number,
            report_version=data.version_number,
        )
    return resource


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
