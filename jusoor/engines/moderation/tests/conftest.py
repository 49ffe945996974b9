"""Shared fixtures: the shipped model and lexicon, and the data folder when it is present."""

from __future__ import annotations

import pytest

from jusoor.engines.moderation.classifier import Model, default_model
from jusoor.engines.moderation.data import data_dir, has_data
from jusoor.engines.moderation.lexicon import Lexicon, default_lexicon


@pytest.fixture(scope="session")
def model() -> Model:
    return default_model()


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return default_lexicon()


@pytest.fixture(scope="session")
def shared_data():
    if not has_data():
        pytest.skip(f"Arabic offensive-language data not found in {data_dir()}")
    return data_dir()
