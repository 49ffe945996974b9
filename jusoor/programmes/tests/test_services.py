"""Results framework and indicator rules, checked where every write goes through."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from jusoor.core.models import AuditEvent
from jusoor.programmes import services
from jusoor.programmes.models import IndicatorValue, ResultNode


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_activity_directly_under_an_objective_is_refused(world):
    node = ResultNode(
        project=world.project, kind="activity", parent=world.objective, title_ar="نشاط خاطئ"
    )
    with pytest.raises(ValidationError, match="result"):
        services.save_node(world.users["shams_admin"], node)
    assert not ResultNode.objects.filter(title_ar="نشاط خاطئ").exists()


def test_objective_under_another_node_is_refused(world):
    node = ResultNode(project=world.project, kind="objective", parent=world.result, title_ar="هدف")
    with pytest.raises(ValidationError):
        services.save_node(world.users["shams_admin"], node)


def test_codes_follow_sibling_order_and_renumber_after_a_delete(world):
    admin = world.users["shams_admin"]
    second = services.save_node(
        admin,
        ResultNode(
            project=world.project, kind="activity", parent=world.result, order=2, title_ar="ثان"
        ),
    )
    assert second.code == "1.1.2"
    services.delete_node(admin, world.activity)
    second.refresh_from_db()
    assert second.code == "1.1.1"
    assert AuditEvent.objects.filter(action="framework.node.delete").count() == 1


def test_target_on_a_locked_period_is_refused(world):
    world.period.status = "locked"
    world.period.save()
    with pytest.raises(ValidationError, match="no longer change"):
        services.set_target(
            world.users["shams_me_officer"], world.indicator, world.period, Decimal(10)
        )


def test_actual_for_an_unknown_disaggregation_is_refused(world):
    with pytest.raises(ValidationError, match="not disaggregated by area"):
        services.set_actual(
            world.users["shams_me_officer"],
            world.indicator,
            world.period,
            Decimal(4),
            dimension="area",
            category="IQG01Q03N03",
        )
    assert not IndicatorValue.objects.exists()


def test_actual_values_by_sex_are_kept_beside_the_total(world):
    me = world.users["shams_me_officer"]
    services.set_actual(me, world.indicator, world.period, Decimal(200))
    services.set_actual(me, world.indicator, world.period, Decimal(120), "sex", "f")
    services.set_actual(me, world.indicator, world.period, Decimal(121), "sex", "f")
    assert IndicatorValue.objects.count() == 2
    assert world.indicator.latest_actual() == Decimal(200)
    assert IndicatorValue.objects.get(dimension="sex").value == Decimal(121)


def test_period_status_moves_only_along_allowed_steps(world):
    me = world.users["shams_programme_manager"]
    services.change_period_status(me, world.period, "submitted")
    with pytest.raises(ValidationError):
        services.change_period_status(me, world.period, "locked")
    services.change_period_status(me, world.period, "approved")
    services.change_period_status(me, world.period, "locked")
    with pytest.raises(ValidationError):
        services.change_period_status(me, world.period, "open")


def test_project_end_before_start_is_refused(world):
    world.project.end_date = world.project.start_date.replace(year=2022)
    with pytest.raises(ValidationError):
        services.save_project(world.users["shams_admin"], world.project)


def test_project_update_records_what_changed(world):
    world.project.title_en = "New title"
    services.save_project(world.users["shams_admin"], world.project)
    event = AuditEvent.objects.get(action="project.update")
    assert event.data["changes"]["title_en"] == ["A project", "New title"]
