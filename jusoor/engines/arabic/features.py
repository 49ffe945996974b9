"""Person records turned into arrays that the deduplicator can block and score quickly.

Each record becomes: up to four chain links (given name, father, grandfather, great-grandfather),
a tribe, birth year, sex, phone and area, as integer ids. Two ids per link: the exact normalised
spelling and the phonetic skeleton (``names.token_key``), so that محمد = محمد is told apart from
محمد ~ Mohammed (same skeleton, other script) and from محمد ~ محمود (same skeleton, same script,
different letters: another name).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from jusoor.engines.arabic.name_data import FEMALE, MALE, TRIBES
from jusoor.engines.arabic.names import (
    is_family_token,
    name_tokens,
    normalise_name,
    parse_sex,
    spelling,
    token_key,
)
from jusoor.engines.arabic.normalise import normalise, to_western_digits
from jusoor.engines.arabic.phone import normalise_phone
from jusoor.engines.arabic.text import is_arabic

LINKS = 4
_PSEUDO_COUNT = 1000
_UNLISTED_PRIOR = 1 / 2000  # share of a name missing from the reference list


@lru_cache(maxsize=1)
def reference_shares() -> dict[str, float]:
    """Rough share of each name (and tribe) skeleton among Iraqi names, from ``name_data``."""
    shares: Counter = Counter()
    for table in (MALE + FEMALE, TRIBES):
        total = sum(weight for _, weight, _ in table)
        for name, weight, _ in table:
            shares[token_key(normalise_name(name).replace(" ", ""))] += weight / total
    return dict(shares)


@lru_cache(maxsize=1)
def known_names() -> frozenset[str]:
    """Normalised spellings of listed given names: two of them are two names, never a typo."""
    return frozenset(normalise_name(name).replace(" ", "") for name, _, _ in MALE + FEMALE)


@dataclass
class Features:
    """Column arrays, one row per record; -1 means missing."""

    ids: list[str]
    exact: np.ndarray  # (n, LINKS) id of the normalised spelling of each link
    key: np.ndarray  # (n, LINKS) id of the skeleton of each link
    latin: np.ndarray  # (n, LINKS) bool: link written in Latin letters
    tribe_exact: np.ndarray
    tribe_key: np.ndarray
    tribe_latin: np.ndarray
    year: np.ndarray
    sex: np.ndarray
    phone: np.ndarray
    area: np.ndarray
    words: list[str]  # exact id -> spelling
    keys: list[str]  # key id -> skeleton
    gaps: list[tuple[int, ...]]  # exact id -> long vowels between its consonants
    word_count: np.ndarray  # exact id -> records using that spelling
    key_count: np.ndarray  # key id -> links with that skeleton
    key_shape: np.ndarray  # key id -> (length, first letter, last letter), for quick filters
    key_weight: np.ndarray  # (2, n_keys): bits of evidence when two given names (row 0) or
    # two ancestor links (row 1) agree on a key
    tribe_weight: np.ndarray


def _sex(value: str) -> int:
    return {"m": 0, "f": 1}.get(parse_sex(value) or "", -1)


def _year(value: str) -> int:
    value = to_western_digits(value).strip()
    if len(value) == 4 and value.isdigit() and 1900 <= int(value) <= 2100:
        return int(value)
    return -1


def _bare_family(token: str) -> str:
    return token[2:] if token.startswith(("ال", "al", "el")) else token


@lru_cache(maxsize=200_000)
def _chain(name: str) -> tuple[tuple[str, ...], str | None]:
    tokens = name_tokens(name)
    if len(tokens) >= 2 and is_family_token(tokens[-1]):
        return tokens[:-1], tokens[-1]
    return tokens, None


class _Vocab(dict):
    def id(self, word: str) -> int:
        found = self.get(word)
        if found is None:
            found = self[word] = len(self)
        return found


def _bits(counts: Counter, vocab: _Vocab, floor: float, cap: float) -> np.ndarray:
    """-log2 of each value's frequency: agreeing on محمد says less than agreeing on عفتان.

    Frequencies are the registry's own counts smoothed towards reference shares of Iraqi names
    with ``_PSEUDO_COUNT`` imaginary observations, so a list of ten records, where every name
    looks frequent, still weighs names the way a large registry would.
    """
    reference = reference_shares()
    total = sum(counts.values()) + _PSEUDO_COUNT
    out = np.full(len(vocab), cap, dtype=np.float64)
    for word, i in vocab.items():
        prior = reference.get(word, _UNLISTED_PRIOR)
        share = (counts.get(word, 0) + _PSEUDO_COUNT * prior) / total
        out[i] = min(cap, max(floor, float(np.log2(1 / share))))
    return out


def build_features(records: Sequence[Mapping[str, object]]) -> Features:
    """Parse names, phones, years and sexes of ``records`` into ``Features``."""
    n = len(records)
    chains = [_chain(str(r.get("name") or "")) for r in records]
    # Tribes written without their article (دليمي, Dulaimi) are recognised by having been seen
    # with it elsewhere in the same registry.
    # A typo (المحمد for المحمدي) must not turn a given name into a tribe: the bare form has to
    # be seen as a tribe at least as often as it is seen as a name link.
    seen_tribes = Counter(_bare_family(t) for _, t in chains if t)
    as_link = Counter(token for links, _ in chains for token in links[:-1])
    names = known_names()
    known = {t for t, c in seen_tribes.items() if c >= 2 and c >= as_link[t] and t not in names}
    for i, (links, tribe) in enumerate(chains):
        if tribe is None and len(links) >= 3 and links[-1] in known:
            chains[i] = (links[:-1], links[-1])

    exact = np.full((n, LINKS), -1, dtype=np.int32)
    key = np.full((n, LINKS), -1, dtype=np.int32)
    latin = np.zeros((n, LINKS), dtype=bool)
    tribe_exact = np.full(n, -1, dtype=np.int32)
    tribe_key = np.full(n, -1, dtype=np.int32)
    tribe_latin = np.zeros(n, dtype=bool)
    words, keys, phones, areas = _Vocab(), _Vocab(), _Vocab(), _Vocab()
    key_counts: tuple[Counter, Counter] = (Counter(), Counter())
    word_counts: Counter = Counter()
    tribe_counts: Counter = Counter()
    for i, (links, tribe) in enumerate(chains):
        for j, token in enumerate(links[:LINKS]):
            skeleton = token_key(token)
            exact[i, j] = words.id(token)
            word_counts[exact[i, j]] += 1
            key[i, j] = keys.id(skeleton)
            latin[i, j] = not is_arabic(token)
            key_counts[min(j, 1)][skeleton] += 1
        if tribe:
            bare = _bare_family(tribe)
            skeleton = token_key(tribe)
            tribe_exact[i] = words.id(bare)
            word_counts[tribe_exact[i]] += 1
            tribe_key[i] = keys.id(skeleton)
            tribe_latin[i] = not is_arabic(tribe)
            tribe_counts[skeleton] += 1
    year = np.array([_year(str(r.get("birth_year") or "")) for r in records], dtype=np.int32)
    sex = np.array([_sex(str(r.get("sex") or "")) for r in records], dtype=np.int8)
    phone = np.full(n, -1, dtype=np.int32)
    area = np.full(n, -1, dtype=np.int32)
    for i, r in enumerate(records):
        number = normalise_phone(str(r.get("phone") or ""))
        if number:
            phone[i] = phones.id(number)
        place = normalise(str(r.get("area") or ""))
        if place:
            area[i] = areas.id(place)
    return Features(
        ids=[str(r.get("record_id")) for r in records],
        exact=exact,
        key=key,
        latin=latin,
        tribe_exact=tribe_exact,
        tribe_key=tribe_key,
        tribe_latin=tribe_latin,
        year=year,
        sex=sex,
        phone=phone,
        area=area,
        words=list(words),
        keys=list(keys),
        gaps=[spelling(w)[1] for w in words],
        word_count=np.array([word_counts[i] for i in range(len(words))], dtype=np.int64),
        key_count=np.array(
            [key_counts[0][k] + key_counts[1][k] + tribe_counts[k] for k in keys], dtype=np.int64
        ),
        key_shape=np.array(
            [(len(k), ord(k[0]), ord(k[-1])) for k in keys] or np.zeros((0, 3)), dtype=np.int64
        ).reshape(-1, 3),
        key_weight=np.stack([_bits(c, keys, 1.0, 14.0) for c in key_counts]),
        tribe_weight=_bits(tribe_counts, keys, 0.5, 6.0),
    )
