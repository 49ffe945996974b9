"""Errors the statistics engine raises on bad input.

Every error carries a machine-readable ``code`` and its ``params`` so the app can show a translated
message (Arabic first) saying what was wrong and where; the English ``str()`` is for logs and tests.
A bad survey must never turn into a silent NaN or a crash deep inside numpy.
"""

from __future__ import annotations

from typing import Any


class StatsError(ValueError):
    """Base class: ``code`` names the problem, ``params`` locate it."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class InputError(StatsError):
    """Arrays of the wrong length or shape, codes out of range, unknown options."""


class WeightError(StatsError):
    """Weights that are missing (NaN), zero, negative or infinite."""


class SinglePSUError(StatsError):
    """A stratum with one PSU: its variance cannot be estimated without a choice by the user."""


class MarginError(StatsError):
    """Population margins that do not fit the sample (post-stratification, raking)."""


class ConvergenceError(StatsError):
    """Raking that did not converge within its iteration limit."""
