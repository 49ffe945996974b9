"""Retraining learns from an organisation's confirmed decisions and reports metrics to compare."""

import pytest

from jusoor.engines.moderation import Example, retrain
from jusoor.engines.moderation.data import load_osact

pytest.importorskip("sklearn")

# Iraqi coded insults the corpus has never seen, confirmed offensive by a moderator, and one
# sentence a moderator confirmed as acceptable.
CONFIRMED = [
    Example("انت طرطور وما تسوى فلس", offensive=True),
    Example("هذا الطرطور ابو الطراطير", offensive=True),
    Example("يا طرطور اسكت احسنلك", offensive=True),
    Example("كلهم طراطير ولاد طرطور", offensive=True),
    Example("الجلسة الثانية ناقشت التحديات بصراحة", offensive=False),
]
PROBE = "انت طرطور"


@pytest.fixture(scope="module")
def small_base(shared_data):
    return load_osact("train", shared_data)[:1500]


@pytest.fixture(scope="module")
def before_and_after(small_base):
    options = {"base": small_base, "c_grid": (4.0,), "folds": 3}
    before = retrain([], **options).model
    result = retrain(CONFIRMED, current=before, **options)
    return before, result


def test_a_small_retrain_raises_the_score_of_texts_confirmed_offensive(before_and_after):
    before, result = before_and_after
    for example in CONFIRMED[:4] + [Example(PROBE, True)]:
        assert result.model.score(example.text)[0] > before.score(example.text)[0]


def test_a_retrain_reports_cross_validated_metrics_next_to_the_current_models(before_and_after):
    _, result = before_and_after
    assert 0.5 < result.metrics["cv"]["offensive"]["macro_f1"] <= 1.0
    assert result.metrics["confirmed_examples"] == len(CONFIRMED)
    assert "cv" in result.previous_metrics


def test_a_retrain_lists_the_confirmed_texts_whose_answer_changed(before_and_after):
    _, result = before_and_after
    changed = {c["text"] for c in result.changed}
    assert changed <= {e.text for e in CONFIRMED}
    assert any(c["offensive_after"] for c in result.changed)


def test_a_malformed_confirmed_decision_is_refused_with_a_clear_message():
    with pytest.raises(TypeError, match="text, offensive"):
        retrain([("نص",)], base=[])
