"""Words for search and moderation: tokens, stems, search terms and field synonyms.

A search for التطرف must find والتطرف, المتطرفين and التّطرّف; a moderator's lexicon entry for
الإرهاب must catch الارهاب. Both needs are served by one function, ``search_terms``, which every
indexer and every query goes through, so that the two sides always meet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

from jusoor.engines.arabic.normalise import normalise

_ARABIC_LETTERS = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06ff"
_ARABIC_CHAR = re.compile(f"[{_ARABIC_LETTERS}]")
# A token is a run of one script: Arabic letters, digits, or other letters (Latin and the rest).
# Splitting at script boundaries turns "بالUNDP" into "بال", "undp" and "2024م" into "2024", "م".
_TOKEN = re.compile(
    rf"[{_ARABIC_LETTERS}]+"
    r"|\d+"
    rf"|(?:(?![{_ARABIC_LETTERS}\u0600-\u06ff])[^\W\d_])+"
)

_AR_STOPWORDS = frozenset(
    normalise(w)
    for w in re.findall(
        r"\S+",
        "في من على الى إلى عن مع ان أن إن او أو ثم هذا هذه ذلك تلك التي الذي الذين هو هي هم "
        "كان كانت قد لا لم لن ما كل بين بعد قبل حتى اذا إذا عند غير ضد ايضا أيضا و",
    )
)
_EN_STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        "a an the and or of to in on for with by at from is are was were be been it its this "
        "that these those as not no but",
    )
)

# Bare clitics left over when a word was split at a script boundary (بالUNDP).
_AR_CLITICS = frozenset({"ال", "بال", "وال", "فال", "كال", "لل", "ب", "ل", "ك", "ف", "م"})
# Clitics and affixes, longest first. Articles combined with a conjunction or preposition come
# before the bare article so that والتطرف loses "وال" in one step.
_AR_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
_AR_SUFFIXES = ("هما", "كما", "ها", "هم", "هن", "كم", "نا", "ان", "ات", "ون", "ين", "يه", "ه", "ي")


def is_arabic(token: str) -> bool:
    """True when ``token`` contains an Arabic letter (the stemmer and name key differ by script)."""
    return bool(_ARABIC_CHAR.search(token))


def tokenise(text: str) -> list[str]:
    """Split ``text`` into word and number tokens; punctuation and symbols are dropped.

    Diacritics, tatweel and invisible marks are removed first so that they never split a word,
    and Eastern digits become ASCII. Letters are not folded or lower-cased here: callers that
    compare words should use ``search_terms`` (or ``normalise`` first).
    """
    if not text:
        return []
    cleaned = normalise(text, fold_hamza=False, lower=False)
    return _TOKEN.findall(cleaned)


def light_stem(token: str) -> str:
    """Strip Arabic clitics and inflectional affixes, keeping at least a three-letter stem.

    This is a light stemmer in the Light10 family (Larkey et al.), made more conservative: the
    conjunction و/ف comes off only from words of five letters or more, prepositions ب/ك/ل only
    together with the article (بال، كال، لل), suffixes only while three letters remain, so short
    roots (ولد، بيت، علي، والد) and words starting with ب/ك/ل (كراهية، بيان) survive. One extra rule maps
    form V/VI participles to their verbal noun (متطرف → تطرف), which is how extremism vocabulary
    is mostly written. Expects a normalised token; non-Arabic tokens are returned unchanged.
    """
    word = normalise(token)
    if not is_arabic(word) or len(word) < 3 or word == "الله":
        return word
    for article in _AR_ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 3:
            word = word[len(article) :]
            break
    else:
        if word[0] in "وف" and len(word) >= 5:
            word = word[1:]
            for article in _AR_ARTICLES[-2:]:
                if word.startswith(article) and len(word) - len(article) >= 3:
                    word = word[len(article) :]
                    break
    for suffix in _AR_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
    if word.startswith("مت") and len(word) >= 5:
        word = word[1:]
    return word


_english = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def english_stem(token: str) -> str:
    """Snowball (Porter 2) stem of an English word, lower-cased, with two folds Snowball lacks.

    Snowball stems "extremism" to "extrem" but leaves "extremist" whole, so a search for
    extremists would miss every text about extremism: an -ist stem is folded onto its -ism
    sibling when that sibling stems to the base (extremist → extrem, terrorist → terror; list,
    exist, assist stay). British -ise/-isation stems keep "is" (radicalis) where American ones
    lose it (radic): they are folded onto the American stem.
    """
    stem = _english.stemWord(token.lower())
    if not stem.isascii() or len(stem) < 6:
        return stem
    if stem.endswith("ist"):
        base = stem[:-3]
        if _english.stemWord(base + "ism") == base:
            return base
    elif stem.endswith("is") and len(stem) > 6:
        return _english.stemWord(stem[:-2] + "ize")
    return stem


@lru_cache(maxsize=65536)
def _stem_any(token: str) -> str:
    if token.isdigit():
        return token
    if is_arabic(token):
        return light_stem(token)
    return english_stem(token)


def search_terms(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Normalise, tokenise and stem ``text`` by script: the terms an index and a query share.

    Order and repeats are kept (counts matter for ranking). Common function words are dropped
    unless ``keep_stopwords`` is set (a moderation lexicon may want them).
    """
    terms = []
    for token in tokenise(normalise(text)):
        if not keep_stopwords and (
            token in _AR_STOPWORDS or token in _EN_STOPWORDS or token in _AR_CLITICS
        ):
            continue
        terms.append(_stem_any(token))
    return terms


# Field synonyms: each group lists phrases a PVE programme treats as one concept. Kept small and
# curated; a phrase may be several words and matches when its terms appear in order.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("تطرف", "غلو", "تشدد", "extremism", "radicalism"),
    ("التطرف العنيف", "violent extremism"),
    ("خطاب الكراهية", "التحريض", "hate speech", "incitement"),
    ("إرهاب", "terrorism"),
    ("تماسك مجتمعي", "التعايش السلمي", "social cohesion", "coexistence"),
    ("بناء السلام", "peacebuilding"),
    ("نازحين", "النازحون", "displaced", "idp"),
    ("عائدين", "returnees"),
    ("شباب", "youth"),
    ("نساء", "المرأة", "women"),
    ("مصالحة", "reconciliation"),
    ("وقاية", "منع", "prevention"),
)


@lru_cache(maxsize=1)
def _synonym_groups() -> tuple[tuple[tuple[str, ...], ...], ...]:
    return tuple(
        tuple(tuple(search_terms(phrase)) for phrase in group if search_terms(phrase))
        for group in SYNONYMS
    )


def _contains(terms: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(terms[i : i + n]) == phrase for i in range(len(terms) - n + 1))


def expand_synonyms(terms: Iterable[str]) -> list[str]:
    """Return ``terms`` followed by the terms of every synonym of a phrase they contain.

    ``terms`` are search terms (from ``search_terms``); so a query for "hate speech" also finds
    documents that say التحريض. Added terms are appended once each, in group order.
    """
    base = list(terms)
    seen = set(base)
    out = list(base)
    for group in _synonym_groups():
        if not any(_contains(base, phrase) for phrase in group):
            continue
        for phrase in group:
            for term in phrase:
                if term not in seen:
                    seen.add(term)
                    out.append(term)
    return out
