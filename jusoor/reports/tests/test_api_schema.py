"""The API against its own OpenAPI schema, with schemathesis: every operation, with generated
inputs, answers within its schema (documented status, body, content type) and never with a 500."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from jusoor.accounts.roles import Role
from jusoor.reports.api import api
from jusoor.reports.tests.builders import make_token_with_key

APP = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", APP)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls go through the WSGI app, not the test client: like the test client, keep Django from
    closing the database connection (and the test's transaction) at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_schema_is_openapi_3_with_every_operation():
    document = api.get_openapi_schema()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/api/projects",
        "/api/projects/{project_id}",
        "/api/projects/{project_id}/framework",
        "/api/projects/{project_id}/periods",
        "/api/projects/{project_id}/indicators",
        "/api/indicators/{indicator_id}",
        "/api/indicators/{indicator_id}/values",
        "/api/projects/{project_id}/activities",
        "/api/projects/{project_id}/reach",
        "/api/forms/{form_id}/submissions",
        "/api/forms/{form_id}/analysis",
        "/api/library/resources",
    }
    assert (
        "BearerAuth" in str(document["components"]["securitySchemes"])
        or document["components"]["securitySchemes"]
    )


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_its_schema_says(case, world):
    cache.clear()
    key = (
        make_token_with_key(world, Role.ME_OFFICER)[1] if not hasattr(world, "_key") else world._key
    )
    world._key = key
    # Business rules (a locked period, an unknown period or group) refuse some schema-valid
    # input with 400 and the reason, so "schema-valid data is accepted" cannot hold; and unknown
    # query parameters are ignored, as HTTP APIs do, so "invalid data is rejected" cannot either.
    # Every answer must still be documented, fit its schema, and never be a server error.
    case.call_and_validate(
        app=APP,
        headers={"Authorization": f"Bearer {key}"},
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
    )


@pytest.mark.django_db
def test_every_operation_on_real_objects_answers_as_its_schema_says(world):
    from jusoor.library.tests.builders import public_resource
    from jusoor.reports.tests.builders import iati_ready
    from jusoor.surveys import services as survey_services
    from jusoor.surveys.models import Form
    from jusoor.surveys.tests.factories import submission_xml, table_submission

    iati_ready(world)
    submission = table_submission(world)
    survey_services.receive_submission(
        forms=Form.objects.filter(pk=submission.form_id),
        raw=submission_xml("uuid:6f7d1c2e-0000-4000-8000-000000000002", sex="male"),
        enumerator=world.users["shams_enumerator"],
    )
    public_resource(world)
    cache.clear()
    key = make_token_with_key(world, Role.ME_OFFICER)[1]
    project, indicator = {"project_id": world.project.pk}, {"indicator_id": world.indicator.pk}
    form = {"form_id": submission.form_id}
    analysis = {"questions": "sex,age", "breakdowns": "sex", "weighted": "false"}
    calls = [
        ("/api/projects", "GET", {}, None),
        ("/api/projects/{project_id}", "GET", project, None),
        ("/api/projects/{project_id}/framework", "GET", project, None),
        ("/api/projects/{project_id}/periods", "GET", project, None),
        ("/api/projects/{project_id}/indicators", "GET", project, None),
        ("/api/indicators/{indicator_id}", "GET", indicator, None),
        ("/api/indicators/{indicator_id}/values", "GET", indicator, None),
        ("/api/projects/{project_id}/activities", "GET", project, None),
        ("/api/projects/{project_id}/reach", "GET", project, None),
        ("/api/forms/{form_id}/submissions", "GET", form, None),
        ("/api/forms/{form_id}/submissions", "GET", form, {"personal": "true"}),
        ("/api/forms/{form_id}/analysis", "GET", form, analysis),
        ("/api/library/resources", "GET", {}, None),
        (
            "/api/indicators/{indicator_id}/values",
            "PUT",
            indicator,
            {"period": world.period.pk, "value": 150.5, "dimension": "sex", "category": "m"},
        ),
    ]
    for path, method, parameters, data in calls:
        # the fourth item is the body of a write, the query of a read
        if method == "GET":
            extra = {"query": data} if data else {}
        else:
            extra = {"body": data, "media_type": "application/json"}
        case = schema[path][method].Case(path_parameters=parameters, **extra)
        response = case.call_and_validate(
            app=APP,
            headers={"Authorization": f"Bearer {key}"},
            excluded_checks=[positive_data_acceptance],
        )
        assert response.status_code == 200, (path, method, response.text)
