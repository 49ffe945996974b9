"""Highlighted snippets: the passage of a text where the query's terms are thickest.

The index holds stemmed terms, which no reader wants to see, so snippets are cut from the original
text: each word is reduced to its search terms and marked when one of them is a query term. Both
backends use this, so both show the same snippets.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from jusoor.engines.arabic import search_terms

# Words with their Arabic marks, so that التّطرّف is one word to highlight, not three.
_WORD = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u0640\u06d6-\u06ed]+")
SCAN_CHARS = 60_000


@lru_cache(maxsize=50_000)
def _word_terms(word: str) -> frozenset[str]:
    return frozenset(search_terms(word, keep_stopwords=True))


def hits_in(text: str, terms: frozenset[str]) -> list[re.Match[str]]:
    return [m for m in _WORD.finditer(text[:SCAN_CHARS]) if _word_terms(m.group()) & terms]


def snippet(text: str, terms: frozenset[str], *, words: int = 30, need_hit: bool = False) -> str:
    """HTML: about ``words`` words around the densest run of hits, hits in ``<mark>``, escaped.

    With ``need_hit``, a text without any hit gives "" (so the caller can try another text).
    """
    if not text:
        return ""
    matches = list(_WORD.finditer(text[:SCAN_CHARS]))
    if not matches:
        return ""
    hit_index = [i for i, m in enumerate(matches) if terms and _word_terms(m.group()) & terms]
    if need_hit and not hit_index:
        return ""
    start = 0
    if hit_index:
        best, best_count, j = hit_index[0], 0, 0
        for i, first in enumerate(hit_index):
            while j < len(hit_index) and hit_index[j] < first + words:
                j += 1
            if j - i > best_count:
                best, best_count = first, j - i
        start = max(0, best - 4)
    end = min(len(matches), start + words)
    begin_char = matches[start].start()
    end_char = matches[end - 1].end()
    out = ["… " if begin_char > 0 else ""]
    cursor = begin_char
    for i in hit_index:
        if start <= i < end:
            m = matches[i]
            out.append(html.escape(text[cursor : m.start()]))
            out.append(f"<mark>{html.escape(m.group())}</mark>")
            cursor = m.end()
    out.append(html.escape(text[cursor:end_char]))
    if end_char < len(text):
        out.append(" …")
    return "".join(out).replace("\n", " ")
