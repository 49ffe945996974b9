"""The shipped classifier: linear weights over TF-IDF features, stored without pickle.

A model is two files side by side: ``<name>.npz`` (numpy arrays only, read with
``allow_pickle=False``: the UTF-8 vocabulary as bytes, IDF, weights, biases) and ``<name>.json``
(calibration, thresholds, metrics, provenance). Loading therefore cannot execute code, which matters
for a file committed to git and swapped by organisations after retraining.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from jusoor.engines.moderation.features import Featuriser
from jusoor.engines.moderation.text import prepare

MODEL_DIR = Path(__file__).resolve().parent / "model"
MODEL_NAME = "moderation"
FORMAT_VERSION = 1
LABELS = ("offensive", "hate")


@dataclass
class Model:
    """Two linear scorers (offensive, hate speech) sharing one vocabulary, with Platt calibration.

    ``calibration[k] = (a, b)`` maps a raw margin ``m`` to ``P = 1 / (1 + exp(-(a*m + b)))``; it is
    fitted on out-of-fold margins, so probabilities mean what they say on unseen text.
    ``thresholds[k]`` is the probability that maximised macro-F1 out of fold.
    ``head_mask[:, k]`` says which columns scorer ``k`` reads (cross-validation preferred rarer
    features for hate speech than for offensive language); ``None`` means all of them.
    """

    vocabulary: list[str]
    idf: np.ndarray
    weights: np.ndarray  # (vocabulary size, 2): offensive, hate
    bias: np.ndarray  # (2,)
    calibration: list[tuple[float, float]]
    thresholds: list[float]
    metrics: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    head_mask: np.ndarray | None = None  # (vocabulary size, 2) booleans

    def __post_init__(self) -> None:
        self.featuriser = Featuriser(self.vocabulary, self.idf)
        self._weights32 = np.asarray(self.weights, dtype=np.float32)
        if self.head_mask is None:
            self._masks: list[np.ndarray | None] = [None, None]
        else:
            masks = np.asarray(self.head_mask, dtype=bool)
            self._masks = [None if masks[:, k].all() else masks[:, k] for k in range(2)]

    @property
    def threshold_offensive(self) -> float:
        """Probability above which a text counts as offensive (chosen on cross-validation)."""
        return float(self.thresholds[0])

    @property
    def threshold_hate(self) -> float:
        """Probability above which a text counts as hate speech (chosen on cross-validation)."""
        return float(self.thresholds[1])

    def margins_prepared(self, prepared_texts: Sequence[str]) -> np.ndarray:
        """Raw linear margins, shape (n, 2), for texts already passed through ``prepare``."""
        n = len(prepared_texts)
        feat = self.featuriser
        out = np.empty((n, 2), dtype=np.float64)
        if n == 1:  # one at a time (a post being submitted): skip the batch bookkeeping
            text_cols = feat.columns(prepared_texts[0])
            for k, mask in enumerate(self._masks):
                cols, values = feat.single(text_cols, mask)
                out[0, k] = values @ self._weights32[cols, k] + self.bias[k]
            return out
        column_rows = [feat.columns(t) for t in prepared_texts]
        for k, mask in enumerate(self._masks):
            rows, cols, values = feat.triplets(column_rows, mask)
            contrib = values * self._weights32[cols, k]
            out[:, k] = np.bincount(rows, weights=contrib, minlength=n) + self.bias[k]
        return out

    def calibrate(self, margins: np.ndarray) -> np.ndarray:
        """Turn raw margins (n, 2) into probabilities with the stored Platt parameters."""
        a = np.array([c[0] for c in self.calibration])
        b = np.array([c[1] for c in self.calibration])
        z = np.clip(margins * a + b, -40.0, 40.0)
        return 1.0 / (1.0 + np.exp(-z))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Return P(offensive) and P(hate speech) for each text, shape (n, 2)."""
        return self.calibrate(self.margins_prepared([prepare(t or "") for t in texts]))

    def score(self, text: str) -> tuple[float, float]:
        """Return (P(offensive), P(hate speech)) for one text."""
        p = self.predict_proba([text])[0]
        return float(p[0]), float(p[1])

    def save(self, directory: Path | str, name: str = MODEL_NAME) -> tuple[Path, Path]:
        """Write ``<name>.npz`` and ``<name>.json``; weights as float16 keep the file small."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        vocab_bytes = "\n".join(self.vocabulary).encode("utf-8")
        npz_path, json_path = directory / f"{name}.npz", directory / f"{name}.json"
        np.savez_compressed(
            npz_path,
            vocabulary=np.frombuffer(vocab_bytes, dtype=np.uint8),
            idf=np.asarray(self.idf, dtype=np.float16),
            weights=np.asarray(self.weights, dtype=np.float16),
            bias=np.asarray(self.bias, dtype=np.float64),
            **({} if self.head_mask is None else {"head_mask": self.head_mask.astype(np.uint8)}),
        )
        meta = {
            "format_version": FORMAT_VERSION,
            "labels": list(LABELS),
            "vocabulary_size": len(self.vocabulary),
            "calibration": [list(map(float, c)) for c in self.calibration],
            "thresholds": [float(t) for t in self.thresholds],
            "metrics": self.metrics,
            "config": self.config,
        }
        json_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", "utf-8")
        return npz_path, json_path


def load_model(directory: Path | str | None = None, name: str = MODEL_NAME) -> Model:
    """Load a model from ``directory`` (the shipped one by default) without unpickling anything."""
    directory = Path(directory) if directory is not None else MODEL_DIR
    meta = json.loads((directory / f"{name}.json").read_text("utf-8"))
    if meta.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"Unsupported moderation model format: {meta.get('format_version')!r}")
    with np.load(directory / f"{name}.npz", allow_pickle=False) as arrays:
        vocab_bytes = arrays["vocabulary"].tobytes()
        idf = arrays["idf"].astype(np.float32)
        weights = arrays["weights"].astype(np.float32)
        bias = arrays["bias"].astype(np.float64)
        head_mask = arrays["head_mask"].astype(bool) if "head_mask" in arrays.files else None
    vocabulary = vocab_bytes.decode("utf-8").split("\n") if vocab_bytes else []
    if len(vocabulary) != len(idf) or weights.shape != (len(vocabulary), 2):
        raise ValueError("Moderation model arrays do not match its vocabulary.")
    if head_mask is not None and head_mask.shape != weights.shape:
        raise ValueError("Moderation model head mask does not match its vocabulary.")
    return Model(
        vocabulary=vocabulary,
        idf=idf,
        weights=weights,
        bias=bias,
        calibration=[tuple(c) for c in meta["calibration"]],
        thresholds=list(meta["thresholds"]),
        metrics=meta.get("metrics", {}),
        config=meta.get("config", {}),
        head_mask=head_mask,
    )


@lru_cache(maxsize=1)
def default_model() -> Model:
    """The shipped model, loaded once per process."""
    return load_model()
