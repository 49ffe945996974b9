"""Access to forms, submissions and imports: through the project they belong to."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from jusoor.accounts.models import Membership, User
from jusoor.accounts.roles import Can
from jusoor.programmes.access import _check, project_capabilities
from jusoor.programmes.models import Project, ProjectOrganisation
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


# --- an app token's grant, kept for a few seconds --------------------------------------------------
#
# A phone with an app token submits many times a minute, and the three queries that decide what
# the token reaches (the token, its owner's role, the open forms assigned) cost more than storing
# the submission. So each process keeps what they answered for ``JUSOOR_TOKEN_GRANT_SECONDS``.
# A change made in this process (a token revoked, a form closed, an assignment, a role or an
# account changed) is seen at once; one made in another process within those seconds.

_GRANT_SECONDS = settings.JUSOOR_TOKEN_GRANT_SECONDS


@dataclass(frozen=True)
class TokenGrant:
    """Whose token it is, in which project, and the open forms it reaches (by form_id)."""

    user_id: int
    username: str
    project_id: int
    owner_id: int
    forms: dict[str, tuple[int, datetime]]  # form_id: (pk, created_at)

    def user(self) -> User:
        # A fresh instance for each request: nothing is shared between requests but the values.
        user = User(pk=self.user_id, username=self.username, is_active=True)
        user._state.adding = False
        return user

    def project(self) -> Project:
        project = Project(pk=self.project_id, owner_id=self.owner_id)
        project._state.adding = False
        return project

    def form_map(self) -> dict[str, Form]:
        """The forms as ``receive_submission`` needs them (pk, form_id, creation, project)."""
        project = self.project()
        found = {}
        for form_id, (pk, created_at) in self.forms.items():
            form = Form(pk=pk, form_id=form_id, created_at=created_at, project=project)
            form._state.adding = False
            found[form_id] = form
        return found


_grants: dict[tuple[str, int], tuple[float, int, TokenGrant]] = {}
_generation = [0]
_clock = time.monotonic


def token_grant(token_hash: str, project_id: int) -> TokenGrant | None:
    """The grant of a live token in this project, or None (unknown, revoked, inactive owner)."""
    key = (token_hash, project_id)
    now = _clock()
    kept = _grants.get(key)
    if kept is not None and kept[0] > now and kept[1] == _generation[0]:
        return kept[2]
    generation = _generation[0]
    token = (
        AppToken.objects.select_related("user", "project")
        .only("user_id", "project_id", "user__username", "user__is_active", "project__owner_id")
        .filter(token_hash=token_hash, revoked_at=None, project_id=project_id)
        .first()
    )
    if token is None or not token.user.is_active:
        _grants.pop(key, None)
        return None
    forms = token_forms(token).values_list("form_id", "pk", "created_at")
    grant = TokenGrant(
        user_id=token.user_id,
        username=token.user.username,
        project_id=token.project_id,
        owner_id=token.project.owner_id,
        forms={form_id: (pk, created) for form_id, pk, created in forms},
    )
    if len(_grants) > 1000:
        _grants.clear()
    _grants[key] = (now + _GRANT_SECONDS, generation, grant)
    return grant


def _forget_grants(*_args: Any, **_kwargs: Any) -> None:
    _generation[0] += 1


for _model in (AppToken, Form, Membership, User, Project, ProjectOrganisation):
    post_save.connect(_forget_grants, sender=_model, dispatch_uid=f"grants-{_model.__name__}")
    post_delete.connect(_forget_grants, sender=_model, dispatch_uid=f"grants-del-{_model.__name__}")
for _through in (AppToken.forms.through, Form.enumerators.through):
    m2m_changed.connect(_forget_grants, sender=_through, dispatch_uid=f"grants-{_through.__name__}")
