"""The library's search terms: the Arabic engine's ``search_terms`` plus one English fold.

Snowball stems "extremism" to "extrem" but leaves "extremist" whole, so a search for extremists
would miss every text about extremism (and the field synonyms, which are keyed on "extrem").
A term ending in -ist is folded to the stem of its -ism sibling when that sibling stems to the
same base (extremist → extrem, terrorist → terror), which leaves list, exist, assist alone.
Likewise British -ise spellings are folded onto the American stem (radicalisation and
radicalization both become "radic"). The gaps are reported to the engine; until they are closed
there, they are closed here.
"""

from __future__ import annotations

from functools import lru_cache

from jusoor.engines.arabic import english_stem, search_terms


@lru_cache(maxsize=65536)
def fold(term: str) -> str:
    if not term.isascii() or len(term) < 6:
        return term
    if term.endswith("ist"):
        base = term[:-3]
        if english_stem(base + "ism") == base:
            return base
    elif term.endswith("is") and len(term) > 6:
        # British -ise/-isation stems keep "is" (radicalis); American -ize/-ization lose it (radic).
        return english_stem(term[:-2] + "ize")
    return term


def library_terms(text: str, *, keep_stopwords: bool = False) -> list[str]:
    return [fold(t) for t in search_terms(text, keep_stopwords=keep_stopwords)]
