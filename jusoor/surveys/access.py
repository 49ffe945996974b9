"""Access to forms, submissions and imports: through the project they belong to."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from jusoor.accounts.models import User
from jusoor.accounts.roles import Can
from jusoor.programmes.access import _check, project_capabilities
from jusoor.programmes.models import Project
from jusoor.surveys.models import AppToken, Form, KoboImport, Submission


def get_form_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Form:
    form = get_object_or_404(Form.objects.select_related("project__owner"), pk=pk)
    request.project_capabilities = _check(request.user, form.project, need)  # type: ignore[attr-defined]
    return form


def get_submission_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> Submission:
    submission = get_object_or_404(
        Submission.objects.select_related("form__project__owner", "version", "enumerator"), pk=pk
    )
    request.project_capabilities = _check(request.user, submission.form.project, need)  # type: ignore[attr-defined]
    return submission


def get_import_for_user(request: HttpRequest, pk: int, need: Can = Can.VIEW) -> KoboImport:
    batch = get_object_or_404(KoboImport.objects.select_related("form__project__owner"), pk=pk)
    request.project_capabilities = _check(request.user, batch.form.project, need)  # type: ignore[attr-defined]
    return batch


def collectable_forms(user: User, project: Project) -> QuerySet[Form]:
    """The open forms this person may fill in this project (assigned to them, or to everyone)."""
    if Can.COLLECT_DATA not in project_capabilities(user, project):
        return Form.objects.none()
    return (
        Form.objects.filter(project=project, is_open=True)
        .filter(Q(enumerators=None) | Q(enumerators=user))
        .distinct()
    )


def token_forms(token: AppToken) -> QuerySet[Form]:
    """A token reaches the forms it was made for, while its owner may still collect in them."""
    allowed = collectable_forms(token.user, token.project)
    return allowed.filter(pk__in=token.forms.values("pk"))
