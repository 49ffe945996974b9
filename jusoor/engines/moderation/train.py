"""Train the moderation classifier: ``python -m jusoor.engines.moderation.train``.

Model: NB-LR (Wang & Manning, 2012) — logistic regression on TF-IDF features scaled by the naive
Bayes log-count ratio of each feature — one for offensive language and one for hate speech. It was
chosen on 5-fold cross-validation on the OSACT 2020 training set against plain logistic regression
and linear SVMs (see ``docs/engines/moderation.md``); the regularisation strength, the minimum
document frequency of a feature, the Platt calibration and the decision threshold all come from
out-of-fold predictions on the training set, separately for each scorer.
The development set and MLMA are only ever used for reporting. scikit-learn is needed here, not at
inference.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from jusoor.engines.moderation.classifier import LABELS, MODEL_DIR, Model, default_model
from jusoor.engines.moderation.data import Example, data_dir, has_data, load_osact
from jusoor.engines.moderation.evaluation import best_threshold
from jusoor.engines.moderation.features import (
    Featuriser,
    build_vocabulary,
    document_frequency,
    idf_weights,
)
from jusoor.engines.moderation.text import prepare

C_GRID = (2.0, 4.0)  # 10 was tried too: never better beyond noise, and training took too long
# Features must occur in at least this many training texts; chosen per scorer on CV (the smaller
# vocabulary first, so that it wins a tie).
MIN_DF_GRID = (2, 1)
FOLDS = 5
SEED = 0
NB_ALPHA = 1.0
CONFIRMED_WEIGHT = 3.0  # a moderator's confirmed decision counts as three tweets


@dataclass
class RetrainResult:
    """A retrained model, not yet switched on, with what a person needs to decide."""

    model: Model
    metrics: dict[str, Any]
    previous_metrics: dict[str, Any]
    changed: list[dict[str, Any]] = field(default_factory=list)


def fit(
    examples: Sequence[Example],
    *,
    sample_weight: Sequence[float] | None = None,
    always_in_vocabulary: Iterable[str] = (),
    c_grid: Sequence[float] = C_GRID,
    folds: int = FOLDS,
    seed: int = SEED,
    log=None,
) -> Model:
    """Fit both scorers on ``examples``; choose C, calibration and thresholds out of fold.

    BLAS is held to one thread: on a small shared machine, threads fighting over two cores made
    training ten times slower, and these sparse problems gain nothing from them.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _fit(examples, sample_weight, always_in_vocabulary, c_grid, folds, seed, log)


def _fit(examples, sample_weight, always_in_vocabulary, c_grid, folds, seed, log) -> Model:
    started = time.perf_counter()
    say = log or (lambda _msg: None)
    prepared = [prepare(e.text) for e in examples]
    always = [prepare(t) for t in always_in_vocabulary]
    vocabulary = build_vocabulary(prepared, min_df=min(MIN_DF_GRID), always=always)
    featuriser = Featuriser(vocabulary)
    columns = [featuriser.columns(p) for p in prepared]
    df = document_frequency(columns, len(vocabulary))
    featuriser.idf = idf_weights(df, len(prepared))
    forced = np.zeros(len(vocabulary), dtype=bool)
    for doc in always:
        forced[featuriser.columns(doc)] = True
    weight = np.ones(len(examples)) if sample_weight is None else np.asarray(sample_weight, float)
    say(f"features: {len(examples)} texts x {len(vocabulary)} columns")

    targets = {
        "offensive": np.array([e.offensive for e in examples], dtype=int),
        "hate": np.array([e.hate for e in examples], dtype=int),
    }
    masks = {m: (df >= m) | forced for m in MIN_DF_GRID}
    matrices = {m: _matrix(featuriser, columns, masks[m]) for m in MIN_DF_GRID}
    weights = np.zeros((len(vocabulary), 2))
    head_mask = np.zeros((len(vocabulary), 2), dtype=bool)
    bias = np.zeros(2)
    calibration, thresholds, metrics = [], [], {"cv": {}}
    for k, label in enumerate(LABELS):
        y = targets[label]
        trials = []
        for min_df, x in matrices.items():
            for c in c_grid:
                margins = _out_of_fold_margins(x, y, weight, c, folds, seed, masks[min_df])
                threshold, score = best_threshold(y, margins)
                say(f"{label}: min_df={min_df} C={c:g} cv macro-F1={score:.4f}")
                trials.append((min_df, c, score, margins))
        min_df, c, cv_score, margins = max(trials, key=lambda t: t[2])  # first wins ties
        say(f"{label}: chose min_df={min_df} C={c:g}")
        a, b = _platt(margins, y)
        probabilities = 1 / (1 + np.exp(-np.clip(a * margins + b, -40, 40)))
        threshold, _ = best_threshold(y, probabilities)
        w, intercept = _fit_nblr(matrices[min_df], y, weight, c, masks[min_df])
        head_mask[:, k] = masks[min_df]
        weights[:, k], bias[k] = np.where(head_mask[:, k], w, 0.0), intercept
        calibration.append((a, b))
        thresholds.append(threshold)
        metrics["cv"][label] = {
            "macro_f1": round(cv_score, 4),
            "C": c,
            "min_df": min_df,
            "folds": folds,
        }
    # Keep only the columns some scorer reads.
    used = head_mask.any(axis=1)
    vocabulary = [g for g, u in zip(vocabulary, used, strict=True) if u]
    metrics["examples"] = len(examples)
    metrics["positives"] = {label: int(targets[label].sum()) for label in LABELS}
    metrics["train_seconds"] = round(time.perf_counter() - started, 1)
    config = {"model": "NB-LR", "char_ngrams": [1, 5], "word_ngrams": [1, 2]}
    return Model(
        vocabulary,
        featuriser.idf[used],
        weights[used],
        bias,
        calibration,
        thresholds,
        metrics,
        config,
        head_mask=head_mask[used],
    )


def _matrix(featuriser: Featuriser, columns, mask: np.ndarray):
    from scipy.sparse import csr_matrix

    rows, cols, values = featuriser.triplets(columns, mask)
    shape = (len(columns), len(featuriser.vocabulary))
    return csr_matrix((values, (rows, cols)), shape=shape)


def retrain(
    extra_examples: Iterable[Example | tuple[str, bool] | tuple[str, bool, bool]],
    *,
    base: Sequence[Example] | None = None,
    current: Model | None = None,
    confirmed_weight: float = CONFIRMED_WEIGHT,
    c_grid: Sequence[float] = C_GRID,
    folds: int = FOLDS,
) -> RetrainResult:
    """Retrain on the base corpus plus an organisation's confirmed moderation decisions.

    Returns the new model (not saved, not switched on), its cross-validated metrics, the current
    model's metrics for comparison, and the confirmed texts on which the two models now disagree,
    so that a person decides whether to switch.
    """
    extras = [_as_example(e) for e in extra_examples]
    if base is None:
        if not has_data():
            raise FileNotFoundError(
                f"OSACT 2020 training data not found in {data_dir()}; set JUSOOR_SHARED_DATA "
                "or pass base= explicitly"
            )
        base = load_osact("train")
    base = list(base)
    current = current or default_model()
    examples = base + extras
    weight = [1.0] * len(base) + [confirmed_weight] * len(extras)
    model = fit(
        examples,
        sample_weight=weight,
        always_in_vocabulary=[e.text for e in extras],
        c_grid=c_grid,
        folds=folds,
    )
    changed = []
    if extras:
        texts = [e.text for e in extras]
        before, after = current.predict_proba(texts), model.predict_proba(texts)
        for i, e in enumerate(extras):
            was = bool(before[i, 0] >= current.threshold_offensive)
            now = bool(after[i, 0] >= model.threshold_offensive)
            if was != now:
                changed.append({"text": e.text, "offensive_before": was, "offensive_after": now})
    model.metrics["confirmed_examples"] = len(extras)
    return RetrainResult(model, model.metrics, dict(current.metrics), changed)


def _as_example(item: Example | tuple) -> Example:
    if isinstance(item, Example):
        return item
    if (
        not isinstance(item, tuple | list)
        or len(item) not in (2, 3)
        or not isinstance(item[0], str)
    ):
        raise TypeError(f"A confirmed decision is (text, offensive[, hate]), not {item!r}")
    return Example(item[0], bool(item[1]), bool(item[2]) if len(item) > 2 else False)


def _stratified_folds(y: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """Fold number of each row, classes spread evenly (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    fold = np.empty(len(y), dtype=int)
    for value in np.unique(y):
        idx = np.flatnonzero(y == value)
        rng.shuffle(idx)
        fold[idx] = np.arange(len(idx)) % folds
    return fold


def _out_of_fold_margins(x, y, weight, c, folds, seed, active=None) -> np.ndarray:
    fold = _stratified_folds(y, folds, seed)
    margins = np.zeros(len(y))
    for f in range(folds):
        test, train = fold == f, fold != f
        if len(np.unique(y[train])) < 2:
            continue
        w, b = _fit_nblr(x[train], y[train], weight[train], c, active)
        margins[test] = x[test] @ w + b
    return margins


def _fit_nblr(x, y, weight, c, active=None) -> tuple[np.ndarray, float]:
    """NB-LR: scale features by the log-count ratio, fit logistic regression, fold the scale back.

    ``active`` marks the columns this scorer may use; the smoothed counts are normalised over
    those only, so unused columns do not shift the ratios.
    """
    from sklearn.linear_model import LogisticRegression

    binary = (x > 0).astype(np.float64)
    pos = NB_ALPHA + binary.T @ (weight * (y == 1))
    neg = NB_ALPHA + binary.T @ (weight * (y == 0))
    if active is None:
        active = np.ones(x.shape[1], dtype=bool)
    ratio = np.where(active, np.log((pos / pos[active].sum()) / (neg / neg[active].sum())), 0.0)
    scaled = x.multiply(ratio).tocsr()
    classifier = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
    classifier.fit(scaled, y, sample_weight=weight)
    return classifier.coef_[0] * ratio, float(classifier.intercept_[0])


def _platt(margins: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Fit P(y=1 | margin) = sigmoid(a * margin + b) on out-of-fold margins."""
    from sklearn.linear_model import LogisticRegression

    calibrator = LogisticRegression(C=1e4, max_iter=1000)
    calibrator.fit(margins.reshape(-1, 1), y)
    return float(calibrator.coef_[0, 0]), float(calibrator.intercept_[0])


def main(argv: list[str] | None = None) -> int:
    """Train on OSACT 2020 train and write the shipped model (``make train-moderation``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="arabic-offensive data folder")
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help="where to write the model")
    args = parser.parse_args(argv)
    directory = args.data or data_dir()
    if not (directory / "osact4-train.tsv").exists():
        print(f"OSACT 2020 training data not found in {directory}", file=sys.stderr)
        return 2
    train = load_osact("train", directory)
    model = fit(train, log=print)
    model.metrics["data"] = "OSACT 2020 train (Mubarak et al., 2020); dev and MLMA not used"
    npz, meta = model.save(args.out)
    print(f"wrote {npz} ({npz.stat().st_size / 1e6:.2f} MB) and {meta.name}")
    for label in LABELS:
        print(f"{label}: cv macro-F1 {model.metrics['cv'][label]['macro_f1']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
