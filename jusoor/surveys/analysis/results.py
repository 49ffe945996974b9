"""What an analysis returns: plain, JSON-serialisable dataclasses (for pages, files and snapshots)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

SHARE_STATISTICS = {"proportion", "top_box", "selected", "ranked_first"}


def figure_text(x: float | None, share: bool) -> str:
    """A share as a whole percentage, anything else with two decimals; a dash when missing."""
    if x is None:
        return "—"
    return f"{x * 100:.0f}%" if share else f"{x:.2f}"


@dataclass
class TableRow:
    """One figure: a statistic of one category in one domain, with its precision.

    ``domain`` is ``[[variable, value], ...]`` (empty for all respondents) and ``domain_labels``
    the levels as people read them. Shares are fractions (0.42), shown as percentages. ``n`` is
    the number of respondents in the domain who answered; ``n_category`` of those who gave this
    answer; ``weighted_n`` the weighted number answering (the population they represent when
    weighted). ``suppressed`` marks a figure that disclosure control hides outside the workspace
    (``suppressed_reason``: ``small_cell``, ``complementary`` or ``empty``).
    """

    domain: list[list[str]]
    domain_labels: list[str]
    category: str | None
    category_label: str
    statistic: str
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    n_category: int | None
    weighted_n: float
    deff: float | None
    df: int
    suppressed: bool = False
    suppressed_reason: str | None = None
    note: str | None = None

    @property
    def is_share(self) -> bool:
        return self.statistic in SHARE_STATISTICS

    @property
    def estimate_text(self) -> str:
        return figure_text(self.estimate, self.is_share)

    @property
    def interval_text(self) -> str:
        if self.ci_low is None or self.ci_high is None:
            return "—"
        return (
            f"{figure_text(self.ci_low, self.is_share)}–{figure_text(self.ci_high, self.is_share)}"
        )

    @property
    def weighted_n_text(self) -> str:
        return f"{self.weighted_n:,.0f}"

    @property
    def deff_text(self) -> str:
        return "—" if self.deff is None else f"{self.deff:.2f}"

    @property
    def domain_label(self) -> str:
        return " · ".join(self.domain_labels)

    @property
    def breakdown(self) -> str:
        return "+".join(name for name, _ in self.domain)

    def released(self) -> TableRow:
        """The row as it may leave the workspace: a suppressed figure loses every number."""
        if not self.suppressed:
            return self
        return dataclasses.replace(
            self,
            estimate=None,
            se=None,
            ci_low=None,
            ci_high=None,
            n=0,
            n_category=None,
            weighted_n=0.0,
            deff=None,
        )


@dataclass
class QuestionTable:
    """Every figure of one question: overall, then by each breakdown asked for."""

    name: str
    label: str
    kind: str
    rows: list[TableRow]
    breakdowns: list[str] = field(default_factory=list)  # "" (overall), "area", "area+sex"
    breakdown_labels: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def rows_for(self, breakdown: str, statistic: str | None = None) -> list[TableRow]:
        return [
            r
            for r in self.rows
            if r.breakdown == breakdown and (statistic is None or r.statistic == statistic)
        ]

    @property
    def statistics(self) -> list[str]:
        return list(dict.fromkeys(r.statistic for r in self.rows))

    @property
    def suppressed_count(self) -> int:
        return sum(r.suppressed for r in self.rows)


@dataclass
class AnalysisResult:
    """An analysis of chosen questions by chosen breakdowns, as computed at ``computed_at``."""

    form_id: int
    form_title: str
    language: str
    weighted: bool
    questions: list[str]
    breakdowns: list[str]
    tables: list[QuestionTable]
    respondents: int  # submissions counted (current, not rejected)
    analysed: int  # of which in the analysis (those with the design variables it needs)
    synthetic: int
    threshold: int
    stratified: bool = False
    clustered: bool = False
    design_df: int = 0
    weighting: str = "none"  # "none" | "raking"
    computed_at: str = ""
    warnings: list[str] = field(default_factory=list)

    def released(self) -> AnalysisResult:
        """A copy fit to leave the workspace: suppressed figures without numbers."""
        tables = [dataclasses.replace(t, rows=[r.released() for r in t.rows]) for t in self.tables]
        return dataclasses.replace(self, tables=tables)

    def table(self, name: str) -> QuestionTable | None:
        return next((t for t in self.tables if t.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnalysisResult:
        values = dict(data)
        values["tables"] = [
            QuestionTable(
                **{
                    **{k: v for k, v in t.items() if k != "rows"},
                    "rows": [TableRow(**r) for r in t["rows"]],
                }
            )
            for t in data["tables"]
        ]
        return cls(**values)


@dataclass
class CrossTabResult:
    """Answers to ``column`` by ``row`` (row percentages with intervals) and the Rao–Scott test
    of independence (R's ``svychisq``, second-order F)."""

    row: str
    row_label: str
    column: str
    column_label: str
    table: QuestionTable
    f_statistic: float
    ndf: float
    ddf: float
    p_value: float
    chisq: float
    mean_deff: float
    weighted: bool
    analysed: int

    @property
    def stats_text(self) -> str:
        return (
            f"F = {self.f_statistic:.2f}, df = {self.ndf:.2f}, {self.ddf:.1f}, "
            f"p = {self.p_value:.4f}"
        )

    @property
    def deff_text(self) -> str:
        return f"{self.mean_deff:.2f}"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class DifferenceResult:
    """Group ``a`` minus group ``b`` on one figure, with its interval."""

    question: str
    question_label: str
    statistic: str
    category: str | None
    category_label: str
    variable: str
    variable_label: str
    a: str
    a_label: str
    b: str
    b_label: str
    estimate_a: float | None
    estimate_b: float | None
    difference: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    df: int
    n_a: int
    n_b: int
    suppressed: bool
    weighted: bool

    @property
    def is_share(self) -> bool:
        return self.statistic in SHARE_STATISTICS

    def _points(self, x: float | None) -> str:
        if x is None:
            return "—"
        text = f"{x * 100:+.1f}" if self.is_share else f"{x:+.2f}"
        return text.replace("-", "\u2212")  # a real minus sign: never taken for a hyphen

    @property
    def a_text(self) -> str:
        return figure_text(self.estimate_a, self.is_share)

    @property
    def b_text(self) -> str:
        return figure_text(self.estimate_b, self.is_share)

    @property
    def difference_text(self) -> str:
        return self._points(self.difference)

    @property
    def ci_low_text(self) -> str:
        return self._points(self.ci_low)

    @property
    def ci_high_text(self) -> str:
        return self._points(self.ci_high)

    @property
    def significant(self) -> bool | None:
        if self.ci_low is None or self.ci_high is None:
            return None
        return self.ci_low > 0 or self.ci_high < 0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
