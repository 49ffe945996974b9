"""The XPath subset the web form evaluates."""

from __future__ import annotations

import pytest
from django.utils import translation

from jusoor.surveys.xlsform import unsupported_features
from jusoor.surveys.xpath import Evaluator, XPathError

ANSWERS = {"age": "34", "sex": "female", "causes": "poverty injustice", "name": "سارة", "empty": ""}


def evaluate(expression: str, current="", names=None):
    return Evaluator(lambda n: ANSWERS[n], current, names).evaluate(expression)


@pytest.mark.parametrize(
    "expression,expected",
    [
        ("${age} >= 18", True),
        ("${age} > 40 or ${sex} = 'female'", True),
        ("${age} > 40 and ${sex} = 'female'", False),
        ("not(${sex} = 'male')", True),
        ("${sex} != 'male'", True),
        ("selected(${causes}, 'poverty')", True),
        ("selected(${causes}, 'revenge')", False),
        ("selected(../causes, 'poverty')", True),  # as pyxform writes or_other's relevant
        ("../../sex = 'female'", True),
        ("count-selected(${causes}) = 2", True),
        ("string-length(${name}) = 4", True),
        ("if(${age} < 18, 'minor', 'adult')", "adult"),
        ("${age} * 2 + 1", 69.0),
        ("${age} div 4", 8.5),
        ("${age} mod 5", 4.0),
        ("-(${age}) < 0", True),
        ("${empty} > 3", False),
        ("${empty} = ''", True),
        ("concat(${sex}, '-', ${age})", "female-34"),
        ("coalesce(${empty}, 'none')", "none"),
        ("true() and not(false())", True),
        ("round(2.456, 2)", 2.46),
        ("regex(${age}, '[0-9]+')", True),
        ("", True),
    ],
)
def test_supported_expressions_give_what_odk_collect_gives(expression, expected):
    assert evaluate(expression) == expected


def test_the_dot_is_the_questions_own_value():
    assert Evaluator(lambda n: "", "16").truth(". >= 15 and . <= 99")
    assert not Evaluator(lambda n: "", "120").truth(". >= 15 and . <= 99")


def test_bare_names_are_choice_columns_in_a_choice_filter():
    assert evaluate("district = ${sex}", names={"district": "female"}) is True


def test_a_choice_filter_on_a_choice_column_is_supported_at_upload():
    """The upload's dry run knows every choice column by an empty mapping: empty is not none."""
    town = {
        "row": 7,
        "path": "town",
        "name": "town",
        "type": "select one",
        "list_name": "town",
        "choices": [{"name": "garma", "label": {}, "district": "ramadi"}],
    }
    assert unsupported_features([{**town, "choice_filter": "district=${district}"}]) == []
    with translation.override("ar"):
        (problem,) = unsupported_features([{**town, "choice_filter": "pulldata('x', 'y')"}])
    assert "pulldata" in problem["detail"] and "خارج" in problem["detail"]


@pytest.mark.parametrize(
    "expression,named",
    [
        ("pulldata('x', 'y')", "pulldata"),
        ("${age} >", "expected"),
        ("/data/age > 3", "cannot read"),
        ("${age} = 3)", "unexpected"),
    ],
)
def test_expressions_outside_the_subset_are_named_errors(expression, named):
    with translation.override("en"), pytest.raises(XPathError) as error:
        evaluate(expression)
    assert named in str(error.value)
