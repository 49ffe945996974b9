"""Disclosure control for every figure that leaves the workspace.

Primary suppression hides cells with fewer than ``threshold`` respondents (default 5): in a survey
on violent extremism, "the 2 women aged 18-29 in Hit who said ..." identifies people. Complementary
suppression then hides more cells until no hidden cell can be worked out from the published row,
column and grand totals: no line (row or column, with its total) is left with a single hidden
entry, and no hidden entry is pinned down by the linear system of all totals (checked exactly,
with the null space of the constraints, which catches the "bridge" patterns a line-by-line rule
misses).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from jusoor.engines.stats.errors import InputError
from jusoor.engines.stats.kernel import Estimate


@dataclass(frozen=True)
class DisclosureRules:
    """What may be published.

    ``threshold``: smallest number of respondents a published cell may describe.
    ``suppress_zeros``: hide true zeros too (by default a zero is shown: it describes nobody,
    but some funders ask to hide them because "nobody said X" can itself be sensitive).
    ``count_base``: counts are rounded to a multiple of this (1 = exact, 5 = nearest five).
    ``percent_decimals`` / ``value_decimals``: rounding of shares (as percentages) and of means.
    """

    threshold: int = 5
    suppress_zeros: bool = False
    count_base: int = 1
    percent_decimals: int = 0
    value_decimals: int = 1

    def __post_init__(self) -> None:
        if self.threshold < 1 or self.count_base < 1 or self.percent_decimals < 0:
            raise InputError("disclosure_rules", "threshold and count_base must be at least 1")

    def round_count(self, n: float) -> int:
        return int(self.count_base * np.floor(n / self.count_base + 0.5))


@dataclass(frozen=True)
class ProtectedTable:
    """A table with its margins: ``values`` and ``suppressed`` are (R+1, C+1), the last row and
    column being the totals; ``primary`` marks the cells hidden for being small."""

    values: np.ndarray
    suppressed: np.ndarray
    primary: np.ndarray


def _lines(shape: tuple[int, int]) -> list[list[tuple[int, int]]]:
    r, c = shape
    return [[(i, j) for j in range(c)] for i in range(r)] + [
        [(i, j) for i in range(r)] for j in range(c)
    ]


def determined_cells(suppressed: np.ndarray) -> np.ndarray:
    """Hidden cells of an (R+1, C+1) table-with-margins that its published entries pin down.

    Each row and column says "cells add up to the total". A hidden cell is recoverable exactly when
    every solution of the homogeneous system over the hidden cells leaves it at zero.
    """
    hidden = np.argwhere(suppressed)
    out = np.zeros_like(suppressed, dtype=bool)
    if hidden.size == 0:
        return out
    r, c = suppressed.shape
    index = {tuple(x): k for k, x in enumerate(hidden.tolist())}
    rows = []
    for i in range(r):
        row = np.zeros(len(index))
        for j in range(c - 1):
            if (i, j) in index:
                row[index[(i, j)]] += 1
        if (i, c - 1) in index:
            row[index[(i, c - 1)]] -= 1
        rows.append(row)
    for j in range(c):
        row = np.zeros(len(index))
        for i in range(r - 1):
            if (i, j) in index:
                row[index[(i, j)]] += 1
        if (r - 1, j) in index:
            row[index[(r - 1, j)]] -= 1
        rows.append(row)
    a = np.array(rows)
    _, sing, vt = np.linalg.svd(a)
    rank = int((sing > 1e-9 * max(1.0, sing.max(initial=0))).sum())
    null = vt[rank:]
    free = (np.abs(null) > 1e-9).any(axis=0) if null.size else np.zeros(len(index), bool)
    for (i, j), k in index.items():
        out[i, j] = not free[k]
    return out


def protect_counts(counts: Sequence[int | None], threshold: int) -> list[int | None]:
    """One breakdown of counts of people whose total is published (reach by sex, ratings...).

    Counts from 1 to ``threshold - 1`` are hidden (``None``); when only one is, the smallest other
    positive count is hidden too, so the hidden one cannot be worked out from the total. Zeros and
    unknowns (``None``) stay as they are.
    """
    shown = [None if c is not None and 0 < c < threshold else c for c in counts]
    hidden = sum(1 for c, v in zip(counts, shown, strict=True) if c is not None and v is None)
    if hidden == 1:
        rest = sorted((v, i) for i, v in enumerate(shown) if v)
        if rest:
            shown[rest[0][1]] = None
    return shown


def protect_table(
    counts: Any, rules: DisclosureRules | None = None, sensitive: Any = None
) -> ProtectedTable:
    """Suppress small cells of a two-way table of respondent counts and protect them.

    ``counts`` is (R, C) without margins; margins are added. Rows are domains: a row whose total
    is under the threshold is hidden whole. ``sensitive`` (same shape as the
    table with margins) may mark further cells to hide, e.g. where a weighted share rests on
    few respondents.
    """
    rules = rules or DisclosureRules()
    table = np.asarray(counts, dtype=np.float64)
    if table.ndim == 1:
        table = table[None, :]
    if table.ndim != 2 or (table < 0).any():
        raise InputError("disclosure_table", "counts must be a 2-D table of non-negative numbers")
    full = np.zeros((table.shape[0] + 1, table.shape[1] + 1))
    full[:-1, :-1] = table
    full[:-1, -1] = table.sum(axis=1)
    full[-1, :-1] = table.sum(axis=0)
    full[-1, -1] = table.sum()
    low = 0 if rules.suppress_zeros else 1
    primary = (full >= low) & (full < rules.threshold)
    # a row (a domain) of fewer respondents than the threshold hides all its figures: even a
    # zero ("none of the 3 women in Hit said ...") tells something about identifiable people
    small_rows = (full[:-1, -1] >= 1) & (full[:-1, -1] < rules.threshold)
    primary[:-1][small_rows] = True
    if sensitive is not None:
        primary |= np.asarray(sensitive, dtype=bool)
    hidden = primary.copy()
    grand = (full.shape[0] - 1, full.shape[1] - 1)
    lines = _lines(full.shape)
    while True:
        changed = False
        for line in lines:
            if sum(hidden[x] for x in line) == 1:
                _hide_another(full, hidden, line, grand)
                changed = True
        if not changed:
            exposed = np.argwhere(determined_cells(hidden))
            if exposed.size == 0:
                break
            i, j = exposed[0]
            before = int(hidden.sum())
            # open a cycle through the exposed cell: hide another cell of its row and column
            for line in (lines[i], lines[full.shape[0] + j]):
                _hide_another(full, hidden, line, grand)
            if int(hidden.sum()) == before:  # nothing left to hide around it: hide everything
                hidden[:] = True
                break
    return ProtectedTable(values=full, suppressed=hidden, primary=primary)


def _hide_another(
    full: np.ndarray, hidden: np.ndarray, line: list[tuple[int, int]], grand: tuple[int, int]
) -> None:
    """Hide the smallest visible entry of a line, preferring inner cells over totals."""
    candidates = [x for x in line if not hidden[x]]
    if not candidates:
        return
    inner = [x for x in candidates if x[0] != grand[0] and x[1] != grand[1]]
    pool = inner or [x for x in candidates if x != grand] or candidates
    hidden[min(pool, key=lambda x: (full[x] == 0, full[x]))] = True


@dataclass(frozen=True)
class PublishedFigure:
    """A figure fit to leave the workspace: rounded, or None with the reason it is hidden."""

    source: Estimate
    value: float | None
    lower: float | None
    upper: float | None
    n: int | None
    suppressed: bool
    reason: str | None  # "small_cell" | "complementary" | None


_SHARES = {"proportion", "top_box", "selected", "ranked_first"}


def suppress_estimates(
    estimates: Sequence[Estimate], rules: DisclosureRules | None = None
) -> list[PublishedFigure]:
    """Apply the rules to estimates from :func:`tabulate` (or the single estimators).

    Estimates of one question and statistic over one domain variable form a table (domain levels x
    categories, with the overall estimates as its margin when present); each table is protected
    with :func:`protect_table` on the unweighted counts behind the figures. Shares are published as
    percentages.
    """
    rules = rules or DisclosureRules()
    groups: dict[tuple, list[int]] = defaultdict(list)
    overall: dict[tuple, list[int]] = defaultdict(list)
    for i, e in enumerate(estimates):
        key = (e.question, e.statistic, tuple(name for name, _ in e.domain))
        groups[key].append(i)
        if not e.domain:
            overall[(e.question, e.statistic)].append(i)
    verdict: dict[int, str] = {}
    for (question, statistic, dvars), idx in groups.items():
        if (
            not dvars
            and len(groups) > 1
            and any(k[0] == question and k[1] == statistic and k[2] for k in groups)
        ):
            continue  # the overall row is protected as the margin of each domain table
        levels = list(dict.fromkeys(estimates[i].domain for i in idx))
        cats = list(dict.fromkeys(estimates[i].category for i in idx))
        margin = [] if not dvars else overall.get((question, statistic), [])
        table = np.zeros((len(levels), len(cats)))
        totals = np.zeros(len(levels))
        where = {}
        for i in idx:
            e = estimates[i]
            r, c = levels.index(e.domain), cats.index(e.category)
            table[r, c] = e.n_category if e.n_category is not None else e.n
            totals[r] = e.n
            where[i] = (r, c)
        shares = statistic in _SHARES and all(estimates[i].n_category is not None for i in idx)
        if not shares:
            table = totals[:, None]
            where = {i: (r, 0) for i, (r, _) in where.items()}
        elif len(cats) == 1:
            # one share of a yes/no item: "95% of 20" names the one who did not, so the
            # complement is a cell too
            table = np.column_stack([table[:, 0], totals - table[:, 0]])
        protected = protect_table(table, rules)
        for i, (r, c) in where.items():
            if protected.suppressed[r, c]:
                verdict[i] = "small_cell" if protected.primary[r, c] else "complementary"
        for i in margin:
            c = cats.index(estimates[i].category) if estimates[i].category in cats else 0
            if protected.suppressed[-1, c if shares else 0]:
                reason = "small_cell" if protected.primary[-1, c if shares else 0] else None
                verdict[i] = reason or "complementary"
    return [_publish(e, verdict.get(i), rules) for i, e in enumerate(estimates)]


def _publish(e: Estimate, reason: str | None, rules: DisclosureRules) -> PublishedFigure:
    if reason is not None or e.empty:
        return PublishedFigure(e, None, None, None, None, True, reason or "small_cell")
    share = e.statistic in _SHARES
    scale, digits = (100.0, rules.percent_decimals) if share else (1.0, rules.value_decimals)

    def rnd(x: float | None) -> float | None:
        return None if x is None else round(x * scale, digits)

    return PublishedFigure(
        source=e,
        value=rnd(e.estimate),
        lower=rnd(e.lower),
        upper=rnd(e.upper),
        n=rules.round_count(e.n),
        suppressed=False,
        reason=None,
    )
