"""Who is in each opinion group, by sex, age band and area, without exposing anyone.

Why suppression here and not in the template: a group breakdown is an aggregate that may leave
the workspace (a donor report, a public page), and a cell of two women aged 18–24 from one
village can identify them. Cells with 1 to 4 people are withheld; when a row would then have a
single withheld cell (recoverable from the group total) the next smallest cell is withheld too;
a group smaller than the threshold is withheld whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Cell:
    """One category of one attribute in one group; count is None when suppressed."""

    category: str
    count: int | None

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class GroupBreakdown:
    """A group's size (None when suppressed) and its cells per attribute, categories sorted."""

    group: int
    size: int | None
    attributes: dict[str, list[Cell]]


def demographic_breakdown(
    labels: Sequence[int] | np.ndarray,
    attributes: Mapping[str, Sequence[str | None]],
    *,
    min_cell: int = 5,
) -> list[GroupBreakdown]:
    """Counts per group and category, small cells suppressed.

    `labels` is `OpinionResult.labels` (group per participant, -1 not clustered and left out);
    each attribute (e.g. "sex", "age_band", "area") gives one value per participant, None or ""
    for not reported (counted as "unknown"). Every group lists the same categories, so a
    missing category is a zero, not a gap.
    """
    labels = np.asarray(labels)
    for name, values in attributes.items():
        if len(values) != len(labels):
            raise ValueError(
                f"attribute {name!r} has {len(values)} values for {len(labels)} people"
            )
    groups = sorted(int(g) for g in np.unique(labels) if g >= 0)
    clean = {
        name: np.array([str(v) if v not in (None, "") else UNKNOWN for v in values], dtype=object)
        for name, values in attributes.items()
    }
    result = []
    for g in groups:
        in_group = labels == g
        size = int(in_group.sum())
        table: dict[str, list[Cell]] = {}
        for name, values in clean.items():
            categories = sorted(set(values[labels >= 0].tolist()))
            counts = [int(np.count_nonzero(values[in_group] == c)) for c in categories]
            if size < min_cell:
                table[name] = [Cell(c, None) for c in categories]
            else:
                table[name] = _suppress(categories, counts, min_cell)
        result.append(GroupBreakdown(g, size if size >= min_cell else None, table))
    return result


def _suppress(categories: list[str], counts: list[int], min_cell: int) -> list[Cell]:
    hidden = [0 < n < min_cell for n in counts]
    if sum(hidden) == 1:
        # One hidden cell = group size minus the others: hide the next smallest non-zero cell.
        visible = [(n, i) for i, n in enumerate(counts) if not hidden[i] and n > 0]
        if visible:
            hidden[min(visible)[1]] = True
    return [Cell(c, None if h else n) for c, n, h in zip(categories, counts, hidden, strict=True)]
