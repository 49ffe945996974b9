"""Hostile input: random bytes, hostile text and mutated valid files never crash a parser.

Every parser that reads what outsiders send (submission XML from phones, uploaded XLSForms,
KoboToolbox exports, participant lists, search boxes, dialogue statements) either accepts the
input or refuses it with the project's own error, whose message a person can read. The
service functions around them write nothing when they refuse. ``make fuzz`` runs the same
targets far longer (``bench/fuzz.py``).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security import targets

EXAMPLES = 120
_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,  # the same examples on every run: a failure here is reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(
            list("ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىيًٌٍَُِّْـ٠١٢٣٤٥٦٧٨٩")
            + ["\u200f", "\u200e", "\u202e", "\ufeff", "\u0000", '"', "'", "*", ":", "(", ")"]
        ),
    ),
    max_size=300,
)
EDITS = st.lists(
    st.tuples(st.integers(0, 9), st.integers(0, 1 << 20), st.integers(0, 255)),
    min_size=1,
    max_size=6,
)


def inputs(name: str) -> st.SearchStrategy[bytes]:
    seeds = targets.seeds(name)
    return st.one_of(
        st.binary(max_size=2048),
        HOSTILE_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.sampled_from(seeds),
        st.builds(targets.mutate, st.sampled_from(seeds), EDITS),
    )


@pytest.mark.parametrize("name", sorted(targets.TARGETS))
def test_target_accepts_its_seeds(name):
    for seed in targets.seeds(name):
        targets.TARGETS[name](seed)


@pytest.mark.parametrize("name", sorted(targets.TARGETS))
def test_hostile_input_never_crashes(name, db):
    target = targets.TARGETS[name]

    @_settings
    @given(data=inputs(name))
    def run(data: bytes) -> None:
        target(data)

    run()


# --- the XML attacks by name ------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [targets.BILLION_LAUGHS, targets.EXTERNAL_ENTITY, targets.QUADRATIC_BLOWUP],
    ids=["billion_laughs", "external_entity", "quadratic_blowup"],
)
def test_entity_attacks_fail_safely_with_a_clear_error(payload):
    from django.utils import translation

    from jusoor.surveys.openrosa import SubmissionXMLError, parse_submission

    with translation.override("en"), pytest.raises(SubmissionXMLError) as refused:
        parse_submission(payload)
    assert str(refused.value) == "The submission XML declares a DTD or entities, which are refused."


def test_openrosa_endpoint_refuses_an_entity_attack_and_stores_nothing(world, client):
    from django.urls import reverse

    from jusoor.surveys.models import Submission
    from jusoor.surveys.tests.factories import make_form
    from jusoor.surveys.tests.test_openrosa import basic

    make_form(world.project)
    url = reverse("surveys:openrosa_submission", kwargs={"pk": world.project.pk})
    client.cookies["jusoor_language"] = "en"
    for payload in (targets.BILLION_LAUGHS, targets.EXTERNAL_ENTITY, targets.QUADRATIC_BLOWUP):
        response = client.post(
            url,
            {"xml_submission_file": SimpleUploadedFile("s.xml", payload, "text/xml")},
            **basic("shams_enumerator"),
        )
        assert response.status_code == 400
        assert b"declares a DTD or entities" in response.content
    assert Submission.objects.count() == 0


# --- nothing written when a file is refused ----------------------------------------------------


def _counts():  # type: ignore[no-untyped-def]
    from jusoor.core.models import AuditEvent
    from jusoor.people.models import ImportBatch, Person
    from jusoor.surveys.models import Form, FormVersion, KoboImport, Submission

    return [
        m.objects.count()
        for m in (Form, FormVersion, Submission, KoboImport, Person, ImportBatch, AuditEvent)
    ]


def test_refused_xlsform_uploads_write_nothing(world):
    from jusoor.surveys import services

    @_settings
    @given(data=inputs("xlsform"))
    def run(data: bytes) -> None:
        before = _counts()
        try:
            services.upload_form(None, world.project, data, "form.xlsx")
        except ValidationError as exc:
            assert exc.messages
            assert _counts() == before

    run()


def test_refused_kobo_imports_write_nothing(world):
    from jusoor.surveys import services
    from jusoor.surveys.tests.factories import make_form

    form = make_form(world.project)

    @_settings
    @given(data=inputs("kobo_csv"), xlsx=st.booleans())
    def run(data: bytes, xlsx: bool) -> None:
        before = _counts()
        name = "export.xlsx" if xlsx else "export.csv"
        try:
            services.start_import(None, form, data, name)
        except ValidationError as exc:
            assert exc.messages
            assert _counts() == before

    run()


def test_refused_participant_lists_write_nothing(world):
    from jusoor.people import importing

    @_settings
    @given(data=inputs("people_csv"), xlsx=st.booleans())
    def run(data: bytes, xlsx: bool) -> None:
        before = _counts()
        upload = SimpleUploadedFile("list.xlsx" if xlsx else "list.csv", data)
        try:
            importing.start_import(world.users["shams_admin"], world.shams, upload)
        except ValidationError as exc:
            assert exc.messages
            assert _counts() == before

    run()


@given(text=HOSTILE_TEXT)
@settings(max_examples=EXAMPLES, deadline=None, database=None)
def test_search_page_answers_any_query(text):
    from tests.security.targets import search_query

    search_query(text.encode("utf-8", "surrogatepass"))
