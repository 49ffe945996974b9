"""Scores for choosing and reporting models: macro-F1 and the threshold that maximises it.

Written in numpy so that the benchmark and the tests need no scikit-learn.
"""

from __future__ import annotations

import numpy as np


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean of the F1 of the positive and of the negative class (the OSACT 2020 measure)."""
    y_true = np.asarray(y_true, dtype=bool)
    y_pred = np.asarray(y_pred, dtype=bool)
    scores = []
    for positive in (True, False):
        t, p = y_true == positive, y_pred == positive
        tp = float(np.sum(t & p))
        denom = float(np.sum(t) + np.sum(p))
        scores.append(2 * tp / denom if denom else 1.0)
    return float(np.mean(scores))


def best_threshold(y_true: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    """Return (threshold, macro-F1) maximising macro-F1 of ``scores >= threshold``.

    Used on out-of-fold predictions only, never on the development set, so that the reported
    development figure is an honest estimate.
    """
    y = np.asarray(y_true, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    tp = np.cumsum(y_sorted)  # predicting the top i+1 as positive
    fp = np.cumsum(~y_sorted)
    pos, n = int(y.sum()), len(y)
    fn = pos - tp
    tn = (n - pos) - fp
    f1_pos = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
    f1_neg = 2 * tn / np.maximum(2 * tn + fn + fp, 1)
    macro = (f1_pos + f1_neg) / 2
    # Only cut between distinct scores.
    valid = np.r_[s_sorted[:-1] > s_sorted[1:], True]
    macro = np.where(valid, macro, -1.0)
    i = int(np.argmax(macro))
    upper = s_sorted[i]
    lower = s_sorted[i + 1] if i + 1 < n else upper
    return float((upper + lower) / 2), float(macro[i])
