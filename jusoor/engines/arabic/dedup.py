"""Which person records are the same person: clusters for merging, scored pairs for review.

The rule is built around how Anbar families are named. Brothers share every link but the
first, cousins share grandfather and tribe and are often named after the same grandfather, a
father's chain is his son's shifted by one. So links are compared by position (given with
given, father with father), a different given or father name is never a match, and evidence is
weighed by how rare it is: agreeing on محمد says little, agreeing on عفتان says a lot.

1. Blocking (``scoring.candidate_pairs``): records meet only if they share a phone or two of
   their first three link keys, and are not ruled out by sex or birth year.
2. Scoring (``scoring.score_pairs``): log2 likelihood ratios (Fellegi-Sunter style) for each
   link, tribe, birth year, phone, area; a different sex, a birth year more than two years off,
   a different given or father name rule a pair out.
3. Decision: a pair scoring at least ``match_threshold_for(n)`` bits (log2 n - 0.7, at least 11:
   the bigger the registry, the more namesakes) is a match; up to six bits below, a review item.
4. Clustering: matches are merged best first with union-find, but two groups are only joined if
   every record of one is compatible with every record of the other, and a record is not merged
   when it matches someone else nearly as well who cannot be the same person. So a vague record
   ("محمد احمد", no year) cannot chain two different people together.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TextIO

import numpy as np

from jusoor.engines.arabic.features import Features, build_features
from jusoor.engines.arabic.scoring import MATCH_FLOOR, REJECT, candidate_pairs, score_pairs

MATCH_OFFSET = -0.7
REVIEW_MARGIN = 6.0
_MAX_CLUSTER = 12
# Bits by which a match must beat a contradicting rival match of the same record.
_AMBIGUITY_MARGIN = 3.0
# Every pair across two groups being merged must score at least match threshold minus this.
_CROSS_MARGIN = 4.0


@dataclass(frozen=True)
class ScoredPair:
    """Two records with the evidence for their being one person (higher is surer)."""

    left: str
    right: str
    score: float


@dataclass
class DedupResult:
    """Groups of records of one person, and the pairs a person should look at."""

    clusters: list[list[str]]
    matches: list[ScoredPair] = field(default_factory=list)
    review: list[ScoredPair] = field(default_factory=list)

    def cluster_ids(self) -> dict[str, str]:
        """Record id -> cluster id (the cluster's first record id in input order)."""
        return {rid: cluster[0] for cluster in self.clusters for rid in cluster}


class _Clusters:
    """Union-find that refuses a merge when the two groups contain contradicting records."""

    def __init__(self, f: Features, known: dict[tuple[int, int], float], floor: float):
        n = len(f.ids)
        self.f = f
        self.known = known
        self.floor = floor
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def _group(self, root: int) -> list[int]:
        return self.members.get(root, [root])

    def score(self, i: int, j: int) -> float:
        """Known score of a pair, scoring it now if blocking never brought it up."""
        pair = (min(i, j), max(i, j))
        found = self.known.get(pair)
        if found is None:
            scores, contradict = score_pairs(self.f, np.array([pair], dtype=np.int64))
            found = self.known[pair] = REJECT if contradict[0] else float(scores[0])
        return found

    def ambiguous(
        self, i: int, j: int, s: float, rivals: dict[int, list[tuple[int, float]]]
    ) -> bool:
        """True when i (or j) matches someone else nearly as well who cannot be the same person.

        "محمد احمد", no year, matches several different محمد احمد علي equally; merging it with
        whichever comes first would be a coin toss, so the pair goes to review instead.
        """
        for x, y in ((i, j), (j, i)):
            for k, s2 in rivals.get(x, ()):
                if (
                    k != y
                    and s2 >= s - _AMBIGUITY_MARGIN
                    and self.find(k) != self.find(y)
                    and self.score(y, k) <= REJECT / 2
                ):
                    return True
        return False

    def merge(self, i: int, j: int) -> bool:
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return True
        gi, gj = self._group(ri), self._group(rj)
        if len(gi) + len(gj) > _MAX_CLUSTER:
            return False
        if len(gi) > 1 or len(gj) > 1:
            cross = [(min(x, y), max(x, y)) for x in gi for y in gj]
            unknown = [p for p in cross if p not in self.known]
            if unknown:
                scores, contradict = score_pairs(self.f, np.array(unknown, dtype=np.int64))
                scores[contradict] = REJECT
                self.known.update(zip(unknown, scores.tolist(), strict=True))
            if any(self.known[p] < self.floor for p in cross):
                return False
        if len(gi) < len(gj):
            ri, rj, gi, gj = rj, ri, gj, gi
        self.parent[rj] = ri
        self.members[ri] = gi + gj
        self.members.pop(rj, None)
        return True


def match_threshold_for(n_records: int) -> float:
    """Bits of evidence a pair needs to be merged in a registry of ``n_records``.

    The chance that two unrelated records agree by coincidence grows with the registry, so the
    bar rises by a bit each time it doubles (log2 n, the prior odds of a random pair being a
    match), with a floor so that small lists are not merged on thin evidence.
    """
    return max(MATCH_FLOOR, math.log2(max(n_records, 2)) + MATCH_OFFSET)


def find_duplicates(
    records: Iterable[Mapping[str, object]],
    *,
    match_threshold: float | None = None,
    review_threshold: float | None = None,
) -> DedupResult:
    """Group ``records`` (dicts with record_id, name, phone, birth_year, sex, area) by person.

    Returns every record in exactly one cluster (singletons included, in input order), the
    pairs merged, and the pairs a person should review (scores between the thresholds, or a
    match the clustering refused because it would have joined contradicting records).
    Thresholds default to ``match_threshold_for(len(records))`` and that minus
    ``REVIEW_MARGIN``.
    """
    rows = list(records)
    if not rows:
        return DedupResult(clusters=[])
    if match_threshold is None:
        match_threshold = match_threshold_for(len(rows))
    if review_threshold is None:
        review_threshold = match_threshold - REVIEW_MARGIN
    f = build_features(rows)
    pairs = candidate_pairs(f)
    scores, contradict = score_pairs(f, pairs)
    return cluster(f, pairs, scores, contradict, match_threshold, review_threshold)


def cluster(
    f: Features,
    pairs: np.ndarray,
    scores: np.ndarray,
    contradict: np.ndarray,
    match_threshold: float,
    review_threshold: float,
) -> DedupResult:
    """Merge scored pairs best first into clusters, refusing merges that join contradictions."""
    known = dict(
        zip(map(tuple, pairs.tolist()), np.where(contradict, REJECT, scores).tolist(), strict=True)
    )
    keep = scores >= review_threshold
    pairs, scores = pairs[keep], scores[keep]
    order = np.argsort(-scores, kind="stable")
    pairs, scores = pairs[order], scores[order]
    clusters = _Clusters(f, known, match_threshold - _CROSS_MARGIN)
    rivals: dict[int, list[tuple[int, float]]] = {}
    for (i, j), s in zip(pairs.tolist(), scores.tolist(), strict=True):
        if s >= match_threshold - _AMBIGUITY_MARGIN:
            rivals.setdefault(i, []).append((j, s))
            rivals.setdefault(j, []).append((i, s))
    matches, review = [], []
    for (i, j), s in zip(pairs.tolist(), scores.tolist(), strict=True):
        pair = ScoredPair(f.ids[i], f.ids[j], round(s, 2))
        if (
            s >= match_threshold
            and not clusters.ambiguous(i, j, s, rivals)
            and clusters.merge(i, j)
        ):
            matches.append(pair)
        else:
            review.append(pair)
    groups: dict[int, list[str]] = {}
    for i, rid in enumerate(f.ids):
        groups.setdefault(clusters.find(i), []).append(rid)
    return DedupResult(clusters=list(groups.values()), matches=matches, review=review)


class DedupInputError(ValueError):
    """A registry file that cannot be read, with the row and column to fix."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        where = ", ".join(
            part
            for part in (f"row {row}" if row else "", f"column '{column}'" if column else "")
            if part
        )
        super().__init__(f"{message} ({where})" if where else message)
        self.row = row
        self.column = column


COLUMNS = ("record_id", "name", "phone", "birth_year", "sex", "area")


def read_records(stream: TextIO) -> list[dict[str, str]]:
    """Read a registry CSV (UTF-8, header row) into records, or raise ``DedupInputError``."""
    try:
        reader = csv.DictReader(stream)
        header = [(h or "").strip().lstrip("\ufeff").lower() for h in (reader.fieldnames or [])]
        for column in ("record_id", "name"):
            if column not in header:
                raise DedupInputError("required column is missing", row=1, column=column)
        reader.fieldnames = header
        records: list[dict[str, str]] = []
        seen: set[str] = set()
        for line, raw in enumerate(reader, start=2):
            record = {c: (raw.get(c) or "").strip() for c in COLUMNS}
            for column in ("record_id", "name"):
                if not record[column]:
                    raise DedupInputError("value is empty", row=line, column=column)
            if record["record_id"] in seen:
                raise DedupInputError("record_id is repeated", row=line, column="record_id")
            seen.add(record["record_id"])
            records.append(record)
    except UnicodeDecodeError as error:
        raise DedupInputError(
            f"file is not UTF-8 text (byte {error.start}); save it as CSV UTF-8"
        ) from error
    except csv.Error as error:
        raise DedupInputError(f"malformed CSV: {error}", row=reader.line_num) from error
    return records


def dedup_csv(in_stream: TextIO, out_stream: TextIO) -> DedupResult:
    """Read records from a CSV stream, write ``record_id,cluster_id`` rows, return the result."""
    records = read_records(in_stream)
    result = find_duplicates(records)
    writer = csv.writer(out_stream, lineterminator="\n")
    writer.writerow(["record_id", "cluster_id"])
    cluster_of = result.cluster_ids()
    for record in records:
        writer.writerow([record["record_id"], cluster_of[record["record_id"]]])
    return result
