"""Small builders for registry tests (also used by the URL × role table)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.utils import translation

from jusoor.conftest import World
from jusoor.people.models import DuplicateSuggestion, Person


def make_person(organisation, **overrides: Any) -> Person:  # type: ignore[no-untyped-def]
    fields: dict[str, Any] = {
        "name": "عبد الله محمد حسين الدليمي",
        "phone": "0770 123 4567",
        "sex": "m",
        "birth_year": 1995,
        "target_group": "youth",
    }
    fields.update(overrides)
    person = Person(organisation=organisation, **fields)
    person.save()
    return person


def make_suggestion(world: World) -> DuplicateSuggestion:
    left = make_person(world.shams)
    right = make_person(world.shams, name="عبدالله محمد حسين", phone="+964 770 123 4567")
    return DuplicateSuggestion.objects.create(
        organisation=world.shams, left=left, right=right, score=20.0, likely=True
    )


def make_merge(world: World):  # type: ignore[no-untyped-def]
    from jusoor.people import services

    survivor = make_person(world.shams)
    merged = make_person(world.shams, name="عبدالله محمد حسين")
    return services.merge_people(None, survivor, merged)


def make_import(world: World):  # type: ignore[no-untyped-def]
    import json

    from jusoor.people.models import ImportBatch

    return ImportBatch.objects.create(
        organisation=world.shams,
        filename="list.csv",
        content=json.dumps({"headers": ["الاسم"], "rows": [["علي حسن"]]}, ensure_ascii=False),
        mapping={"name": 0},
    )


@contextmanager
def in_english(client):  # type: ignore[no-untyped-def]
    """Pages in English: Arabic is the default, and the language comes from the cookie."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        with translation.override("en"):
            yield
    finally:
        del client.cookies[settings.LANGUAGE_COOKIE_NAME]


def make_stakeholder(organisation, **overrides: Any):  # type: ignore[no-untyped-def]
    from jusoor.people.models import Stakeholder

    fields: dict[str, Any] = {
        "kind": "mayor",
        "name": "خالد عبد الله الفهداوي",
        "position": "قائممقام قضاء الرمادي",
        "affiliation": "قائممقامية قضاء الرمادي",
        "phone": "0780 111 2233",
        "email": "mayor@example.org",
    }
    fields.update(overrides)
    return Stakeholder.objects.create(organisation=organisation, **fields)
