"""Another organisation's data is never listed, counted, exported, searchable or served by the API.

World Vision shares Shams's project (its viewers see that project read-only). Here World Vision
also runs a project of its own, and every builder of the URL × role table builds its objects
there — events, meetings, people, forms and submissions, dialogues, library resources, reports,
tokens, jobs — with a marker word written into every free-text field of every row it created.
Then every page of the table (lists, searches, exports, reports, downloads) is requested as each
of Shams's roles, and every API endpoint with a token of each role: the marker never appears,
in HTML, CSV, JSON, or inside XLSX/DOCX/PDF files, and World Vision's own objects answer 404.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import SlugField
from django.urls import reverse

from jusoor.accounts.roles import Role
from jusoor.conftest import ROLE_USERS, World, make_project, make_user
from jusoor.core.tests.test_url_role_table import PUBLIC, TABLE
from jusoor.programmes.models import (
    Indicator,
    Programme,
    ProjectOrganisation,
    ReportingPeriod,
    ResultNode,
)
from tests.security.test_stored_xss import APPS, _text_fields

MARK = "Zqxmark"


def partner_world(world: World) -> World:
    """World Vision as the centre of a world of its own: its project, framework, one user per role."""
    partner = world.partner
    users = {
        name: make_user(f"wv_{role.value}", partner, role) for name, role in ROLE_USERS.items()
    }
    users["outsider"] = world.users["outsider"]
    users["partner_viewer"] = world.users["shams_viewer"]
    programme = Programme.objects.create(slug="wv-programme", owner=partner, title_ar="برنامج")
    project = make_project(partner, slug="wv-project", programme=programme)
    objective = ResultNode.objects.create(project=project, kind="objective", code="1", order=1)
    result = ResultNode.objects.create(
        project=project, kind="result", parent=objective, code="1.1", order=1
    )
    activity = ResultNode.objects.create(
        project=project, kind="activity", parent=result, code="1.1.1", order=1
    )
    indicator = Indicator.objects.create(node=activity, name_ar="مؤشر", counts_people=True)
    period = ReportingPeriod.objects.create(
        project=project, label="2024-01", start_date=project.start_date, end_date=project.end_date
    )
    share = ProjectOrganisation.objects.create(
        project=project, organisation=world.other, role="funding", access_role=Role.VIEWER
    )
    return replace(
        world,
        shams=partner,
        partner=world.other,
        users=users,
        project=project,
        objective=objective,
        result=result,
        activity=activity,
        indicator=indicator,
        period=period,
        share=share,
        programme=programme,
        extras={},
    )


def _rows_now() -> dict[str, set]:
    return {
        m._meta.label_lower: set(m._base_manager.values_list("pk", flat=True))
        for m in apps.get_models()
        if m._meta.app_label in APPS | {"jobs", "research"}
    }


def _mark_new_rows(before: dict[str, set]) -> int:
    marked = 0
    for model in apps.get_models():
        label = model._meta.label_lower
        if label not in before:
            continue
        new = model._base_manager.exclude(pk__in=before[label])
        # Builders find objects by fixed short names; ours must be built anew, not find theirs.
        for field in model._meta.concrete_fields:
            if isinstance(field, SlugField) and field.unique:
                for pk, slug in list(new.values_list("pk", field.name)):
                    model._base_manager.filter(pk=pk).update(
                        **{field.name: f"wv-{slug}"[: field.max_length]}
                    )
        updates = {
            f.name: (f"https://example.org/{MARK}" if f.get_internal_type() == "URLField" else MARK)
            for f in _text_fields(model)
            if not f.max_length or f.max_length >= len(MARK) + 20
        }
        if not updates:
            continue
        try:
            with transaction.atomic():
                marked += new.update(**updates)
        except IntegrityError:  # a field unique with another: one distinct marker per row
            for pk in list(new.values_list("pk", flat=True)):
                model._base_manager.filter(pk=pk).update(
                    **{k: v if v.startswith("http") else f"{v} {pk}" for k, v in updates.items()}
                )
                marked += 1
    from jusoor.library.models import Resource
    from jusoor.library.search import index_resource

    # Their library is theirs alone: a public resource would rightly be public to all.
    for resource in Resource.objects.exclude(pk__in=before["library.resource"]):
        Resource.objects.filter(pk=resource.pk).update(visibility="organisation")
        resource.refresh_from_db()
        index_resource(resource)
    return marked


def _build(world: World) -> dict[str, dict]:
    kwargs = {}
    for name, case in TABLE.items():
        try:
            with transaction.atomic():
                kwargs[name] = case.args(world)
        except Exception:  # noqa: BLE001,S112 (a builder that cannot run twice in one database)
            continue
    return kwargs


def _visible_text(response) -> str:  # type: ignore[no-untyped-def]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(archive.read(n).decode("utf-8", "ignore") for n in archive.namelist())
    if body[:5] == b"%PDF-":
        from pypdf import PdfReader

        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", "ignore")


@pytest.fixture
def two_organisations(world, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    before = _rows_now()
    theirs = partner_world(world)
    their_kwargs = _build(theirs)
    marked = _mark_new_rows(before)
    ours = _build(world)
    return theirs, their_kwargs, ours, marked


SHAMS_USERS = sorted(ROLE_USERS)


@pytest.mark.parametrize("user_name", SHAMS_USERS)
def test_no_page_shows_another_organisations_data(client, world, two_organisations, user_name):
    theirs, their_kwargs, ours, marked = two_organisations
    assert marked > 100  # every kind of object of theirs carries the marker
    client.force_login(world.users[user_name])
    client.raise_request_exception = False
    leaks, checked, not_found = [], 0, 0
    for name, case in sorted(TABLE.items()):
        if case.method != "get" or name.startswith("api:"):
            continue
        # Our pages: lists, searches, exports, reports — none may show their objects.
        if name in ours:
            response = client.get(reverse(name, kwargs=ours[name]))
            checked += 1
            if response.status_code == 200 and MARK.lower() in _visible_text(response).lower():
                leaks.append(("ours", name))
        # Their objects, addressed directly: not found. (Public pages — an open dialogue, public
        # registration, a public library resource — are public by design, for anyone.)
        if case.need != PUBLIC and name in their_kwargs and their_kwargs[name] != ours.get(name):
            response = client.get(reverse(name, kwargs=their_kwargs[name]))
            checked += 1
            if response.status_code == 200 and MARK.lower() in _visible_text(response).lower():
                leaks.append(("theirs", name))
            not_found += response.status_code == 404
    # ``pytest tests/security/test_cross_organisation.py -s | grep CASES`` for docs/reliability.md
    print(
        f"CASES cross-organisation user={user_name} pages={checked} their_objects_404={not_found}"
    )
    assert leaks == []
    assert checked > 150 and not_found > 60


@pytest.mark.parametrize("user_name", SHAMS_USERS)
def test_library_search_never_finds_another_organisations_resources(
    client, world, two_organisations, user_name
):
    from jusoor.library import search

    theirs = two_organisations[0]
    assert search.search(theirs.users["shams_admin"], MARK).total >= 1  # the marker is indexed
    assert search.search(world.users[user_name], MARK).total == 0
    client.force_login(world.users[user_name])
    response = client.get(reverse("library:index"), {"q": MARK})
    results = response.content.decode().lower().replace(f'value="{MARK.lower()}"', "")
    assert response.status_code == 200
    assert results.count(MARK.lower()) <= results.count(f"q={MARK.lower()}")


API_ENDPOINTS = ["projects", "project", "framework", "periods", "indicators", "indicator", "values"]


def _api_kwargs(name: str, w: World) -> dict:
    if name in ("indicator", "values"):
        return {"indicator_id": w.indicator.pk}
    if name == "projects":
        return {}
    return {"project_id": w.project.pk}


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_api_tokens_never_serve_another_organisations_data(client, world, two_organisations, role):
    from jusoor.reports.tests.builders import make_token_with_key

    theirs, _their_kwargs, _ours, _marked = two_organisations
    _token, key = make_token_with_key(world, role)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    for name in API_ENDPOINTS:
        ours = client.get(reverse(f"api:{name}", kwargs=_api_kwargs(name, world)), **headers)
        assert ours.status_code == 200, name
        assert MARK.lower() not in ours.content.decode().lower(), name
        if name != "projects":
            response = client.get(
                reverse(f"api:{name}", kwargs=_api_kwargs(name, theirs)), **headers
            )
            assert response.status_code == 404, name
    listed = client.get(reverse("api:projects"), **headers).json()
    items = listed["items"] if isinstance(listed, dict) and "items" in listed else listed
    assert theirs.project.pk not in {p["id"] for p in items}


def case_count() -> dict[str, int]:
    """How many checks these tests make (docs/reliability.md), from the table itself."""
    pages = sum(1 for n, c in TABLE.items() if c.method == "get" and not n.startswith("api:"))
    return {
        "page_checks_per_role_max": 2 * pages,
        "roles": len(SHAMS_USERS),
        "api_checks": len(Role) * (2 * len(API_ENDPOINTS) - 1),
        "search_roles": len(SHAMS_USERS),
    }
