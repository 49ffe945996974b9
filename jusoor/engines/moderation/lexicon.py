"""The project's own lexicon of insults, hate, incitement, extremist propaganda and profanity.

A classifier trained on Gulf and Egyptian tweets misses Iraqi sectarian slurs (روافض, نواصب,
صفوي) and ISIS vocabulary (باقية وتتمدد, ولاية الأنبار), which matter most in Anbar. The lexicon
names them explicitly, with a category, a severity and a note on context, and is matched on the
same prepared text as the classifier, at word boundaries, through common clitics (والروافض,
للنواصب, يالكلب, حقيرين). Entries live in ``lexicon.json`` so that an organisation can read and
extend them without touching code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jusoor.engines.moderation.text import MAX_SCAN_CHARS, prepare

LEXICON_PATH = Path(__file__).resolve().parent / "lexicon.json"
CATEGORIES = (
    "insult",
    "sectarian_ethnic_hate",
    "incitement",
    "extremist_propaganda",
    "profanity",
)
SEVERITIES = (1, 2, 3)

# Proclitics that can stick to any stem of three letters or more (article, conjunctions, vocative),
# and those only tried on stems of four or more (ب، ل، ك are too often a word's own first letter:
# بكس is "box", not ب + كس).
_PREFIXES_ANY = ("وال", "فال", "يال", "ال", "يا", "و", "ف")
_PREFIXES_LONG = ("وبال", "وكال", "بال", "كال", "لل", "ولل", "وب", "ول", "فب", "فل", "ب", "ل", "ك")
_SUFFIXES = (
    "هما", "كما", "يين", "يون", "هم", "هن", "كم", "كن", "نا", "ها", "ين", "ون", "ات", "يه", "وا",
    "ه", "ك", "ي",
)  # fmt: skip
_MIN_STEM = 3
_CACHE_SIZE = 200_000  # words; bounded so a stream of junk cannot grow memory without end


@dataclass(frozen=True)
class Entry:
    """One lexicon term: its category, severity (1 context-dependent, 2 review, 3 hold), forms."""

    term: str
    category: str
    severity: int
    forms: tuple[str, ...]
    dialect: str = ""
    note: str = ""


@dataclass(frozen=True)
class Match:
    """A lexicon hit: which entry, which form, and the word position where it starts."""

    entry: Entry
    form: str
    position: int

    @property
    def category(self) -> str:
        """The entry's category (insult, sectarian_ethnic_hate, ...)."""
        return self.entry.category

    @property
    def severity(self) -> int:
        """The entry's severity, 1 to 3."""
        return self.entry.severity


class Lexicon:
    """Entries indexed by their prepared forms for matching in time linear in the text length."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = list(entries)
        self._single: dict[str, list[tuple[str, Entry]]] = {}
        self._multi: dict[str, list[tuple[tuple[str, ...], str, Entry]]] = {}
        self._cache: dict[str, tuple[str, ...]] = {}
        for entry in self.entries:
            if entry.category not in CATEGORIES or entry.severity not in SEVERITIES:
                raise ValueError(f"Bad category or severity in lexicon entry {entry.term!r}")
            for form in entry.forms:
                wildcard = form.endswith("*")
                words = tuple(prepare(form.rstrip("*"), max_chars=None).split())
                if not words:
                    continue
                if wildcard:
                    words = (*words[:-1], words[-1] + "*")
                if len(words) == 1:
                    self._single.setdefault(words[0], []).append((form, entry))
                else:
                    self._multi.setdefault(words[0], []).append((words[1:], form, entry))

    def match(self, text: str, *, prepared: str | None = None) -> list[Match]:
        """Return the lexicon hits in ``text`` (or in its already prepared form), in text order.

        A word matches when it equals a form, or does after removing a proclitic and/or an
        enclitic and leaving a stem of at least three letters; multi-word forms match on
        consecutive words, clitics allowed on the first.
        """
        if prepared is None:
            prepared = prepare(text, max_chars=MAX_SCAN_CHARS)
        words = prepared.split()
        hits: list[Match] = []
        seen: set[tuple[int, str]] = set()
        for i, word in enumerate(words):
            for candidate in self._known_candidates(word):
                for form, entry in self._single.get(candidate, ()):
                    if (i, entry.term) not in seen:
                        seen.add((i, entry.term))
                        hits.append(Match(entry, form, i))
                for rest, form, entry in self._multi.get(candidate, ()):
                    if _follows(words, i + 1, rest) and (i, entry.term) not in seen:
                        seen.add((i, entry.term))
                        hits.append(Match(entry, form, i))
        # One word read two ways (الرافضة: the slur, رافضة: "rejecting") reports the graver reading.
        top: dict[tuple[int, str], int] = {}
        for h in hits:
            key = (h.position, h.category)
            top[key] = max(top.get(key, 0), h.severity)
        return [h for h in hits if h.severity == top[(h.position, h.category)]]

    def _known_candidates(self, word: str) -> tuple[str, ...]:
        """The word's readings that are lexicon keys; cached, since most words are not."""
        known = self._cache.get(word)
        if known is None:
            known = tuple(c for c in _candidates(word) if c in self._single or c in self._multi)
            if len(self._cache) < _CACHE_SIZE:
                self._cache[word] = known
        return known

    def clear_cache(self) -> None:
        """Forget cached word readings (benchmarks measure from a cold cache)."""
        self._cache.clear()

    def max_severity(self, matches: Iterable[Match]) -> int:
        """Highest severity among ``matches`` (0 when there are none)."""
        return max((m.severity for m in matches), default=0)


def _follows(words: list[str], start: int, rest: tuple[str, ...]) -> bool:
    """Whether ``rest`` are the next words; a final ``*`` matches any word starting so."""
    if start + len(rest) > len(words):
        return False
    for expected, word in zip(rest, words[start:], strict=False):
        if expected.endswith("*") and len(expected) > 1:
            if not word.startswith(expected[:-1]):
                return False
        elif word != expected:
            return False
    return True


def _candidates(word: str) -> set[str]:
    """The word and its stems with one proclitic and/or one enclitic removed."""
    out = {word}
    if not ("\u0600" <= word[:1] <= "\u06ff"):
        return out  # Latin (English, Arabizi) and emoji tokens match as whole words only
    stems = [word]
    for prefix in _PREFIXES_ANY + _PREFIXES_LONG:
        if word.startswith(prefix):
            stem = word[len(prefix) :]
            minimum = _MIN_STEM if prefix in _PREFIXES_ANY else _MIN_STEM + 1
            if len(stem) >= minimum:
                stems.append(stem)
    out.update(stems)
    for stem in stems:
        for suffix in _SUFFIXES:
            if stem.endswith(suffix) and len(stem) - len(suffix) >= _MIN_STEM:
                out.add(stem[: -len(suffix)])
    return out


def load_lexicon(path: Path | str | None = None) -> Lexicon:
    """Read a lexicon JSON file (the project's by default)."""
    data = json.loads(Path(path or LEXICON_PATH).read_text("utf-8"))
    return Lexicon(
        Entry(
            term=e["term"],
            category=e["category"],
            severity=int(e["severity"]),
            forms=tuple(e["forms"]),
            dialect=e.get("dialect", ""),
            note=e.get("note", ""),
        )
        for e in data["entries"]
    )


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The project's lexicon, loaded once per process."""
    return load_lexicon()
