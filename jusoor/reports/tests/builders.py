"""Small builders for the reports app's tests (and the URL × role table)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jusoor.accounts.models import User
from jusoor.conftest import World
from jusoor.programmes.models import IndicatorTarget, IndicatorValue
from jusoor.reports import services
from jusoor.reports.models import ApiToken


def make_token(w: World, role: str = "viewer", organisation=None) -> ApiToken:  # type: ignore[no-untyped-def]
    token, _key = make_token_with_key(w, role, organisation)
    return token


def make_token_with_key(w: World, role: str = "viewer", organisation=None) -> tuple[ApiToken, str]:  # type: ignore[no-untyped-def]
    organisation = organisation or w.shams
    admin: User = w.users["outsider"] if organisation == w.other else w.users["shams_admin"]
    return services.create_token(admin, organisation, f"{role} token", role)


def iati_ready(w: World) -> World:
    """The world's project with everything IATI needs, and figures for its period."""
    w.shams.iati_ref = "IQ-NGO-0001"
    w.shams.save()
    w.project.code = "PVE-01"
    w.project.summary_ar = "مشروع للحوار المجتمعي في الأنبار"
    w.project.summary_en = "Community dialogue in Anbar"
    w.project.status = 4
    w.project.save()
    w.partner.iati_ref = "GB-CHC-285908"
    w.partner.save()
    w.project.participants.create(organisation=w.shams, role="implementing")
    w.project.participants.create(organisation=w.other, role="supporting")
    IndicatorTarget.objects.create(indicator=w.indicator, period=w.period, value=Decimal(200))
    add_value(w, Decimal(180))
    add_value(w, Decimal(90), "sex", "f")
    add_value(w, Decimal(3), "sex", "m")  # a small cell: hidden outside the workspace
    return w


def add_value(w: World, value: Decimal, dimension: str = "", category: str = "") -> IndicatorValue:
    return IndicatorValue.objects.create(
        indicator=w.indicator, period=w.period, dimension=dimension, category=category, value=value
    )


def second_period(w: World):  # type: ignore[no-untyped-def]
    return w.project.periods.create(
        label="2023-09", start_date=dt.date(2023, 9, 1), end_date=dt.date(2023, 9, 30)
    )


def approved_period(w: World):  # type: ignore[no-untyped-def]
    """The world's period, approved: a donor report that may be published to the library."""
    w.period.status = "approved"
    w.period.save(update_fields=["status"])
    return w.period
