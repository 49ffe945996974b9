"""Workspace pages for projects and their results frameworks, and the public project page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jusoor.accounts.access import get_organisation_for_user, organisations_of, role_in
from jusoor.accounts.roles import Can, capabilities
from jusoor.core.forms import add_service_errors
from jusoor.geo.models import AdminUnit, Level, TargetArea
from jusoor.programmes import services
from jusoor.programmes.access import (
    get_indicator_for_user,
    get_node_for_user,
    get_period_for_user,
    get_programme_for_user,
    get_project_for_user,
    projects_for_user,
    require,
)
from jusoor.programmes.computations import REGISTRY, ComputationError
from jusoor.programmes.forms import (
    FigureForm,
    IndicatorForm,
    NodeForm,
    ParticipantForm,
    PeriodForm,
    PeriodStatusForm,
    PopulationForm,
    ProgrammeForm,
    ProjectForm,
    TargetAreaForm,
)
from jusoor.programmes.labels import category_labeller, note_text
from jusoor.programmes.models import (
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Programme,
    Project,
    ProjectOrganisation,
    ReportingPeriod,
    ResultNode,
)
from jusoor.programmes.public import public_project_context


def home(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.filter(is_public=True).select_related("owner")
    return render(request, "programmes/home.html", {"projects": projects})


def public_project(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(Project, slug=slug, is_public=True)
    services.recompute_stale(project)
    return render(request, "programmes/public_project.html", public_project_context(project))


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    projects = projects_for_user(request.user).select_related("owner", "programme")
    return render(
        request,
        "programmes/workspace.html",
        {
            "organisations": organisations_of(request.user),
            "projects": projects,
        },
    )


def _framework(project: Project) -> list[ResultNode]:
    nodes = list(
        project.nodes.order_by("code").prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("order", "id"))
        )
    )
    for node in nodes:
        node.depth = node.code.count(".")
    return sorted(nodes, key=lambda n: [int(p) for p in n.code.split(".") if p.isdigit()])


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk)
    services.recompute_stale(project)
    return render(
        request,
        "programmes/project_detail.html",
        {
            "project": project,
            "can": request.project_capabilities,
            "framework": _framework(project),
            "participants": project.participants.select_related("organisation"),
            "areas": project.target_areas.select_related("unit__parent__parent").prefetch_related(
                "population"
            ),
            "periods": project.periods.select_related("submitted_by", "approved_by", "locked_by"),
            "status_form": PeriodStatusForm(),
        },
    )


@login_required
def project_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug, Can.EDIT_PROJECT)
    form = ProjectForm(request.POST or None, instance=Project(owner=organisation))
    if request.method == "POST" and form.is_valid():
        project = form.save(commit=False)
        try:
            services.save_project(request.user, project, form.cleaned_data["governorates"], request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Project created."))
            return redirect("programmes:project", pk=project.pk)
    return render(
        request,
        "programmes/form.html",
        {
            "form": form,
            "title": _("New project"),
            "back": "programmes:workspace",
        },
    )


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk, Can.EDIT_PROJECT)
    form = ProjectForm(
        request.POST or None, instance=project, initial={"governorates": project.governorates.all()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_project(
                request.user, form.save(commit=False), form.cleaned_data["governorates"], request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Project saved."))
            return redirect("programmes:project", pk=project.pk)
    return render(
        request,
        "programmes/form.html",
        {
            "form": form,
            "title": _("Edit project"),
            "project": project,
        },
    )


@login_required
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk, Can.EDIT_PROJECT)
    form = ParticipantForm(request.POST or None, instance=ProjectOrganisation(project=project))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_participant(request.user, form.save(commit=False), request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Organisation added to the project."))
            return redirect("programmes:project", pk=project.pk)
    return render(
        request,
        "programmes/form.html",
        {
            "form": form,
            "title": _("Add a participating organisation"),
            "project": project,
        },
    )


@login_required
@require_POST
def participant_remove(request: HttpRequest, pk: int) -> HttpResponse:
    participation = get_object_or_404(ProjectOrganisation, pk=pk)
    project = get_project_for_user(request, participation.project_id, Can.EDIT_PROJECT)
    services.remove_participant(request.user, participation, request)
    messages.success(request, _("Organisation removed from the project."))
    return redirect("programmes:project", pk=project.pk)


def _node_form_page(
    request: HttpRequest, project: Project, node: ResultNode, title: str
) -> HttpResponse:
    form = NodeForm(request.POST or None, instance=node, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_node(request.user, form.save(commit=False), request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Results framework saved."))
            return redirect("programmes:project", pk=project.pk)
    return render(
        request, "programmes/form.html", {"form": form, "title": title, "project": project}
    )


@login_required
def node_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk, Can.EDIT_PROJECT)
    return _node_form_page(request, project, ResultNode(project=project), _("New framework entry"))


@login_required
def node_edit(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request, pk, Can.EDIT_PROJECT)
    return _node_form_page(request, node.project, node, _("Edit framework entry"))


@login_required
@require_POST
def node_delete(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request, pk, Can.EDIT_PROJECT)
    project_pk = node.project_id
    services.delete_node(request.user, node, request)
    messages.success(request, _("Framework entry deleted, with what was under it."))
    return redirect("programmes:project", pk=project_pk)


def _indicator_form_page(
    request: HttpRequest, project: Project, indicator: Indicator, title: str
) -> HttpResponse:
    form = IndicatorForm(request.POST or None, instance=indicator, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_indicator(request.user, form.save(commit=False), request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Indicator saved."))
            return redirect("programmes:indicator", pk=saved.pk)
    return render(
        request, "programmes/form.html", {"form": form, "title": title, "project": project}
    )


@login_required
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk, Can.EDIT_INDICATORS)
    node = project.nodes.filter(pk=request.GET.get("node") or 0).first()
    return _indicator_form_page(
        request, project, Indicator(node=node) if node else Indicator(), _("New indicator")
    )


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_indicator_for_user(request, pk, Can.EDIT_INDICATORS)
    return _indicator_form_page(request, indicator.node.project, indicator, _("Edit indicator"))


def _labelled(values) -> list[IndicatorValue]:  # type: ignore[no-untyped-def]
    label = category_labeller()
    rows = list(values)
    for row in rows:
        row.category_label = label(row.dimension, row.category) if row.dimension else ""
        row.note_text = note_text(row.note) if row.computed else row.note
    return rows


@login_required
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_indicator_for_user(request, pk)
    can = request.project_capabilities
    if indicator.is_computed and indicator.stale:
        services.recompute_indicator(indicator)
    form = FigureForm(request.POST or None, request.FILES or None, indicator=indicator)
    if request.method == "POST":
        require(request, Can.EDIT_INDICATORS)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["kind"] == "target":
                    services.set_target(
                        request.user, indicator, data["period"], data["value"], request
                    )
                else:
                    services.set_actual(
                        request.user,
                        indicator,
                        data["period"],
                        data["value"],
                        data["dimension"],
                        data["category"].strip(),
                        data["note"],
                        request,
                        evidence=data.get("evidence"),
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Figure saved."))
                return redirect("programmes:indicator", pk=indicator.pk)
    return render(
        request,
        "programmes/indicator_detail.html",
        {
            "indicator": indicator,
            "project": indicator.node.project,
            "can": can,
            "targets": IndicatorTarget.objects.filter(indicator=indicator).select_related("period"),
            "values": _labelled(
                IndicatorValue.objects.filter(indicator=indicator).select_related(
                    "period", "entered_by"
                )
            ),
            "form": form,
            "computation": REGISTRY.get(indicator.computation),
            "periods": indicator.node.project.periods.all(),
        },
    )


@login_required
@require_POST
def indicator_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_indicator_for_user(request, pk, Can.EDIT_INDICATORS)
    if services.recompute_indicator(indicator, request.user):
        messages.success(request, _("Indicator recomputed from the data."))
    else:
        messages.error(request, indicator.computation_error)
    return redirect("programmes:indicator", pk=indicator.pk)


@login_required
def indicator_records(request: HttpRequest, pk: int, period: int) -> HttpResponse:
    """Means of verification: the records a computed figure counts (pseudonymous codes only),
    or the evidence files of hand-entered figures."""
    indicator = get_indicator_for_user(request, pk)
    period_obj = get_object_or_404(ReportingPeriod, pk=period, project_id=indicator.node.project_id)
    records, error = [], ""
    computation = REGISTRY.get(indicator.computation)
    if indicator.is_computed:
        try:
            if computation is None:
                raise ComputationError(indicator.computation_error or indicator.computation)
            records = computation.records(indicator, period_obj, indicator.parameters or {})
        except ComputationError as exc:
            error = str(exc)
    evidence = IndicatorValue.objects.filter(indicator=indicator, period=period_obj).exclude(
        evidence=""
    )
    paginator = Paginator(records, 200)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/indicator_records.html",
        {
            "indicator": indicator,
            "project": indicator.node.project,
            "period": period_obj,
            "computation": computation,
            "page": page,
            "count": len(records),
            "error": error,
            "evidence": evidence,
        },
    )


@login_required
def indicator_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    value = get_object_or_404(IndicatorValue.objects.select_related("indicator"), pk=pk)
    get_indicator_for_user(request, value.indicator_id)
    if not value.evidence:
        raise Http404
    return FileResponse(
        value.evidence.open("rb"),
        as_attachment=True,
        filename=value.evidence.name.rsplit("/", 1)[-1],
    )


@login_required
def period_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk, Can.EDIT_INDICATORS)
    form = PeriodForm(request.POST or None)
    form.instance.project = project
    if request.method == "POST" and form.is_valid():
        services.save_model(request.user, form.save(commit=False), "period", request)
        messages.success(request, _("Reporting period added."))
        return redirect("programmes:project", pk=project.pk)
    return render(
        request,
        "programmes/form.html",
        {
            "form": form,
            "title": _("New reporting period"),
            "project": project,
        },
    )


@login_required
@require_POST
def period_status(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_period_for_user(request, pk, Can.EDIT_INDICATORS)
    form = PeriodStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown status."))
        return redirect("programmes:project", pk=period.project_id)
    status = form.cleaned_data["status"]
    if status in {"approved", "locked"} or period.status in {"approved", "locked"}:
        require(request, Can.APPROVE_PERIODS)
    try:
        services.change_period_status(request.user, period, status, request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Period status changed."))
    return redirect("programmes:project", pk=period.project_id)


@login_required
def target_area_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk, Can.EDIT_PROJECT)
    form = TargetAreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_target_area(request.user, project, form.cleaned_data["unit"], request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Target area added."))
            return redirect("programmes:project", pk=project.pk)
    governorate_codes = [g.pcode for g in project.governorates.all()]
    units = AdminUnit.objects.filter(level__gte=Level.DISTRICT)
    if governorate_codes:
        units = [u for u in units.select_related("parent") if u.pcode[:5] in governorate_codes]
    return render(
        request,
        "programmes/form.html",
        {
            "form": form,
            "title": _("Add a target area"),
            "project": project,
            "units": units,
        },
    )


@login_required
@require_POST
def target_area_remove(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_object_or_404(TargetArea, pk=pk)
    project = get_project_for_user(request, area.project_id, Can.EDIT_PROJECT)
    services.remove_target_area(request.user, area, request)
    messages.success(request, _("Target area removed."))
    return redirect("programmes:project", pk=project.pk)


@login_required
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request, slug)
    projects = projects_for_user(request.user).filter(programme=programme).select_related("owner")
    can_edit = Can.EDIT_PROJECT in capabilities(role_in(request.user, programme.owner_id))
    return render(
        request,
        "programmes/programme_detail.html",
        {"programme": programme, "projects": projects, "can_edit": can_edit},
    )


def _programme_form_page(request: HttpRequest, programme: Programme, title: str) -> HttpResponse:
    form = ProgrammeForm(
        request.POST or None,
        instance=programme,
        initial={"governorates": programme.governorates.all()} if programme.pk else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_programme(
                request.user, form.save(commit=False), form.cleaned_data["governorates"], request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Programme saved."))
            return redirect("programmes:programme", slug=saved.slug)
    return render(request, "programmes/form.html", {"form": form, "title": title})


@login_required
def programme_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug, Can.EDIT_PROJECT)
    return _programme_form_page(request, Programme(owner=organisation), _("New programme"))


@login_required
def programme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request, slug, Can.EDIT_PROJECT)
    return _programme_form_page(request, programme, _("Edit programme"))


@login_required
def area_population(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_object_or_404(TargetArea.objects.select_related("unit", "project"), pk=pk)
    project = get_project_for_user(request, area.project_id, Can.EDIT_PROJECT)
    form = PopulationForm(request.POST or None, area=area)
    if request.method == "POST" and form.is_valid():
        services.set_population(
            request.user, area, form.figures(), form.cleaned_data["source"], request
        )
        messages.success(request, _("Population figures saved."))
        return redirect("programmes:project", pk=project.pk)
    return render(
        request,
        "programmes/population.html",
        {"form": form, "area": area, "project": project},
    )
