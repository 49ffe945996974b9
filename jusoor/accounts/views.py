"""Signing in and out, language, organisations and their members, the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jusoor.accounts import services
from jusoor.accounts.access import get_organisation_for_user
from jusoor.accounts.forms import LanguageForm, MemberForm, OrganisationForm, RoleForm
from jusoor.accounts.models import Membership
from jusoor.accounts.roles import Can, Role, capabilities
from jusoor.core import audit
from jusoor.core.models import AuditEvent


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.PRODUCTION,
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        # The language a person chose last time follows them to any browser they sign in from.
        _set_language_cookie(response, form.get_user().language)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("programmes:workspace")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        audit.record(
            self.request.user, "auth.password_change", self.request.user, request=self.request
        )
        messages.success(self.request, _("Your password was changed."))
        return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if form.is_valid():
        language = form.cleaned_data["language"]
        services.set_language(request.user, language)
        _set_language_cookie(response, language)
    return response


@login_required
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, role = get_organisation_for_user(request, slug)
    can = capabilities(role)
    members = organisation.memberships.select_related("user").order_by("user__username")
    show_phones = Can.MANAGE_MEMBERS in can
    if show_phones:
        audit.record(
            request.user,
            "pii.view",
            organisation,
            request=request,
            what="member phones",
            count=len(members),
        )
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "role": role,
            "role_label": Role(role).label,
            "can": can,
            "members": members,
            "show_phones": show_phones,
            "projects": organisation.projects.all(),
            "role_form": RoleForm(),
        },
    )


@login_required
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug, Can.MANAGE_MEMBERS)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.save_organisation(request.user, form.save(commit=False), request)
        messages.success(request, _("Organisation saved."))
        return redirect("accounts:organisation", slug=organisation.slug)
    return render(
        request,
        "programmes/form.html",
        {
            "form": form,
            "title": _("Edit organisation"),
            "cancel": reverse("accounts:organisation", args=[organisation.slug]),
        },
    )


@login_required
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug, Can.MANAGE_MEMBERS)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_member(
            request.user,
            organisation,
            form.cleaned_data["username"],
            form.cleaned_data["role"],
            request,
        )
        messages.success(request, _("Member added."))
        return redirect("accounts:organisation", slug=organisation.slug)
    return render(
        request,
        "programmes/form.html",
        {
            "form": form,
            "title": _("Add a member"),
            "cancel": reverse("accounts:organisation", args=[organisation.slug]),
        },
    )


@login_required
@require_POST
def membership_role(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("organisation", "user"), pk=pk)
    organisation, _role = get_organisation_for_user(
        request, membership.organisation.slug, Can.MANAGE_MEMBERS
    )
    form = RoleForm(request.POST)
    if form.is_valid():
        if membership.user_id == request.user.pk and form.cleaned_data["role"] != "admin":
            messages.error(request, _("You cannot take away your own administrator role."))
        else:
            services.add_member(
                request.user, organisation, membership.user, form.cleaned_data["role"], request
            )
            messages.success(request, _("Role changed."))
    return redirect("accounts:organisation", slug=organisation.slug)


@login_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _role = get_organisation_for_user(request, slug, Can.VIEW_AUDIT)
    events = AuditEvent.objects.filter(organisation_id=organisation.pk)[:200]
    return render(
        request, "accounts/audit_log.html", {"organisation": organisation, "events": events}
    )
