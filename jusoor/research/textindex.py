"""Words with their places: keyword in context and code suggestions from shared stems.

Each word of a text is found with its offsets in the text as written (so a hit can be shown in
its context) and reduced to the engine's search term (normalised, stemmed by script), so that
البطاله finds البطالة and بالبطالة, and "extremists" finds "extremism".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from jusoor.engines.arabic import search_terms

# A word: letters with the marks and tatweel that may sit inside it, or a run of digits.
_WORD = re.compile(r"(?:[^\W\d_][\u064b-\u065f\u0670\u0640]*)+|\d+")


@lru_cache(maxsize=65536)
def term(word: str) -> str:
    """The search term of one word, or "" for a function word."""
    found = search_terms(word)
    return found[0] if found else ""


def words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, term) of every word of ``text`` that has a term."""
    out = []
    for match in _WORD.finditer(text):
        t = term(match.group(0))
        if t:
            out.append((match.start(), match.end(), t))
    return out


def terms(text: str) -> list[str]:
    return [t for _s, _e, t in words(text)]


@dataclass(frozen=True)
class Hit:
    before: str
    match: str
    after: str
    start: int
    end: int


def keyword_in_context(text: str, query: str, width: int = 60) -> list[Hit]:
    """Every place where the words of ``query`` occur in order in ``text``, with context."""
    wanted = search_terms(query)
    if not wanted:
        return []
    found = words(text)
    hits = []
    n = len(wanted)
    for i in range(len(found) - n + 1):
        if all(found[i + k][2] == wanted[k] for k in range(n)):
            start, end = found[i][0], found[i + n - 1][1]
            before = text[max(0, start - width) : start]
            after = text[end : end + width]
            hits.append(
                Hit(
                    before=("…" if start > width else "") + before,
                    match=text[start:end],
                    after=after + ("…" if end + width < len(text) else ""),
                    start=start,
                    end=end,
                )
            )
    return hits


@dataclass(frozen=True)
class Proposal:
    code_id: int
    score: float
    shared: list[str]


def suggest(
    segment_terms: Sequence[str],
    examples: dict[int, list[list[str]]],
    keywords: dict[int, Iterable[str]],
    *,
    threshold: float = 0.12,
    limit: int = 3,
) -> list[Proposal]:
    """Codes for an uncoded segment, by TF-IDF cosine with each code's profile.

    A code's profile is the terms of the segments already coded with it plus its keywords and
    names (``keywords``). Document frequencies come from those profiles, so a word every code
    uses weighs nothing. Deterministic: equal scores are ordered by code id.
    """
    profiles: dict[int, Counter[str]] = {}
    for code_id in set(examples) | set(keywords):
        counts: Counter[str] = Counter()
        for example in examples.get(code_id, []):
            counts.update(set(example))
        counts.update(dict.fromkeys(keywords.get(code_id, []), 2))
        if counts:
            profiles[code_id] = counts
    if not profiles or not segment_terms:
        return []
    df: Counter[str] = Counter()
    for counts in profiles.values():
        df.update(counts.keys())
    total = len(profiles)

    def idf(t: str) -> float:
        return math.log((1 + total) / (1 + df[t])) + 1.0

    seg = Counter(segment_terms)
    seg_vec = {t: c * idf(t) for t, c in seg.items()}
    seg_norm = math.sqrt(sum(v * v for v in seg_vec.values()))
    proposals = []
    for code_id, counts in profiles.items():
        vec = {t: c * idf(t) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        shared = sorted(set(seg) & set(vec))
        if not shared or not norm or not seg_norm:
            continue
        score = sum(seg_vec[t] * vec[t] for t in shared) / (seg_norm * norm)
        if score >= threshold:
            proposals.append(Proposal(code_id, round(score, 4), shared))
    proposals.sort(key=lambda p: (-p.score, p.code_id))
    return proposals[:limit]
