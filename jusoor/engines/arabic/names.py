"""Person names: the name chain and a phonetic key shared by Arabic and Latin spellings.

An Iraqi name is a chain: given name, father, grandfather, sometimes great-grandfather, often a
tribe or family (الدليمي). The same person is written عبد الله / عبدالله, with or without بن,
with two, three or four links, in Arabic on one sheet and as "Abdullah Ahmed Al-Dulaimi" on
another. ``normalise_name`` and ``name_tokens`` give one spelling of the chain;
``name_key`` / ``latin_key`` give a consonant skeleton in which Mohammed, Muhammad, Mohamed and
محمد all read "mhmd". The skeleton is computed, not looked up: it folds letters that
transliteration confuses (ح/ه/h, ق/ك/غ/g/q, ت/ط/ث/د/t/th/d, ذ/ض/ظ/ز/dh/z, س/ص/ش/s/sh) and drops
the vowels and weak letters (ا و ي ع ء, a e i o u w y) that Latin spellings disagree on.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jusoor.engines.arabic.normalise import normalise

_NON_LETTER = re.compile(r"[^\w\s]|[\d_]")
# Apostrophes mark an ain or hamza inside Latin names (Ra'ad, Sha'lan): dropped, not spaced.
_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u02bf\u02be`\u00b4]")
_ARABIC = re.compile("[\u0621-\u064a]")

# Links that are not names: "son of" / "daughter of" inside a chain.
_FILLERS = frozenset({"بن", "ابن", "بنت", "bin", "ibn", "ben", "bint", "binti", "ibnat"})
# A first part that cannot stand alone: it joins the next word (عبد الله → عبدالله).
_JOIN_NEXT = frozenset(
    {
        "عبد",
        "ابو",
        "ام",
        "umm",
        "um",
        "om",
        "abd",
        "abdul",
        "abdel",
        "abdal",
        "abdil",
        "abdol",
        "abdu",
        "abu",
        "abou",
        "abo",
    }
)
# A second part that cannot stand alone: it joins the previous word (نور الدين, جار الله).
_JOIN_PREV = frozenset(
    {
        "الدين",
        "الله",
        "الرحمن",
        "din",
        "deen",
        "aldin",
        "aldeen",
        "eldin",
        "uddin",
        "ullah",
        "allah",
        "ullha",
    }
)
_ARTICLES_LATIN = frozenset({"al", "el", "ul"})

# Arabic letter -> skeleton class. Letters absent from the map (vowels, ع, ء) are dropped.
_AR_SKELETON = {
    "ب": "b",
    "ت": "d",
    "ث": "d",
    "ط": "d",
    "ج": "j",
    "ح": "h",
    "ه": "h",
    "خ": "k",
    "ق": "k",
    "ك": "k",
    "غ": "k",
    "د": "d",
    "ذ": "z",
    "ض": "z",
    "ظ": "z",
    "ز": "z",
    "ر": "r",
    "س": "s",
    "ش": "s",
    "ص": "s",
    "ف": "f",
    "ل": "l",
    "م": "m",
    "ن": "n",
}
# Latin digraphs first (kh before k/h), then single letters, to the same classes.
_LATIN_DIGRAPHS = (
    ("kh", "k"),
    ("gh", "k"),
    ("sh", "s"),
    ("ch", "s"),
    ("th", "d"),
    ("dh", "z"),
    ("ph", "f"),
)
_LATIN_SKELETON = {
    "b": "b",
    "p": "b",
    "t": "d",
    "j": "j",
    "h": "h",
    "k": "k",
    "q": "k",
    "g": "k",
    "c": "k",
    "d": "d",
    "z": "z",
    "r": "r",
    "s": "s",
    "x": "ks",
    "f": "f",
    "v": "f",
    "l": "l",
    "m": "m",
    "n": "n",
}
_DOUBLE = re.compile(r"(.)\1+")
# Article inside compounds: عبدالرحمن → عبد|رحمن, نورالدين → نور|دين (sun letters assimilate it
# in speech, so Latin spellings often lack the "l": Abdurrahman, Nureddin).
_AR_COMPOUND_ARTICLE = re.compile(r"^(عبد|ابو|ام)ال|ال(?=(دين|له|رحمن)$)")
_LATIN_COMPOUND = re.compile(r"^(abd|ab[ou])(?:[aeiou]?l(?=[^l])|[aeiou](?=[^aeiouyl]))?")
_LATIN_DIN = re.compile(r"(?:[aeiou]?l|[aeiu])?-?d?d(?:i|ee|ea)n$")


def _join_compounds(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in _JOIN_NEXT and i + 1 < len(words):
            nxt = words[i + 1]
            if nxt in _ARTICLES_LATIN and i + 2 < len(words):
                out.append(word + nxt + words[i + 2])
                i += 3
                continue
            out.append(word + nxt)
            i += 2
            continue
        if word in _ARTICLES_LATIN and i + 1 < len(words):
            if out and words[i + 1] in _JOIN_PREV | {"din", "deen", "lah", "llah"}:
                out[-1] += word + words[i + 1]
            else:
                out.append(word + words[i + 1])
            i += 2
            continue
        if word == "ال" and i + 1 < len(words):
            out.append("ال" + words[i + 1])
            i += 2
            continue
        if word in _JOIN_PREV and out:
            out[-1] += word
            i += 1
            continue
        out.append(word)
        i += 1
    return out


@lru_cache(maxsize=200_000)
def normalise_name(text: str) -> str:
    """Return one spelling of a person's name chain, words separated by single spaces.

    Arabic is normalised (hamza, ta marbuta, alef maqsura, diacritics); compound names are
    joined (عبد الله → عبدالله, ابو بكر → ابوبكر, نور الدين → نورالدين, "Abd al Rahman" →
    "abdalrahman"); بن/ابن/بنت/bin/ibn inside the chain are dropped; Latin article words
    ("Al Dulaimi", "al-Dulaimi") are attached to their name. Digits and punctuation go.
    """
    words = _NON_LETTER.sub(" ", _APOSTROPHES.sub("", normalise(text))).split()
    words = _join_compounds(words)
    # A filler is dropped inside a chain, never as the first word (ابن could be a nickname).
    return " ".join(w for i, w in enumerate(words) if i == 0 or w not in _FILLERS)


def name_tokens(text: str) -> tuple[str, ...]:
    """The name chain as a tuple: given name, father, grandfather, ..., tribe or family."""
    return tuple(normalise_name(text).split())


def is_family_token(token: str) -> bool:
    """True when a chain link is written as a tribe or family (الدليمي, Al-Dulaimi, Aldulaimi)."""
    if token.startswith("ال"):
        return len(token) >= 5 and not _AR_COMPOUND_ARTICLE.search(token)
    return token.startswith(("al", "el")) and len(token) >= 5 and token[2] not in "ly"


_HAS_U, _LONG_U, _HAS_I, _LONG_I = 1, 2, 4, 8
_AR_VOWEL_BITS = {"و": _HAS_U | _LONG_U, "ي": _HAS_I | _LONG_I}
_LATIN_LONG_U = ("oo", "ou", "uu", "w")
_LATIN_LONG_I = ("ee", "ei", "ai", "ie", "ey", "ay", "ii", "y")


def _latin_gap_bits(gap: str) -> int:
    bits = 0
    if any(ch in gap for ch in "uow"):
        bits |= _HAS_U
    if any(mark in gap for mark in _LATIN_LONG_U):
        bits |= _LONG_U
    if any(ch in gap for ch in "iey"):
        bits |= _HAS_I
    if any(mark in gap for mark in _LATIN_LONG_I):
        bits |= _LONG_I
    return bits


@lru_cache(maxsize=200_000)
def spelling(token: str) -> tuple[str, tuple[int, ...]]:
    """Consonant skeleton of a normalised name token and the long vowels between its letters.

    The skeleton alone makes محمد and محمود both "mhmd"; the vowel gaps tell them apart across
    scripts: محمود has a long u before its last letter, so "Mohammed" cannot be it, and
    "Mahmoud" (ou) cannot be محمد. Gaps before the first and after the last consonant are left
    out, since Latin spellings treat initial ع/ا and final ى freely.
    """
    arabic = bool(_ARABIC.search(token))
    word = token
    if arabic:
        if word.startswith("ال") and len(word) >= 5:
            word = word[2:]
        word = _AR_COMPOUND_ARTICLE.sub(r"\1", word)
        if word[-1:] in "هح" and len(word) > 2:
            word = word[:-1]
        letters = [(_AR_SKELETON.get(ch, ""), ch) for ch in word]
    else:
        if word.startswith(("al", "el")) and len(word) >= 5 and word[2] not in "ly":
            word = word[2:]
        # "|" keeps a compound's halves from forming a digraph (Abdul|hameed is not "dh").
        word = _LATIN_COMPOUND.sub(r"\1|", word)
        word = _LATIN_DIN.sub("|din", word) if len(word) > 6 else word
        for pair, repl in _LATIN_DIGRAPHS:
            word = word.replace(pair, repl)
        if word.endswith("h") and len(word) > 3:
            word = word[:-1]
        letters = [(_LATIN_SKELETON.get(ch, ""), ch) for ch in word]
    skeleton: list[str] = []
    gaps: list[str] = []
    for cls, ch in letters:
        if not cls:
            if skeleton:
                gaps[-1] += ch
            continue
        for part in cls:
            if skeleton and skeleton[-1] == part:
                continue  # repeated class (Mohammed's mm) collapses; its gaps merge
            skeleton.append(part)
            gaps.append("")
    if not skeleton:
        return token[:1], ()
    if arabic:
        bits = tuple(
            _AR_VOWEL_BITS.get("و" if "و" in g else ("ي" if "ي" in g else ""), 0) for g in gaps
        )
    else:
        bits = tuple(_latin_gap_bits(g) for g in gaps)
    return "".join(skeleton), bits[:-1]


def vowels_compatible(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    """False when one spelling has a long vowel where the other plainly has none."""
    if len(a) != len(b):
        return True
    for x, y in zip(a, b, strict=True):
        if (x & _LONG_U and not y & _HAS_U) or (y & _LONG_U and not x & _HAS_U):
            return False
        if (x & _LONG_I and not y & _HAS_I) or (y & _LONG_I and not x & _HAS_I):
            return False
    return True


def token_key(token: str) -> str:
    """Consonant skeleton of one normalised name token, the same for Arabic and Latin spellings.

    The article of a family name is dropped (الدليمي = دليمي = dlm), the article inside
    compounds too (عبدالرحمن = Abdurrahman = bdrhmn); a final ta marbuta/"ah" is dropped
    (فاطمه = Fatima = fdm), and so is any final h, which Latin cannot tell from it
    (صباح = Sabah = sb); repeated classes collapse (Mohammed = mhmd).
    """
    return spelling(token)[0]


def same_name(a: str, b: str) -> bool:
    """True when two normalised tokens may be spellings of one name (equal skeleton, vowels fit)."""
    (key_a, gaps_a), (key_b, gaps_b) = spelling(a), spelling(b)
    return key_a == key_b and vowels_compatible(gaps_a, gaps_b)


def latin_key(text: str) -> str:
    """Phonetic key of a whole name: the skeletons of its chain links, space separated.

    ``latin_key("Mohammed Abdullah") == latin_key("محمد عبد الله") == "mhmd bdl"``. It is a
    matching key, not a transliteration to show anyone.
    """
    return " ".join(token_key(t) for t in name_tokens(text))


name_key = latin_key


# How sex is written in registers and spreadsheets, after ``normalise``.
_MALE = frozenset({"m", "male", "man", "boy", "ذكر", "رجل", "ذ", "م", "1"})
_FEMALE = frozenset({"f", "female", "woman", "girl", "انثي", "امراه", "امرءه", "ا", "ث", "ف", "2"})


def parse_sex(value: str | None) -> str | None:
    """``"m"``, ``"f"``, or None when the text says neither (ذكر / أنثى / M / female / 1 / 2...)."""
    if not value:
        return None
    value = normalise(value).strip(" .")
    if value in _MALE:
        return "m"
    if value in _FEMALE:
        return "f"
    return None
