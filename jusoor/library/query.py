"""A typed query, parsed into groups of alternatives that both search backends translate.

No user text ever reaches MATCH or to_tsquery as written: it goes through the Arabic engine's
``search_terms`` (which keeps only letters and digits), and each term is quoted again when the
backend expression is built. Quotation marks make a phrase; each phrase or word outside quotes
becomes a group whose alternatives are its field synonyms (تطرف / غلو / extremism ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from jusoor.engines.arabic import SYNONYMS, search_terms

Phrase = tuple[str, ...]
MAX_GROUPS = 12
_QUOTES = re.compile('["“”«»„]')


@dataclass(frozen=True)
class ParsedQuery:
    """``groups``: every group must match (in the strict pass), any one alternative of it will do."""

    groups: tuple[tuple[Phrase, ...], ...] = ()
    terms: frozenset[str] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.groups)


@lru_cache(maxsize=1)
def _synonym_phrases() -> tuple[tuple[Phrase, tuple[Phrase, ...]], ...]:
    """(phrase, its group) pairs, longest phrase first, so "التطرف العنيف" wins over "التطرف"."""
    pairs = []
    for group in SYNONYMS:
        phrases = tuple(dict.fromkeys(p for p in (tuple(search_terms(g)) for g in group) if p))
        pairs += [(phrase, phrases) for phrase in phrases]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def _word_groups(terms: list[str]) -> list[tuple[Phrase, ...]]:
    groups: list[tuple[Phrase, ...]] = []
    i = 0
    while i < len(terms):
        for phrase, alternatives in _synonym_phrases():
            if tuple(terms[i : i + len(phrase)]) == phrase:
                groups.append(alternatives)
                i += len(phrase)
                break
        else:
            groups.append(((terms[i],),))
            i += 1
    return groups


def parse(text: str) -> ParsedQuery:
    """Parse what a person typed. Punctuation, diacritics and search syntax alone parse to nothing."""
    groups: list[tuple[Phrase, ...]] = []
    for index, part in enumerate(_QUOTES.split(text or "")):
        terms = search_terms(part)
        if not terms:
            continue
        if index % 2:  # inside quotation marks: one exact phrase
            groups.append((tuple(terms),))
        else:
            groups += _word_groups(terms)
    unique = list(dict.fromkeys(groups))[:MAX_GROUPS]
    return ParsedQuery(tuple(unique), frozenset(t for g in unique for phrase in g for t in phrase))


def _fts5_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def fts5_match(query: ParsedQuery, *, every: bool = True) -> str:
    """An FTS5 MATCH expression: each term a quoted string, phrases as FTS5 phrases."""
    groups = [
        "(" + " OR ".join(_fts5_string(" ".join(phrase)) for phrase in group) + ")"
        for group in query.groups
    ]
    return (" AND " if every else " OR ").join(groups)


def _ts_lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(query: ParsedQuery, *, every: bool = True) -> str:
    """A to_tsquery('simple', ...) expression: phrases with <->, groups with | and &."""
    groups = [
        "(" + " | ".join(" <-> ".join(_ts_lexeme(t) for t in phrase) for phrase in group) + ")"
        for group in query.groups
    ]
    return (" & " if every else " | ").join(groups)


def fts5_title_any(query: ParsedQuery) -> str:
    """FTS5: any alternative of any group in the title column (the first ranking tier)."""
    phrases = [_fts5_string(" ".join(p)) for group in query.groups for p in group]
    return "title_terms : (" + " OR ".join(phrases) + ")"


def tsquery_title_any(query: ParsedQuery) -> str:
    """PostgreSQL: any alternative of any group among the title's (weight A) lexemes."""
    return " | ".join(
        "(" + " <-> ".join(_ts_lexeme(t) + ":A" for t in phrase) + ")"
        for group in query.groups
        for phrase in group
    )
