"""Post-stratification and raking reproduce the population margins exactly, or say why not."""

from __future__ import annotations

import numpy as np
import pytest

from jusoor.engines.stats import MarginError, poststratify, rake


def _sample(n=3000, seed=1):
    rng = np.random.default_rng(seed)
    area = rng.choice(["Ramadi", "Fallujah", "Hit"], n, p=[0.5, 0.3, 0.2])
    sex = rng.choice(["F", "M"], n)
    age = rng.choice(["18-29", "30-44", "45+"], n, p=[0.5, 0.3, 0.2])
    return rng.uniform(1, 3, n), area, sex, age


MARGINS = {
    "area": {"Ramadi": 500_000, "Fallujah": 300_000, "Hit": 100_000},
    "sex": {"F": 455_000, "M": 445_000},
    "age": {"18-29": 400_000, "30-44": 300_000, "45+": 200_000},
}


def test_raked_weights_reproduce_every_population_margin():
    w, area, sex, age = _sample()
    raked = rake(w, {"area": area, "sex": sex, "age": age}, MARGINS)
    for name, column in (("area", area), ("sex", sex), ("age", age)):
        for category, total in MARGINS[name].items():
            assert raked[column == category].sum() == pytest.approx(total, rel=1e-9)
    assert (raked > 0).all()


def test_post_stratified_weights_reproduce_every_cell_total():
    w, area, sex, _ = _sample()
    population = {
        (a, s): 1000.0 * (i + 1)
        for i, (a, s) in enumerate(
            [(a, s) for a in ("Fallujah", "Hit", "Ramadi") for s in ("F", "M")]
        )
    }
    adjusted = poststratify(w, {"area": area, "sex": sex}, population)
    for (a, s), total in population.items():
        cell = (area == a) & (sex == s)
        assert adjusted[cell].sum() == pytest.approx(total, rel=1e-12)
        # within a cell the relative weights are kept
        assert np.allclose(adjusted[cell] / w[cell], total / w[cell].sum())


def test_a_sample_category_missing_from_the_margin_is_named():
    w, area, sex, age = _sample()
    margins = {**MARGINS, "area": {"Ramadi": 500_000, "Fallujah": 400_000}}
    with pytest.raises(MarginError) as err:
        rake(w, {"area": area, "sex": sex, "age": age}, margins)
    assert err.value.code == "margin_category_missing"
    assert err.value.params == {"variable": "area", "categories": ["Hit"]}


def test_a_margin_category_nobody_in_the_sample_has_is_named():
    w, area, sex, age = _sample()
    margins = {**MARGINS, "sex": {"F": 400_000, "M": 400_000, "other": 100_000}}
    with pytest.raises(MarginError) as err:
        rake(w, {"area": area, "sex": sex, "age": age}, margins)
    assert err.value.code == "margin_category_absent" and err.value.params["categories"] == [
        "other"
    ]


def test_margins_of_different_populations_are_refused():
    w, area, sex, age = _sample()
    margins = {**MARGINS, "sex": {"F": 455_000, "M": 400_000}}
    with pytest.raises(MarginError) as err:
        rake(w, {"area": area, "sex": sex, "age": age}, margins)
    assert err.value.code == "margin_total_mismatch"


def test_an_empty_post_stratum_is_refused():
    w, area, sex, _ = _sample()
    population = {(a, s): 1000.0 for a in ("Fallujah", "Hit", "Ramadi", "Haditha") for s in "FM"}
    with pytest.raises(MarginError) as err:
        poststratify(w, {"area": area, "sex": sex}, population)
    assert err.value.code == "margin_category_absent"
