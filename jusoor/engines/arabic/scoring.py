"""Scoring pairs of person records: blocking, link comparison and weights of evidence.

Evidence is counted in bits, roughly log2(P(evidence | same person) / P(evidence | another
person)): agreeing on a rare name is worth more than agreeing on محمد, a birth year equal is
worth about five bits, a shared phone eight. Some evidence rules a pair out whatever the rest
says (different sex, birth years more than two apart, a different given or father name).
"""

from __future__ import annotations

import numpy as np
from rapidfuzz.distance import OSA

from jusoor.engines.arabic.features import LINKS, Features, known_names
from jusoor.engines.arabic.names import vowels_compatible

MATCH_FLOOR = 11.0
_THIN_CAP = MATCH_FLOOR - 1.0
_MAX_BLOCK = 3000
_TYPO_MAX_COUNT = 2
_TYPO_RATIO = 10
REJECT = -1000.0
# Weights in bits, roughly log2(P(evidence | same person) / P(evidence | other person)).
_LINK_DISAGREE = (REJECT, REJECT, -6.0, -6.0)
# A Latin spelling agreeing by skeleton is a little weaker than the same Arabic letters; a link
# within a typo of the other counts for part of an agreement.
_LATIN_DISCOUNT = 0.5
_TYPO_SHARE = 0.5
_TRIBE_DISAGREE = -6.0
_YEAR = {0: 5.5, 1: 2.9, 2: -1.7}
_PHONE_SAME, _PHONE_DIFFERENT = 8.0, -2.7
_AREA_SAME, _AREA_DIFFERENT = 2.5, -3.0


def _block_pairs(codes: np.ndarray) -> list[np.ndarray]:
    """All pairs of rows sharing a code (code < 0 means no key), skipping runaway blocks."""
    rows = np.flatnonzero(codes >= 0)
    if rows.size < 2:
        return []
    order = np.argsort(codes[rows], kind="stable")
    rows, sorted_codes = rows[order], codes[rows][order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    sizes = np.diff(np.r_[starts, sorted_codes.size])
    ends = np.repeat(starts + sizes, sizes)
    usable = np.repeat((sizes > 1) & (sizes <= _MAX_BLOCK), sizes)
    pos = np.flatnonzero(usable)
    out = []
    step = 1
    while pos.size:
        pos = pos[pos + step < ends[pos]]
        if pos.size:
            out.append(np.stack([rows[pos], rows[pos + step]], axis=1))
        step += 1
    return out


def _compatible(f: Features, pairs: np.ndarray) -> np.ndarray:
    """Cheap vectorised pre-filter: same sex (or unknown) and birth years at most 2 apart."""
    a, b = pairs[:, 0], pairs[:, 1]
    sex_ok = (f.sex[a] < 0) | (f.sex[b] < 0) | (f.sex[a] == f.sex[b])
    year_ok = (f.year[a] < 0) | (f.year[b] < 0) | (np.abs(f.year[a] - f.year[b]) <= 2)
    return sex_ok & year_ok


def _maybe_typo(f: Features, ka: np.ndarray, kb: np.ndarray) -> np.ndarray:
    """Skeletons that could be one typo apart: one edit keeps the first or the last letter."""
    shape = f.key_shape
    return (np.abs(shape[ka, 0] - shape[kb, 0]) <= 1) & (
        (shape[ka, 1] == shape[kb, 1]) | (shape[ka, 2] == shape[kb, 2])
    )


def candidate_pairs(f: Features) -> np.ndarray:
    """Unique (i, j), i < j, of compatible records sharing a phone or two link keys.

    Keys are (given, father), and, to survive a typo in one of them, (given, grandfather) and
    (father, grandfather); a pair found by the latter two is kept only if the link left out
    could be a typo of the other's (siblings and cousins share exactly those two links).
    """
    n_keys = max(len(f.keys), 1) + 1
    chunks = [c[_compatible(f, c)] for c in _block_pairs(f.phone.astype(np.int64))]
    for x, y, other in ((0, 1, None), (0, 2, 1), (1, 2, 0)):
        kx, ky = f.key[:, x].astype(np.int64), f.key[:, y].astype(np.int64)
        codes = np.where((kx >= 0) & (ky >= 0), kx * n_keys + ky, -1)
        for chunk in _block_pairs(codes):
            keep = _compatible(f, chunk)
            if other is not None:
                ka, kb = f.key[chunk[:, 0], other], f.key[chunk[:, 1], other]
                keep &= (ka >= 0) & (kb >= 0) & (ka != kb) & _maybe_typo(f, ka, kb)
            chunks.append(chunk[keep])
    if not chunks:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(chunks), axis=1)
    n = len(f.ids)
    flat = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack([flat // n, flat % n], axis=1)


class _Similar:
    """Cached test: are two different spellings one name with a typo, or two names?

    Within a typo (one edit for short words, two for long ones) is necessary but not enough:
    حسن/حسين and محمد/محمود are one edit apart and are different names. A typo is rare next to
    the spelling it spoils, so two spellings that are both common in this registry are two
    names; only a rare spelling can be a typo of a common (or equally rare) one.
    """

    def __init__(self, f: Features):
        self.f = f
        self.known_names = known_names()
        self.cache: dict[tuple[int, int, bool | None], bool] = {}

    def close(self, ea: int, eb: int, ka: int, kb: int, by_key: bool) -> bool:
        cache_key = (ka, kb, True) if by_key else (ea, eb, False)
        found = self.cache.get(cache_key)
        if found is None:
            if by_key:
                # Latin "th" and "d" are written for ذ/ض as well as for ث/د (Muath = معاذ,
                # Khedar = خضر), so across scripts the two classes count as one.
                a, b = self.f.keys[ka].replace("z", "d"), self.f.keys[kb].replace("z", "d")
                counts = sorted((int(self.f.key_count[ka]), int(self.f.key_count[kb])))
            else:
                a, b = self.f.words[ea], self.f.words[eb]
                if a in self.known_names and b in self.known_names:
                    self.cache[cache_key] = False  # حسن and حسين: two names, not a typo
                    return False
                counts = sorted((int(self.f.word_count[ea]), int(self.f.word_count[eb])))
            if by_key and a == b:
                self.cache[cache_key] = True
                return True
            longest = max(len(a), len(b))
            allowed = 0 if longest < 3 else (1 if longest <= 7 else 2)
            rare = counts[0] <= _TYPO_MAX_COUNT or counts[0] * _TYPO_RATIO <= counts[1]
            found = rare and OSA.distance(a, b, score_cutoff=allowed + 1) <= allowed
            self.cache[cache_key] = found
        return found

    def vowels(self, ea: np.ndarray, eb: np.ndarray) -> np.ndarray:
        """Per pair: do the two spellings' long vowels fit (Mohammed is not محمود)?"""
        out = np.empty(len(ea), dtype=bool)
        for n, (a, b) in enumerate(zip(ea.tolist(), eb.tolist(), strict=True)):
            found = self.cache.get((a, b, None))
            if found is None:
                found = vowels_compatible(self.f.gaps[a], self.f.gaps[b])
                self.cache[(a, b, None)] = found
            out[n] = found
        return out

    def many(self, ea, eb, ka, kb, by_key) -> np.ndarray:
        return np.fromiter(
            (
                self.close(int(a), int(b), int(c), int(d), bool(k))
                for a, b, c, d, k in zip(ea, eb, ka, kb, by_key, strict=True)
            ),
            dtype=bool,
            count=len(ea),
        )


def _link_scores(ea, eb, ka, kb, la, lb, weights, disagree, sim: _Similar):
    """Evidence from one link position for arrays of pairs (0 where either side lacks it).

    Returns the scores and a mask of pairs whose links plainly differ (not even a typo apart).
    """
    score = np.zeros(len(ea))
    differ = np.zeros(len(ea), dtype=bool)
    present = (ea >= 0) & (eb >= 0)
    either_latin = la | lb
    same_exact = present & (ea == eb)
    same_key = present & (ka == kb) & ~same_exact
    score[same_exact] = weights[ka[same_exact]]
    # Latin spellings vary freely, so an equal skeleton is agreement; between two Arabic
    # spellings an equal skeleton with different letters (محمد/محمود) is at best a typo.
    latin_agree = same_key & either_latin
    if latin_agree.any():
        where = np.flatnonzero(latin_agree)
        misfit = where[~sim.vowels(ea[where], eb[where])]
        latin_agree[misfit] = False
        score[misfit] = disagree
        differ[misfit] = True
    score[latin_agree] = weights[ka[latin_agree]] - _LATIN_DISCOUNT
    rest = np.flatnonzero(present & ~same_exact & ~latin_agree & ~differ)
    if rest.size:
        close = sim.many(ea[rest], eb[rest], ka[rest], kb[rest], either_latin[rest])
        score[rest] = np.where(close, weights[ka[rest]] * _TYPO_SHARE, disagree)
        differ[rest[~close]] = True
    return score, differ


def score_pairs(f: Features, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Score candidate pairs; return scores and a mask of pairs that contradict each other.

    A contradiction (different sex, birth years far apart, a link that plainly differs) is what
    stops clustering from chaining two people together through a vague third record.
    """
    a, b = pairs[:, 0], pairs[:, 1]
    score = np.zeros(len(pairs))
    contradict = np.zeros(len(pairs), dtype=bool)
    sim = _Similar(f)
    sex_a, sex_b = f.sex[a], f.sex[b]
    score[(sex_a >= 0) & (sex_b >= 0) & (sex_a != sex_b)] = REJECT
    both_year = (f.year[a] >= 0) & (f.year[b] >= 0)
    gap = np.abs(f.year[a] - f.year[b])
    score[both_year & (gap > 2)] = REJECT
    for g, w in _YEAR.items():
        score[both_year & (gap == g)] += w
    alive = np.flatnonzero(score > REJECT / 2)
    for p in range(LINKS):
        if alive.size == 0:
            break
        ia, ib = a[alive], b[alive]
        link_score, differ = _link_scores(
            f.exact[ia, p],
            f.exact[ib, p],
            f.key[ia, p],
            f.key[ib, p],
            f.latin[ia, p],
            f.latin[ib, p],
            f.key_weight[min(p, 1)],
            _LINK_DISAGREE[p],
            sim,
        )
        score[alive] += link_score
        contradict[alive[differ]] = True
        alive = alive[score[alive] > REJECT / 2]
    ia, ib = a[alive], b[alive]
    tribe_score, differ = _link_scores(
        f.tribe_exact[ia],
        f.tribe_exact[ib],
        f.tribe_key[ia],
        f.tribe_key[ib],
        f.tribe_latin[ia],
        f.tribe_latin[ib],
        f.tribe_weight,
        _TRIBE_DISAGREE,
        sim,
    )
    score[alive] += tribe_score
    contradict[alive[differ]] = True
    both_phone = (f.phone[a] >= 0) & (f.phone[b] >= 0)
    score[both_phone & (f.phone[a] == f.phone[b])] += _PHONE_SAME
    score[both_phone & (f.phone[a] != f.phone[b])] += _PHONE_DIFFERENT
    both_area = (f.area[a] >= 0) & (f.area[b] >= 0)
    score[both_area & (f.area[a] == f.area[b])] += _AREA_SAME
    score[both_area & (f.area[a] != f.area[b])] += _AREA_DIFFERENT
    # A shared phone with a first name alone is not enough; two agreeing links are needed.
    thin = ~((f.exact[a, :2] >= 0) & (f.exact[b, :2] >= 0)).all(axis=1) & ~both_phone
    score[thin] = np.minimum(score[thin], _THIN_CAP)
    contradict |= score <= REJECT / 2
    return score, contradict
