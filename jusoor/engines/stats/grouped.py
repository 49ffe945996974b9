"""Grouped sums: one ``np.bincount`` per question over (PSU x every domain x answer).

All domain variables of a tabulation are folded into one joint code per row, precomputed once, so a
question costs one multiply-add and a few bincounts over the rows, whatever the number of domains;
overall, area, sex, age band and their combinations are then marginal sums of a small array.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from jusoor.engines.stats.design import SurveyDesign, factorize
from jusoor.engines.stats.errors import InputError
from jusoor.engines.stats.kernel import EstimateBlock, finish, linearise

#: Above this many (unit x joint-domain) cells, fall back to one grouping per domain spec.
MAX_JOINT_CELLS = 2_000_000


@dataclass(frozen=True)
class _Group:
    names: tuple[str, ...]
    sizes: tuple[int, ...]
    code: np.ndarray  # row -> unit * J + joint domain cell
    fold: np.ndarray | None  # (J, sum of D over specs): joint cell -> domain of each spec
    offsets: dict[tuple[str, ...], tuple[int, int]]
    take: np.ndarray | None = None  # joint cells kept, when the group is a single spec


@dataclass(frozen=True)
class DomainVar:
    """A domain variable as codes 0..L-1 (L = missing, excluded from every level) and labels."""

    name: str
    codes: np.ndarray
    labels: list[Any]


def domain_var(name: str, values: Any, labels: Sequence[Any] | None, n: int) -> DomainVar:
    """Code a domain column. With ``labels`` the values are codes into it (-1 = missing), so a
    level nobody in the sample has still gets its (empty) estimate; without, levels are the
    distinct values seen."""
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise InputError("length_mismatch", f"domain {name!r} must have {n} values", column=name)
    if labels is None:
        if arr.dtype.kind == "f":
            ok = ~np.isnan(arr)
            uniq, inv = np.unique(arr[ok], return_inverse=True)
            codes = np.full(n, uniq.shape[0], dtype=np.int64)
            codes[ok] = inv
        else:
            uniq, codes = factorize(arr)
        return DomainVar(name, codes.astype(np.int64), uniq.tolist())
    n_levels = len(labels)
    codes = arr.astype(np.int64)
    if codes.size and (codes.min() < -1 or codes.max() >= n_levels):
        raise InputError(
            "code_out_of_range",
            f"domain {name!r} has codes outside -1..{n_levels - 1}",
            column=name,
            levels=n_levels,
        )
    return DomainVar(name, np.where(codes < 0, n_levels, codes), list(labels))


class Accumulator:
    """Precomputed row codes for a set of domain specs (tuples of domain variable names)."""

    def __init__(
        self, design: SurveyDesign, variables: Sequence[DomainVar], specs: Sequence[tuple[str, ...]]
    ) -> None:
        self.design = design
        self.vars = {v.name: v for v in variables}
        for spec in specs:
            for name in spec:
                if name not in self.vars:
                    raise InputError("unknown_domain", f"no domain variable {name!r}", domain=name)
        used = [v.name for v in variables if any(v.name in s for s in specs)]
        sizes = [len(self.vars[name].labels) + 1 for name in used]
        joint = int(np.prod(sizes)) if sizes else 1
        domains = sum(int(np.prod([len(self.vars[v].labels) for v in spec])) for spec in specs)
        if design.n_units * joint <= MAX_JOINT_CELLS and joint * domains <= MAX_JOINT_CELLS:
            self.groups = [self._group(tuple(used), specs)]
            self.spec_group = dict.fromkeys(specs, 0)
        else:
            self.groups = [self._group(spec, [spec]) for spec in specs]
            self.spec_group = {spec: i for i, spec in enumerate(specs)}
        self.weights = design.weights
        self.weights2 = None if design.clustered else design.weights**2
        # (group, n_x) -> base * n_x, so a question costs one add and its bincounts
        self._scaled: dict[tuple[int, int], np.ndarray] = {}
        self._buffer = np.empty(design.n_rows, dtype=np.int64)

    def _group(self, names: tuple[str, ...], specs: Sequence[tuple[str, ...]]) -> _Group:
        """Joint row code over ``names`` and a 0/1 matrix folding joint cells into each spec."""
        sizes = tuple(len(self.vars[name].labels) + 1 for name in names)
        code = self.design.unit.astype(np.int64)
        for name, size in zip(names, sizes, strict=True):
            code = code * size + self.vars[name].codes
        cells = np.indices(sizes).reshape(len(sizes), -1) if sizes else np.zeros((0, 1), int)
        blocks, offsets, start = [], {}, 0
        for spec in specs:
            column = np.zeros(cells.shape[1], dtype=np.int64)
            inside = np.ones(cells.shape[1], dtype=bool)
            for name in spec:
                axis = names.index(name)
                level = cells[axis]
                inside &= level < sizes[axis] - 1  # the missing level belongs to no domain
                column = column * (sizes[axis] - 1) + np.minimum(level, sizes[axis] - 2)
            n_dom = int(np.prod([sizes[names.index(name)] - 1 for name in spec]))
            fold = np.zeros((cells.shape[1], n_dom))
            fold[np.flatnonzero(inside), column[inside]] = 1.0
            blocks.append(fold)
            offsets[spec] = (start, start + n_dom)
            start += n_dom
        fold = np.hstack(blocks)
        # a group of one spec in its own order only drops the missing levels: a take, no product
        take = np.flatnonzero(fold.any(axis=1)) if len(specs) == 1 and specs[0] == names else None
        return _Group(names, sizes, code, None if take is not None else fold, offsets, take)

    def sums(self, y_index: np.ndarray, n_x: int, extras: dict[str, np.ndarray]) -> list[dict]:
        """Per group: name -> (U, all specs' domains, n_x) sums of each row value and counts."""
        out = []
        units = self.design.n_units
        for g, group in enumerate(self.groups):
            scaled = self._scaled.get((g, n_x))
            if scaled is None:
                scaled = group.code * n_x
                if len(self._scaled) < 8:
                    self._scaled[(g, n_x)] = scaled
            code = np.add(scaled, y_index, out=self._buffer)
            joint = int(np.prod(group.sizes))
            size = units * joint * n_x
            raw = {"n": np.bincount(code, minlength=size).astype(np.float64)}
            raw["w"] = np.bincount(code, self.weights, minlength=size)
            for key, values in extras.items():
                raw[key] = np.bincount(code, values, minlength=size)
            # fold joint cells into every spec's domains with one matrix product per sum
            if group.take is not None:
                out.append(
                    {
                        key: arr.reshape(units, joint, n_x)[:, group.take, :]
                        for key, arr in raw.items()
                    }
                )
                continue
            out.append(
                {
                    key: np.matmul(
                        arr.reshape(units, joint, n_x).transpose(0, 2, 1), group.fold
                    ).transpose(0, 2, 1)
                    for key, arr in raw.items()
                }
            )
        return out

    def marginal(self, all_sums: list[dict], spec: tuple[str, ...]) -> dict[str, np.ndarray]:
        """Sums over one domain spec as (U, D, n_x) arrays."""
        g = self.spec_group[spec]
        lo, hi = self.groups[g].offsets[spec]
        return {key: arr[:, lo:hi, :] for key, arr in all_sums[g].items()}

    def levels(self, spec: tuple[str, ...]) -> list[tuple[Any, ...]]:
        return list(itertools.product(*[self.vars[name].labels for name in spec]))


def _df(design: SurveyDesign, domain_counts: np.ndarray, rule: str) -> np.ndarray:
    if rule == "full":
        return np.full(domain_counts.shape[1], design.df, dtype=np.int64)
    return design.domain_df(domain_counts)


def categorical_block(
    acc: Accumulator,
    sums: dict[str, np.ndarray],
    spec: tuple[str, ...],
    question: str,
    categories: list[Any],
    alpha: float,
    df_rule: str,
    statistic: str = "proportion",
) -> EstimateBlock:
    """Proportion of every category (columns 1..K of the sums; column 0 is 'missing')."""
    design = acc.design
    w = sums["w"][..., 1:]
    units, n_dom, n_cat = w.shape
    den = np.broadcast_to(w.sum(axis=-1, keepdims=True), w.shape)
    moments = None
    if not design.clustered:
        w2 = sums["w2"][..., 1:]
        q_dd = np.broadcast_to(w2.sum(axis=-1, keepdims=True), w2.shape).reshape(units, -1)
        moments = (w2.reshape(units, -1), w2.reshape(units, -1), q_dd)
    est, var, big_w = linearise(
        design, w.reshape(units, -1), np.ascontiguousarray(den).reshape(units, -1), moments
    )
    cnt = sums["n"]
    n = cnt[..., 1:].sum(axis=(0, 2))[:, None]
    n_category = cnt[..., 1:].sum(axis=0)
    df = _df(design, cnt.sum(axis=-1), df_rule)[:, None]
    est = est.reshape(n_dom, n_cat)
    with np.errstate(divide="ignore", invalid="ignore"):
        vsrs = np.where(n > 1, est * (1 - est) / np.maximum(n - 1, 1), 0.0)
    return finish(
        question=question,
        statistic=statistic,
        domain_vars=spec,
        domain_levels=acc.levels(spec),
        categories=categories,
        est=est,
        var=var.reshape(n_dom, n_cat),
        big_w=big_w.reshape(n_dom, n_cat),
        n=n,
        n_category=n_category,
        df=df,
        vsrs=vsrs,
        alpha=alpha,
        logit=True,
    )


def numeric_extras(acc: Accumulator, y: np.ndarray) -> tuple[np.ndarray, dict, float]:
    """Row values to sum for a numeric question, shifted by a typical value of it.

    Any constant shift is exact (it is added back to the mean), so a cheap one from a strided
    sample does; it keeps the second moments of element designs and the design effects free of
    cancellation for large values (incomes, ages).
    """
    sample = y[:: max(1, y.shape[0] // 1000)]
    centre = float(np.nanmedian(sample)) if np.isfinite(sample).any() else 0.0
    y0 = y - centre
    present = ~np.isnan(y0)
    np.copyto(y0, 0.0, where=~present)
    wy = acc.weights * y0
    extras = {"wy": wy, "wyy": wy * y0}
    if acc.weights2 is not None:
        w2y = acc.weights2 * y0
        extras.update({"w2": acc.weights2, "w2y": w2y, "w2yy": w2y * y0})
    return present.view(np.int8), extras, centre


def scored_block(
    acc: Accumulator,
    sums: dict[str, np.ndarray],
    spec: tuple[str, ...],
    question: str,
    scores: np.ndarray,
    alpha: float,
    df_rule: str,
    statistic: str,
    category: Any = None,
    logit: bool = False,
) -> EstimateBlock:
    """Mean of a score given to each answer category, from the categorical sums (no extra pass).

    The mean of a Likert scale and the share in its top box are both sum_k s_k p_k; their
    linearised scores are the same combination of the category scores, so PSU totals are too.
    With 0/1 scores and ``logit`` this is a share with R's logit interval.
    """
    design = acc.design
    w = sums["w"][..., 1:]
    cnt = sums["n"][..., 1:]
    moments = None
    if not design.clustered:
        w2 = sums["w2"][..., 1:]
        moments = (w2 @ (scores * scores), w2 @ scores, w2.sum(axis=-1))
    est, var, big_w = linearise(design, w @ scores, w.sum(axis=-1), moments)
    n = cnt.sum(axis=(0, 2))
    df = _df(design, sums["n"].sum(axis=-1), df_rule)
    safe_w = np.where(big_w > 0, big_w, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = (w @ (scores * scores)).sum(axis=0) / safe_w - est**2
        vsrs = np.where(n > 1, s2 / np.maximum(n - 1, 1), 0.0)
    col = (slice(None), None)
    return finish(
        question=question,
        statistic=statistic,
        domain_vars=spec,
        domain_levels=acc.levels(spec),
        categories=[category],
        est=est[col],
        var=var[col],
        big_w=big_w[col],
        n=n[col],
        n_category=(cnt @ scores).sum(axis=0)[col] if logit else None,
        df=df[col],
        vsrs=vsrs[col],
        alpha=alpha,
        logit=logit,
    )


def numeric_block(
    acc: Accumulator,
    sums: dict[str, np.ndarray],
    spec: tuple[str, ...],
    question: str,
    centre: float,
    alpha: float,
    df_rule: str,
    statistic: str = "mean",
    category: Any = None,
) -> EstimateBlock:
    """Mean (ratio) or total of a numeric column, Wald t interval with the design df."""
    design = acc.design
    w, wy, wyy = sums["w"][..., 1], sums["wy"][..., 1], sums["wyy"][..., 1]
    cnt = sums["n"]
    n = cnt[..., 1].sum(axis=0)
    df = _df(design, cnt.sum(axis=-1), df_rule)
    big_w = w.sum(axis=0)
    safe_w = np.where(big_w > 0, big_w, 1.0)
    mean0 = wy.sum(axis=0) / safe_w
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = np.where(n > 1, (wyy.sum(axis=0) / safe_w - mean0**2) * n / np.maximum(n - 1, 1), 0.0)
    if statistic == "total":
        num = wy + centre * w
        moments = None
        if not design.clustered:
            w2, w2y, w2yy = sums["w2"][..., 1], sums["w2y"][..., 1], sums["w2yy"][..., 1]
            q_nn = w2yy + 2 * centre * w2y + centre**2 * w2
            moments = (q_nn, q_nn, q_nn)
        est, var, _ = linearise(design, num, None, moments)
        vsrs = np.where(n > 0, s2 * big_w**2 / np.maximum(n, 1), 0.0)
    else:
        moments = None
        if not design.clustered:
            moments = (sums["w2yy"][..., 1], sums["w2y"][..., 1], sums["w2"][..., 1])
        est, var, _ = linearise(design, wy, w, moments)
        est = est + centre
        vsrs = np.where(n > 0, s2 / np.maximum(n, 1), 0.0)
    col = (slice(None), None)
    return finish(
        question=question,
        statistic=statistic,
        domain_vars=spec,
        domain_levels=acc.levels(spec),
        categories=[category],
        est=est[col],
        var=var[col],
        big_w=big_w[col],
        n=n[col],
        n_category=None,
        df=df[col],
        vsrs=vsrs[col],
        alpha=alpha,
        logit=False,
    )
