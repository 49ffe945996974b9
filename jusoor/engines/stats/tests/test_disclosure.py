"""Small cells are hidden, and no hidden cell can be worked out from the published totals."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from jusoor.engines.stats import (
    DisclosureRules,
    SelectMultiple,
    SelectOne,
    SurveyDesign,
    protect_table,
    suppress_estimates,
    tabulate,
)
from jusoor.engines.stats.disclosure import determined_cells


def _recover_by_subtraction(values, hidden):
    """What an outsider does: any row or column with one hidden entry gives it away."""
    known = ~hidden
    recovered = set()
    changed = True
    while changed:
        changed = False
        for axis in (0, 1):
            lines = known if axis == 1 else known.T
            for i, line in enumerate(lines):
                if (~line).sum() == 1:
                    j = int(np.flatnonzero(~line)[0])
                    cell = (i, j) if axis == 1 else (j, i)
                    known[cell] = True
                    recovered.add(cell)
                    changed = True
    return recovered


def test_a_cell_of_three_respondents_is_hidden_and_so_is_its_complement():
    table = protect_table([[10, 3, 12], [20, 30, 25], [8, 9, 40]])
    assert table.primary[0, 1] and table.suppressed[0, 1]
    assert table.suppressed[0].sum() >= 2 and table.suppressed[:, 1].sum() >= 2
    assert not _recover_by_subtraction(table.values, table.suppressed.copy())


@settings(max_examples=150, deadline=None)
@given(
    arrays(np.int64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=st.integers(0, 14))
)
def test_no_suppressed_cell_can_be_recovered_from_row_and_column_totals(counts):
    table = protect_table(counts)
    small = (table.values >= 1) & (table.values < 5)
    assert table.suppressed[small].all()
    assert not _recover_by_subtraction(table.values, table.suppressed.copy())
    assert not determined_cells(table.suppressed).any()


def test_a_bridge_between_two_hidden_rectangles_is_caught_although_every_line_has_two():
    hidden = np.zeros((5, 5), dtype=bool)  # 4 x 4 cells plus their totals
    hidden[np.ix_([0, 1], [0, 1])] = True
    hidden[np.ix_([2, 3], [2, 3])] = True
    hidden[0, 2] = True  # the bridge: row 0 and column 2 have three hidden entries each
    assert all(hidden[i].sum() != 1 and hidden[:, i].sum() != 1 for i in range(5))
    assert not _recover_by_subtraction(np.zeros((5, 5)), hidden.copy())
    assert determined_cells(hidden)[0, 2]  # yet cols 0 + 1 minus row 1 give rows 0's pair
    assert determined_cells(hidden).sum() == 1


def test_zeros_are_shown_unless_the_rules_say_otherwise():
    assert not protect_table([[0, 10], [10, 10]]).suppressed.any()
    strict = protect_table([[0, 10], [10, 10]], DisclosureRules(suppress_zeros=True))
    assert strict.suppressed[0, 0]


def test_published_figures_hide_small_domains_round_and_protect_the_overall_margin():
    rng = np.random.default_rng(5)
    n = 400
    area = np.r_[np.zeros(3, int), rng.integers(1, 4, n - 3)]  # area 0 has 3 respondents
    answer = rng.integers(0, 3, n)
    design = SurveyDesign.from_columns(rng.uniform(1, 2, n))
    rows = tabulate(design, [SelectOne("q", answer, ["a", "b", "c"])], {"area": area}).rows()
    published = suppress_estimates(rows, DisclosureRules(threshold=5, count_base=5))
    small = [p for p in published if p.source.domain == (("area", 0),)]
    assert all(p.suppressed and p.value is None and p.n is None for p in small)
    # complementary: another area is hidden too, so area 0 cannot be had from overall - others
    others = {
        p.source.domain for p in published if p.suppressed and p.source.domain != (("area", 0),)
    }
    assert others
    shown = [p for p in published if not p.suppressed]
    assert all(p.n % 5 == 0 for p in shown)
    assert all(p.value == round(p.source.estimate * 100) for p in shown)
    assert all(0 <= p.lower <= p.value <= p.upper <= 100 for p in shown)


def test_a_yes_share_is_hidden_when_too_few_said_no():
    rng = np.random.default_rng(8)
    n = 300
    area = rng.integers(0, 3, n)
    ticked = np.where(area == 0, 1, rng.integers(0, 2, n))
    ticked[np.flatnonzero(area == 0)[:2]] = 0  # in area 0 only two people did not tick
    design = SurveyDesign.from_columns(np.ones(n))
    rows = tabulate(design, [SelectMultiple("q", {"x": ticked})], {"area": area}).rows()
    published = suppress_estimates(rows)
    hidden = {p.source.domain for p in published if p.suppressed}
    assert (("area", 0),) in hidden
    assert len(hidden) >= 2  # and a complement, so area 0 cannot be had from the overall


def test_one_breakdown_hides_small_counts_and_one_more_when_a_single_one_is_hidden():
    from jusoor.engines.stats import protect_counts

    # 3 alone would follow from the total 3 + 40 + 12: the next smallest (12) goes too.
    assert protect_counts([3, 40, 12], 5) == [None, 40, None]
    # Two hidden cells already protect each other; zeros and unknowns stay.
    assert protect_counts([2, 4, 0, 30, None], 5) == [None, None, 0, 30, None]
    assert protect_counts([7, 9], 5) == [7, 9]
    # Nothing else to hide: the single small cell stays hidden alone.
    assert protect_counts([1, 0], 5) == [None, 0]
