"""Labelled examples: the OSACT 2020 and MLMA files, and an organisation's confirmed decisions.

The data files live outside the repository (``../shared/data/arabic-offensive`` next to it, or
``$JUSOOR_SHARED_DATA/arabic-offensive``); only the trained model is shipped, with its sources
credited in ``docs/engines/moderation.md``.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
DATASET = "arabic-offensive"
OSACT_TRAIN = "osact4-train.tsv"
OSACT_DEV = "osact4-dev.tsv"
MLMA = "mlma-ar.csv"

# MLMA sentiment labels that mean the tweet attacks someone.
_MLMA_OFFENSIVE = {"offensive", "abusive", "hateful", "disrespectful"}


@dataclass(frozen=True)
class Example:
    """One labelled text: a tweet from a corpus, or a moderator's confirmed decision."""

    text: str
    offensive: bool
    hate: bool = False


def data_dir() -> Path:
    """Folder of the Arabic offensive-language data (may not exist on a fresh checkout).

    ``JUSOOR_SHARED_DATA`` may name the shared data root or the dataset folder itself.
    """
    override = os.environ.get("JUSOOR_SHARED_DATA")
    if override:
        root = Path(override)
        return root if (root / OSACT_TRAIN).exists() else root / DATASET
    return REPO_ROOT.parent / "shared" / "data" / DATASET


def has_data(directory: Path | None = None) -> bool:
    """Whether the OSACT files are present (tests that need them skip otherwise)."""
    directory = directory or data_dir()
    return (directory / OSACT_TRAIN).exists() and (directory / OSACT_DEV).exists()


def load_osact(split: str = "train", directory: Path | None = None) -> list[Example]:
    """Read an OSACT 2020 file: ``text<TAB>OFF|NOT_OFF<TAB>HS|NOT_HS`` per line."""
    name = {"train": OSACT_TRAIN, "dev": OSACT_DEV}[split]
    path = (directory or data_dir()) / name
    examples = []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                raise ValueError(f"{path}:{line_no}: expected 3 tab-separated fields")
            text, off, hs = parts
            examples.append(Example(text, off == "OFF", hs == "HS"))
    return examples


def load_mlma(directory: Path | None = None) -> list[Example]:
    """Read MLMA (Ousidhoum et al., 2019) as unambiguous offensive / hate labels.

    A tweet counts as offensive when its annotators gave only attacking labels (offensive,
    abusive, hateful, disrespectful), as clean when they gave only ``normal`` (or ``fearful``);
    tweets that mix ``normal`` with an attacking label are left out as ambiguous. Hate speech is
    the ``hateful`` label.
    """
    path = (directory or data_dir()) / MLMA
    examples = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            labels = set(row["sentiment"].split("_"))
            attacking = labels & _MLMA_OFFENSIVE
            if attacking and "normal" in labels:
                continue
            examples.append(Example(row["tweet"], bool(attacking), "hateful" in labels))
    return examples
