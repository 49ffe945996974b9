"""Signing in and out, language, organisations and their members, the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jusoor.accounts import services, twofactor
from jusoor.accounts.access import get_organisation_for_user
from jusoor.accounts.forms import CodeForm, LanguageForm, MemberForm, OrganisationForm, RoleForm
from jusoor.accounts.models import Membership, User
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
        user = form.get_user()
        if twofactor.has_device(user):
            # The password was right; the session is opened only after the second factor.
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "next": self.get_success_url(),
                "failures": 0,
            }
            return redirect("accounts:two_factor_verify")
        response = super().form_valid(form)
        # The language a person chose last time follows them to any browser they sign in from.
        _set_language_cookie(response, user.language)
        return response


PENDING = "jusoor_2fa_pending"


def two_factor_verify(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("accounts:login")
    user = get_object_or_404(User, pk=pending["user"])
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(user, form.cleaned_data["code"], request):
            del request.session[PENDING]
            login(request, user, backend=pending["backend"])
            response = redirect(pending["next"] or "programmes:workspace")
            _set_language_cookie(response, user.language)
            return response
        pending["failures"] += 1
        if pending["failures"] >= 5:
            del request.session[PENDING]
            messages.error(request, _("Too many wrong codes. Sign in again."))
            return redirect("accounts:login")
        request.session[PENDING] = pending
        form.add_error("code", _("This code is not right, or it was already used."))
    return render(request, "accounts/two_factor_verify.html", {"form": form})


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    if twofactor.has_device(request.user):
        codes = None
        if request.method == "POST":
            codes = twofactor.new_recovery_codes(request.user)
            audit.record(request.user, "auth.2fa_recovery_renewed", request.user, request=request)
        return render(request, "accounts/two_factor_setup.html", {"enabled": True, "codes": codes})
    device = (
        twofactor.start_setup(request.user) if request.method == "GET" else request.user.two_factor
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_setup(request.user, form.cleaned_data["code"], request)
        if codes is not None:
            request.session["jusoor_2fa_ok"] = True
            return render(
                request,
                "accounts/two_factor_setup.html",
                {"enabled": True, "codes": codes, "just_enabled": True},
            )
        form.add_error(
            "code", _("This code is not right. Check the time on your phone and try again.")
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "enabled": False,
            "form": form,
            "qr": twofactor.qr_data_uri(device),
            "secret": " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4)),
            "required": twofactor.required_for(request.user),
        },
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for an e-mail address and answers the same whether or not an account has it, so the
    page cannot be used to learn who has an account."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        audit.record(form.user, "auth.password_reset", form.user, request=self.request)
        messages.success(self.request, _("Your new password is set: sign in with it."))
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
