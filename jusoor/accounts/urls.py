from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import TemplateView

from jusoor.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        TemplateView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("language/", views.set_language, name="set_language"),
    path("workspace/organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path(
        "workspace/organisations/<slug:slug>/edit/",
        views.organisation_edit,
        name="organisation_edit",
    ),
    path("workspace/organisations/<slug:slug>/members/add/", views.member_add, name="member_add"),
    path("workspace/organisations/<slug:slug>/audit/", views.audit_log, name="audit_log"),
    path("workspace/memberships/<int:pk>/role/", views.membership_role, name="membership_role"),
]
