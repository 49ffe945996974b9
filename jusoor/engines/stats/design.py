"""The survey design: weights, strata, PSUs (clusters), finite population correction.

Everything downstream is a grouped sum, so the design stores integer codes: ``stratum`` (0..H-1)
and ``psu`` (0..C-1, numbered stratum by stratum so each stratum's PSUs are contiguous). Variance
is the Taylor-linearised, with-replacement-at-the-first-stage ("ultimate cluster") estimator of
R's ``survey`` and of ``samplics``::

    V = sum_h (1 - f_h) * n_h / (n_h - 1) * sum_i (z_hi - mean_h z)^2

where ``z_hi`` is the total of the linearised scores in PSU ``i`` of stratum ``h``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from jusoor.engines.stats.errors import InputError, SinglePSUError, WeightError

#: What to do with a stratum holding a single PSU, named as in R's ``options(survey.lonely.psu)``.
#: "fail": refuse (the default, as in R); "certainty"/"remove": the stratum adds no variance
#: (samplics' "skip"); "adjust"/"centered": centre the lonely PSU at the grand mean of PSU totals
#: instead of its (undefined) stratum mean; "average": replace it by the average of the other strata.
LONELY_PSU_OPTIONS = ("fail", "certainty", "remove", "adjust", "centered", "average")


def factorize(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and each row's index into them, like ``np.unique(...,
    return_inverse=True)`` but O(n) for small non-negative integers (area, village, sex codes),
    which is what survey columns are; a million-row sort is the slowest step otherwise."""
    if arr.dtype.kind in "iub" and arr.size:
        lo, hi = int(arr.min()), int(arr.max())
        if lo >= 0 and hi < max(1 << 20, 4 * arr.size):
            present = np.bincount(arr, minlength=hi + 1) > 0
            labels = np.flatnonzero(present)
            lookup = np.cumsum(present) - 1
            return labels.astype(arr.dtype), lookup[arr].astype(np.int64)
    labels, inverse = np.unique(arr, return_inverse=True)
    return labels, inverse.astype(np.int64)


def _codes(values: Any, name: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise InputError(
            "length_mismatch",
            f"{name} has {arr.shape[0] if arr.ndim == 1 else arr.shape} values, expected {n}",
            column=name,
            expected=n,
        )
    if arr.dtype.kind == "f" and np.isnan(arr).any():
        rows = np.flatnonzero(np.isnan(arr))[:10].tolist()
        raise InputError(
            "design_missing", f"{name} is missing in rows {rows}", column=name, rows=rows
        )
    if arr.dtype.kind == "O" and any(v is None for v in arr):
        rows = [i for i, v in enumerate(arr) if v is None][:10]
        raise InputError(
            "design_missing", f"{name} is missing in rows {rows}", column=name, rows=rows
        )
    return factorize(arr)


def check_weights(weights: Any, n: int | None = None) -> np.ndarray:
    """Return weights as float64, or raise a WeightError naming the first offending rows.

    A zero weight would silently drop a respondent and a NaN would poison every total, so both are
    refused here rather than discovered as a NaN in a published table.
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or (n is not None and w.shape[0] != n):
        raise InputError("length_mismatch", f"weights must have {n} values", column="weights")
    if w.shape[0] == 0:
        raise InputError("no_rows", "the survey has no rows")
    bad = np.isnan(w)
    if bad.any():
        rows = np.flatnonzero(bad)[:10].tolist()
        raise WeightError(
            "weights_missing",
            f"{int(bad.sum())} weights are missing (NaN), first rows {rows}",
            count=int(bad.sum()),
            rows=rows,
        )
    bad = ~np.isfinite(w)
    if bad.any():
        rows = np.flatnonzero(bad)[:10].tolist()
        raise WeightError("weights_infinite", f"infinite weights in rows {rows}", rows=rows)
    bad = w <= 0
    if bad.any():
        rows = np.flatnonzero(bad)[:10].tolist()
        kind = "zero" if (w[bad] == 0).all() else "zero or negative"
        raise WeightError(
            "weights_nonpositive",
            f"{int(bad.sum())} weights are {kind}, first rows {rows}; every respondent needs a"
            " positive weight (drop out-of-scope rows before building the design)",
            count=int(bad.sum()),
            rows=rows,
        )
    return w


@dataclass(frozen=True, eq=False)
class SurveyDesign:
    """A stratified cluster design with integer-coded strata and PSUs.

    Build it with :meth:`from_columns`; the fields are codes ready for ``np.bincount``.
    ``psu`` is None for element sampling (each respondent is its own PSU): variance is then
    computed from per-stratum moments instead of per-PSU totals, so a million unclustered rows
    never become a million-row matrix.
    """

    weights: np.ndarray
    stratum: np.ndarray
    psu: np.ndarray | None
    stratum_labels: np.ndarray
    psu_stratum: np.ndarray  # stratum code of each PSU (clustered designs)
    psus_per_stratum: np.ndarray  # n_h: PSUs (or rows, for element sampling) per stratum
    fpc_factor: np.ndarray  # 1 - n_h / N_h per stratum (1 without fpc)
    lonely_psu: str

    @classmethod
    def from_columns(
        cls,
        weights: Any,
        strata: Any = None,
        psu: Any = None,
        population_psus: Mapping[Any, float] | Any = None,
        lonely_psu: str = "fail",
    ) -> SurveyDesign:
        """Build a design from row-aligned columns.

        ``psu`` labels may repeat across strata (PSU 1 of area A is not PSU 1 of area B: PSUs are
        nested in strata, R's ``nest=TRUE``). ``population_psus`` is N_h, the number of PSUs in each
        stratum's population (a mapping from stratum label, or one value per row as R's ``fpc=``);
        without it there is no finite population correction.
        """
        w = check_weights(weights)
        n = w.shape[0]
        if lonely_psu not in LONELY_PSU_OPTIONS:
            raise InputError(
                "unknown_option",
                f"lonely_psu must be one of {LONELY_PSU_OPTIONS}, not {lonely_psu!r}",
                option="lonely_psu",
                value=lonely_psu,
            )
        if strata is None:
            s_labels, s_codes = np.array([0]), np.zeros(n, dtype=np.int64)
        else:
            s_labels, s_codes = _codes(strata, "strata", n)
        n_strata = s_labels.shape[0]
        if psu is None:
            psu_codes = None
            psu_stratum = np.empty(0, dtype=np.int64)
            per_stratum = np.bincount(s_codes, minlength=n_strata)
        else:
            _, p_codes = _codes(psu, "psu", n)
            key = s_codes * (int(p_codes.max()) + 1) + p_codes
            uniq, psu_codes = factorize(key)
            psu_stratum = uniq // (int(p_codes.max()) + 1)
            per_stratum = np.bincount(psu_stratum, minlength=n_strata)
        fpc = np.ones(n_strata)
        if population_psus is not None:
            fpc = cls._fpc(population_psus, s_labels, s_codes, per_stratum)
        design = cls(
            weights=w,
            stratum=s_codes,
            psu=psu_codes,
            stratum_labels=s_labels,
            psu_stratum=psu_stratum,
            psus_per_stratum=per_stratum,
            fpc_factor=fpc,
            lonely_psu={"remove": "certainty", "centered": "adjust"}.get(lonely_psu, lonely_psu),
        )
        lonely = np.flatnonzero(per_stratum == 1)
        if lonely.size and design.lonely_psu == "fail":
            names = s_labels[lonely].tolist()
            raise SinglePSUError(
                "single_psu_stratum",
                f"strata {names} have only one PSU, so their variance cannot be estimated; collapse"
                " each with a similar stratum, or choose lonely_psu='certainty' (the PSU was"
                " sampled with certainty: no variance), 'adjust' (centre it at the grand mean,"
                " conservative) or 'average'",
                strata=names,
                options=["collapse", "certainty", "adjust", "average"],
            )
        if design.lonely_psu == "average" and lonely.size == n_strata:
            raise SinglePSUError(
                "single_psu_stratum",
                "every stratum has one PSU, so there is no stratum to average over",
                strata=s_labels.tolist(),
                options=["collapse", "certainty", "adjust"],
            )
        return design

    @staticmethod
    def _fpc(population: Any, labels: np.ndarray, codes: np.ndarray, n_h: np.ndarray) -> np.ndarray:
        if isinstance(population, Mapping):
            missing = [lab for lab in labels.tolist() if lab not in population]
            if missing:
                raise InputError(
                    "fpc_missing_stratum",
                    f"population_psus has no value for strata {missing}",
                    strata=missing,
                )
            big_n = np.array([float(population[lab]) for lab in labels.tolist()])
        else:
            per_row = np.asarray(population, dtype=np.float64)
            if per_row.shape != codes.shape:
                raise InputError("length_mismatch", "population_psus must have one value per row")
            big_n = np.full(labels.shape[0], np.nan)
            big_n[codes] = per_row
            if (np.bincount(codes, weights=(per_row != big_n[codes])) > 0).any():
                raise InputError(
                    "fpc_not_constant", "population_psus must be constant within each stratum"
                )
        bad = ~(big_n >= n_h)
        if bad.any():
            names = labels[bad].tolist()
            raise InputError(
                "fpc_smaller_than_sample",
                f"strata {names} have fewer population PSUs than sampled PSUs",
                strata=names,
            )
        return 1.0 - n_h / big_n

    # -- sizes -----------------------------------------------------------------------------

    @property
    def n_rows(self) -> int:
        return int(self.weights.shape[0])

    @property
    def n_strata(self) -> int:
        return int(self.stratum_labels.shape[0])

    @property
    def n_psus(self) -> int:
        """PSUs in the design; for element sampling every row is a PSU."""
        return int(self.psus_per_stratum.sum())

    @property
    def df(self) -> int:
        """Design degrees of freedom: PSUs minus strata (R's ``degf``, samplics' df)."""
        return self.n_psus - self.n_strata

    @property
    def clustered(self) -> bool:
        return self.psu is not None

    @property
    def unit(self) -> np.ndarray:
        """Row -> variance unit: the PSU for clustered designs, the stratum otherwise."""
        return self.psu if self.psu is not None else self.stratum

    @property
    def n_units(self) -> int:
        return int(self.psu_stratum.shape[0]) if self.clustered else self.n_strata

    # -- variance --------------------------------------------------------------------------

    def stratum_stats(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-stratum sum and centred sum of squares of PSU score totals ``z`` (C, M)."""
        starts = np.concatenate(([0], np.cumsum(self.psus_per_stratum)[:-1]))
        s1 = np.add.reduceat(z, starts, axis=0)
        centred = z - (s1 / self.psus_per_stratum[:, None])[self.psu_stratum]
        return s1, np.add.reduceat(centred * centred, starts, axis=0)

    def variance(self, s1: np.ndarray, ss: np.ndarray) -> np.ndarray:
        """Combine per-stratum sums ``s1`` and centred squares ``ss`` (H, M) into variances (M,)."""
        n_h = self.psus_per_stratum[:, None].astype(np.float64)
        f = self.fpc_factor[:, None]
        lonely = n_h[:, 0] == 1
        scale = np.where(n_h > 1, n_h / np.maximum(n_h - 1, 1), 1.0)
        contrib = f * scale * ss
        if lonely.any():
            if self.lonely_psu == "adjust":
                grand = s1.sum(axis=0) / self.n_psus
                contrib[lonely] = f[lonely] * (s1[lonely] - grand) ** 2
            else:
                contrib[lonely] = 0.0
        total = contrib.sum(axis=0)
        if lonely.any() and self.lonely_psu == "average":
            total = total * self.n_strata / (self.n_strata - int(lonely.sum()))
        return total

    def domain_df(self, counts: np.ndarray) -> np.ndarray:
        """R's ``degf`` of a domain's subset design, from unweighted counts per unit (U, M).

        R's ``svyby(..., svyciprop)`` evaluates ``degf`` on each subset design: PSUs with a
        respondent in the domain minus strata with a respondent in the domain.
        """
        present = counts > 0
        if self.clustered:
            starts = np.concatenate(([0], np.cumsum(self.psus_per_stratum)[:-1]))
            n_psu = present.sum(axis=0)
            n_str = (np.add.reduceat(present.astype(np.int64), starts, axis=0) > 0).sum(axis=0)
            return (n_psu - n_str).astype(np.int64)
        return (counts.sum(axis=0) - present.sum(axis=0)).astype(np.int64)
