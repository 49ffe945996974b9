"""The shipped model is at least as good on OSACT 2020 dev as the documentation says."""

import re

import numpy as np
import pytest

from jusoor.engines.moderation.data import REPO_ROOT, load_osact
from jusoor.engines.moderation.evaluation import best_threshold, macro_f1

DOC = REPO_ROOT / "docs" / "engines" / "moderation.md"
TOLERANCE = 0.01


def _claimed(key: str) -> float:
    match = re.search(rf"BENCH moderation .*?\b{key}=([0-9.]+)", DOC.read_text("utf-8"))
    if not match:
        pytest.fail(f"{DOC} has no BENCH line with {key}=")
    return float(match.group(1))


def test_dev_macro_f1_is_at_least_what_the_docs_claim(model, shared_data):
    dev = load_osact("dev", shared_data)
    p = model.predict_proba([e.text for e in dev])
    offensive = macro_f1([e.offensive for e in dev], p[:, 0] >= model.threshold_offensive)
    hate = macro_f1([e.hate for e in dev], p[:, 1] >= model.threshold_hate)
    assert offensive >= _claimed("dev_macro_f1") - TOLERANCE
    assert hate >= _claimed("hs_dev_macro_f1") - TOLERANCE


def test_macro_f1_and_best_threshold_agree_with_a_hand_count():
    y = np.array([1, 1, 0, 0, 0])
    assert macro_f1(y, y) == 1.0
    assert macro_f1(y, np.array([1, 0, 0, 0, 0])) == pytest.approx((2 / 3 + 6 / 7) / 2)
    threshold, score = best_threshold(y, np.array([0.9, 0.8, 0.3, 0.2, 0.1]))
    assert 0.3 < threshold < 0.8 and score == 1.0
