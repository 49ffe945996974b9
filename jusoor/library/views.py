"""The public library (browse, search, a page per resource, downloads) and the workspace side."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from jusoor.accounts.access import get_organisation_for_user, organisations_of, role_in
from jusoor.accounts.roles import Can, capabilities
from jusoor.core import audit
from jusoor.library import services
from jusoor.library.access import get_resource_for_user, resource_capabilities, visible_resources
from jusoor.library.forms import ResourceForm, SearchForm, VersionForm
from jusoor.library.models import Resource, TextStatus
from jusoor.library.search import search

PER_PAGE = 20


def index(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    text = request.GET.get("q", "")[:300]
    page = (form.cleaned_data.get("page") or 1) if request.GET else 1
    results = search(request.user, text, filters, page=page, per_page=PER_PAGE)
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "library/index.html",
        {
            "form": form,
            "results": results,
            "filters": filters,
            "page": page,
            "has_next": page * PER_PAGE < results.total,
            "query_string": query_string.urlencode(),
            "facets": _facet_links(request, results.facets, filters),
        },
    )


FACET_TITLES = {
    "kind": _lazy("Kind"),
    "language": _lazy("Language"),
    "audience": _lazy("Audience"),
    "theme": _lazy("Theme"),
    "year": _lazy("Year"),
}


def _facet_links(
    request: HttpRequest, facets: dict[str, list[tuple[str, str, int]]], filters: dict[str, str]
) -> list[dict[str, object]]:
    """Each facet's values as links that set (or, when already set, clear) that filter."""
    out = []
    for name, values in facets.items():
        links = []
        for value, label, count in values:
            params = request.GET.copy()
            params.pop("page", None)
            active = filters.get(name) == value
            if active:
                params.pop(name, None)
            else:
                params[name] = value
            links.append(
                {"label": label, "count": count, "url": "?" + params.urlencode(), "active": active}
            )
        if links:
            out.append({"name": name, "title": FACET_TITLES[name], "links": links})
    return out


def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_resource_for_user(request, pk)
    can_manage = request.user.is_authenticated and Can.MANAGE_LIBRARY in resource_capabilities(
        request.user, resource
    )
    return render(
        request,
        "library/resource_detail.html",
        {
            "resource": resource,
            "versions": resource.versions.all(),
            "current": resource.current_version,
            "can_manage": can_manage,
            "no_text": TextStatus.NO_TEXT,
        },
    )


def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The current file (or ``?v=`` an earlier version), or the linked address; counted."""
    resource = get_resource_for_user(request, pk)
    versions = resource.versions.all()
    number = request.GET.get("v", "")
    version = (
        get_object_or_404(versions, number=int(number)) if number.isdigit() else versions.first()
    )
    if version is None:
        # Only web addresses: a stored ``javascript:`` or ``data:`` link is never followed.
        if urlsplit(resource.link).scheme not in ("http", "https"):
            raise Http404
        services.record_download(resource, None)
        return redirect(resource.link)
    try:
        handle = version.file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    services.record_download(resource, version)
    return FileResponse(handle, as_attachment=True, filename=version.filename)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    organisations = [
        org
        for org in organisations_of(request.user)
        if Can.MANAGE_LIBRARY in capabilities(role_in(request.user, org))
    ]
    resources = (
        visible_resources(request.user)
        .filter(owner__memberships__user=request.user)
        .select_related("owner", "project")
        .order_by("-updated_at")[:200]
    )
    return render(
        request,
        "library/manage.html",
        {"resources": resources, "organisations": organisations},
    )


def _too_large(request: HttpRequest) -> bool:
    """A request body far over the upload limit is refused before Django reads it."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return request.method == "POST" and length > services.max_upload_bytes() + 1024 * 1024


def _too_large_message() -> str:
    return _("The file is larger than the library accepts (up to %(limit)d MB).") % {
        "limit": settings.LIBRARY_MAX_UPLOAD_MB
    }


@login_required
def resource_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug, Can.MANAGE_LIBRARY)
    if _too_large(request):
        return render(
            request,
            "library/form.html",
            {
                "form": ResourceForm(instance=Resource(owner=organisation)),
                "title": _("New library resource"),
                "upload_error": _too_large_message(),
            },
            status=413,
        )
    form = ResourceForm(
        request.POST or None, request.FILES or None, instance=Resource(owner=organisation)
    )
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.create_resource(
                request.user, form.save(commit=False), form.cleaned_data.get("file"), request
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            _say_what_was_read(request, resource)
            return redirect("library:resource", pk=resource.pk)
    return render(
        request,
        "library/form.html",
        {"form": form, "title": _("New library resource"), "organisation": organisation},
    )


@login_required
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_resource_for_user(request, pk, Can.MANAGE_LIBRARY)
    before = audit.snapshot(resource, services.AUDITED_FIELDS)
    form = ResourceForm(request.POST or None, instance=resource, with_file=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_resource(request.user, form.save(commit=False), before, request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Resource saved."))
            return redirect("library:resource", pk=resource.pk)
    return render(
        request,
        "library/form.html",
        {"form": form, "title": _("Edit library resource"), "resource": resource},
    )


@login_required
def version_add(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_resource_for_user(request, pk, Can.MANAGE_LIBRARY)
    if _too_large(request):
        return render(
            request,
            "library/form.html",
            {
                "form": VersionForm(),
                "title": _("Upload a new version"),
                "resource": resource,
                "upload_error": _too_large_message(),
            },
            status=413,
        )
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_version(request.user, resource, form.cleaned_data["file"], request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            _say_what_was_read(request, resource)
            return redirect("library:resource", pk=resource.pk)
    return render(
        request,
        "library/form.html",
        {"form": form, "title": _("Upload a new version"), "resource": resource},
    )


@login_required
@require_POST
def resource_delete(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_resource_for_user(request, pk, Can.MANAGE_LIBRARY)
    services.delete_resource(request.user, resource, request)
    messages.success(request, _("Resource removed from the library."))
    return redirect("library:manage")


def _say_what_was_read(request: HttpRequest, resource: Resource) -> None:
    version = resource.current_version
    if version is not None and version.text_status == TextStatus.NO_TEXT:
        messages.warning(
            request,
            _(
                "Saved. “%(name)s” has no text layer (a scan?), so only its title, summary and "
                "other details can be searched."
            )
            % {"name": version.filename},
        )
    else:
        messages.success(request, _("Saved in the library."))
