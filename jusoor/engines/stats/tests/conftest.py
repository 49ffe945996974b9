"""Builders for synthetic surveys shaped like the seed's: areas (strata), villages (PSUs), weights."""

from __future__ import annotations

import warnings

import numpy as np
import pytest


def make_survey(
    n: int = 1500, n_strata: int = 6, psus_per_stratum: int = 5, seed: int = 7
) -> dict[str, np.ndarray]:
    """Rows of a stratified cluster sample with unequal weights and a few answer columns."""
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, n_strata, n)
    psu = rng.integers(0, psus_per_stratum, n)
    weight = rng.uniform(0.5, 4.0, n) * (1 + stratum)
    sex = rng.integers(0, 2, n)
    age = rng.integers(0, 4, n)
    # answers that depend on the PSU, so the design effect is real
    village_effect = rng.normal(0, 0.8, (n_strata, psus_per_stratum))[stratum, psu]
    answer = np.clip((rng.normal(0, 1, n) + village_effect + 1.5).astype(int), 0, 3)
    score = rng.normal(40, 12, n) + 5 * village_effect + 3 * sex
    return {
        "stratum": stratum,
        "psu": psu,
        "weight": weight,
        "sex": sex,
        "age": age,
        "answer": answer,
        "score": score,
    }


@pytest.fixture
def survey() -> dict[str, np.ndarray]:
    return make_survey()


@pytest.fixture(autouse=True)
def _quiet_samplics():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        yield
