"""Named users and small builders shared by every test.

The world: Shams (the implementing NGO) with one member per role, World Vision (a partner whose
viewers see the project read-only), and Another NGO whose member is an outsider to everything here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.conf import settings

from jusoor.accounts.models import Membership, Organisation, User
from jusoor.accounts.roles import Role
from jusoor.core import crypto
from jusoor.geo.models import AdminUnit, TargetArea
from jusoor.programmes.models import (
    Indicator,
    Programme,
    Project,
    ProjectOrganisation,
    ReportingPeriod,
    ResultNode,
)

TEST_PII_KEY = "dGVzdC1rZXktMzItYnl0ZXMtbG9uZy0xMjM0NTY3ODk="  # 32 bytes, tests only


@pytest.fixture(autouse=True, scope="session")
def _close_stray_connections_before_teardown(django_db_setup, django_db_blocker):
    """Threads that tests start (a live server's request threads, a sealing thread) can leave a
    connection to the test database open, and PostgreSQL then refuses to drop the database at
    the end of the run. Those connections are closed first."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True, scope="session")
def _pii_key():
    settings.PII_KEY = TEST_PII_KEY
    crypto.reset_caches()
    yield
    crypto.reset_caches()


@pytest.fixture(autouse=True)
def _audit_guard(request):
    """Keep the append-only triggers in place: a transactional test lifts them so its flush can
    run (see ``flushable_audit_log``)."""
    names = set(request.fixturenames)
    if {"db", "transactional_db"} & names:
        request.getfixturevalue("db" if "db" in names else "transactional_db")
    else:
        marker = request.node.get_closest_marker("django_db")
        if marker is None or marker.kwargs.get("transaction"):
            return  # no database, or a transactional test that manages the guard itself
    from django.db import connection

    from jusoor.core.dbguard import install_audit_guard

    install_audit_guard(connection)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):  # type: ignore[no-untyped-def]
    """Put the shipped gazetteer back after a transactional test's flush emptied it.

    The flush that ends a transactional test deletes what migrations loaded; every other test
    expects Iraq's administrative units to be there.
    """
    yield
    marker = item.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        "transactional_db" in getattr(item, "fixturenames", ())
    )
    if not transactional or nextitem is None:
        # Last test: the test database is already torn down, and nothing follows that needs it.
        return
    from pytest_django.plugin import blocking_manager_key

    from jusoor.geo.cod import load_shipped_units

    with item.config.stash[blocking_manager_key].unblock():
        load_shipped_units()


@pytest.fixture
def flushable_audit_log(transactional_db):
    """A transactional test ends with a flush that deletes every row; lift the append-only guard
    for it (the next test puts it back)."""
    from django.db import connection

    from jusoor.core.dbguard import remove_audit_guard

    yield
    remove_audit_guard(connection)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Two-factor enforcement has its own tests; elsewhere it would only stand in the way.
    settings.TWO_FACTOR_ENFORCED = False


def make_organisation(slug: str = "shams", **overrides) -> Organisation:
    fields = {"name_ar": f"منظمة {slug}", "name_en": f"Organisation {slug}", "kind": "ngo"}
    fields.update(overrides)
    return Organisation.objects.create(slug=slug, **fields)


def make_user(
    username: str, organisation: Organisation | None = None, role: str | None = None, **overrides
) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username, **overrides)
    if organisation is not None and role:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def make_project(owner: Organisation, **overrides) -> Project:
    fields = {
        "slug": f"project-{owner.slug}",
        "title_ar": "مشروع تجريبي",
        "title_en": "A project",
        "start_date": dt.date(2023, 8, 1),
        "end_date": dt.date(2023, 8, 30),
    }
    fields.update(overrides)
    return Project.objects.create(owner=owner, **fields)


@dataclass
class World:
    shams: Organisation
    partner: Organisation
    other: Organisation
    users: dict[str, User]
    project: Project
    objective: ResultNode
    result: ResultNode
    activity: ResultNode
    indicator: Indicator
    period: ReportingPeriod
    area: TargetArea
    share: ProjectOrganisation
    programme: Programme
    extras: dict = field(default_factory=dict)

    def user(self, name: str) -> User | None:
        return self.users.get(name)


ROLE_USERS = {f"shams_{role.value}": role for role in Role}
ALL_USERS = ["anonymous", "outsider", "partner_viewer", *ROLE_USERS]


@pytest.fixture
def world(db) -> World:
    if not AdminUnit.objects.exists():
        # A transactional test elsewhere flushed the migrations' data; put the gazetteer back.
        from jusoor.geo.cod import load_shipped_units

        load_shipped_units()
    shams = make_organisation("shams")
    partner = make_organisation("world-vision", kind="international_ngo")
    other = make_organisation("another-ngo")
    users = {name: make_user(name, shams, role) for name, role in ROLE_USERS.items()}
    users["partner_viewer"] = make_user("partner_viewer", partner, Role.VIEWER)
    users["outsider"] = make_user("outsider", other, Role.ADMIN)
    programme = Programme.objects.create(slug="pve-programme", owner=shams, title_ar="برنامج")
    project = make_project(shams, programme=programme)
    share = ProjectOrganisation.objects.create(
        project=project, organisation=partner, role="extending", access_role=Role.VIEWER
    )
    objective = ResultNode.objects.create(
        project=project, kind="objective", code="1", order=1, title_ar="هدف", title_en="Objective"
    )
    result = ResultNode.objects.create(
        project=project,
        kind="result",
        parent=objective,
        code="1.1",
        order=1,
        title_ar="نتيجة",
        title_en="Result",
    )
    activity = ResultNode.objects.create(
        project=project,
        kind="activity",
        parent=result,
        code="1.1.1",
        order=1,
        title_ar="نشاط",
        title_en="Activity",
    )
    indicator = Indicator.objects.create(
        node=activity,
        name_ar="عدد المشاركين",
        name_en="Participants",
        counts_people=True,
        disaggregations=["sex"],
        baseline=Decimal(0),
    )
    period = ReportingPeriod.objects.create(
        project=project,
        label="2023-08",
        start_date=dt.date(2023, 8, 1),
        end_date=dt.date(2023, 8, 30),
    )
    area = TargetArea.objects.create(
        project=project, unit=AdminUnit.objects.get(pcode="IQG01Q03N03")
    )
    return World(
        shams,
        partner,
        other,
        users,
        project,
        objective,
        result,
        activity,
        indicator,
        period,
        area,
        share,
        programme,
    )


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users["shams_admin"])
    return client
