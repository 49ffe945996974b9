"""Anonymised quotes: names and phone numbers out of free text before it leaves the workspace.

Pure Python on top of the Arabic engine. Three things are removed: every phone number the engine
recognises (and any other run of seven digits or more), the names a caller knows are in the text
(the interviewee's, the attendees'), matched by the engine's name skeleton so that another
spelling is caught too, and names introduced by a title (الشيخ، السيد، الحاج، أبو ... / Sheikh,
Mr ...). It is a safety net, not a guarantee: quotes are read by a person before they are published.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from jusoor.engines.arabic import name_tokens, normalise, normalise_phone
from jusoor.engines.arabic.name_data import FEMALE, MALE
from jusoor.engines.arabic.names import is_family_token, same_name

NAME = "[…]"
PHONE = "[☎]"

_DIGIT = "0-9\u0660-\u0669\u06f0-\u06f9"
_PHONE_RUN = re.compile(rf"\+?[{_DIGIT}][{_DIGIT}\s\-\.()]{{5,20}}[{_DIGIT}]")
_WORD = re.compile(r"[^\W\d_]+(?:[\u064b-\u065f\u0670\u0640]*[^\W\d_]*)*")
_TITLES = frozenset(
    normalise(t)
    for t in (
        "الشيخ",
        "شيخ",
        "السيد",
        "السيدة",
        "الحاج",
        "الحاجة",
        "الأستاذ",
        "الاستاذة",
        "الدكتور",
        "الدكتورة",
        "المهندس",
        "القاضي",
        "العميد",
        "العقيد",
        "أبو",
        "ابو",
        "أم",
        "sheikh",
        "mr",
        "mrs",
        "ms",
        "dr",
        "haji",
    )
)
# Words a title is often followed by that are not names (الشيخ في الجامع...).
_NOT_NAMES = frozenset(normalise(w) for w in ("في", "من", "على", "الى", "إلى", "عن", "و", "the"))


def _strip_phones(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        raw = match.group(0)
        digits = sum(ch.isdigit() for ch in raw)
        return PHONE if normalise_phone(raw) or digits >= 7 else raw

    return _PHONE_RUN.sub(replace, text)


def anonymise(text: str, known_names: Iterable[str] = ()) -> str:
    """``text`` with phones, the ``known_names`` (any spelling) and titled names replaced."""
    if not text:
        return ""
    text = _strip_phones(text)
    known = [t for name in known_names for t in name_tokens(name) if len(t) > 2]
    words = list(_WORD.finditer(text))
    hide: set[int] = set()
    for index, match in enumerate(words):
        token = normalise(match.group(0))
        if token in _TITLES:
            following = 0
            for j in range(index + 1, min(index + 5, len(words))):
                gap = text[words[j - 1].end() : words[j].start()]
                nxt = normalise(words[j].group(0))
                if gap.strip(" -") or nxt in _NOT_NAMES:
                    break
                # The first word after a title is a name; the chain goes on while the words
                # look like names (listed given names, compound parts, family names).
                after_article = normalise(words[j - 1].group(0)) in ("al", "el", "ال")
                original = words[j].group(0)
                latin_lower = original.isascii() and not original[:1].isupper()
                if following and not after_article and (latin_lower or not _looks_like_name(nxt)):
                    break
                hide.add(j)
                following += 1
            if following:
                hide.add(index)
            continue
        if known and _is_known(match.group(0), known):
            hide.add(index)
        elif known and index + 1 < len(words):
            # A compound name written in two words (عبد الله) against a chain that joins it.
            pair = f"{match.group(0)} {words[index + 1].group(0)}"
            if text[match.end() : words[index + 1].start()].strip() == "" and (
                "".join(name_tokens(pair)) in known
            ):
                hide.update({index, index + 1})
    if not hide:
        return text
    out, last = [], 0
    previous_hidden = False
    for index, match in enumerate(words):
        if index not in hide:
            previous_hidden = False
            continue
        gap = text[last : match.start()]
        if previous_hidden and not gap.strip(" -"):
            last = match.end()  # one marker for a whole hidden name chain
            continue
        out.append(gap)
        out.append(NAME)
        last = match.end()
        previous_hidden = True
    out.append(text[last:])
    return "".join(out)


@cache
def _given_names() -> frozenset[str]:
    parts = set()
    for name, _weight, latin in (*MALE, *FEMALE):
        parts.update(normalise(name).split())
        parts.update(w.lower() for w in latin.split())
    return frozenset(parts | {"عبد", "الله", "الدين", "الرحمن", "bin", "ibn", "al"})


def _looks_like_name(token: str) -> bool:
    return token in _given_names() or is_family_token(token) or token in ("ال", "al", "el")


def _is_known(word: str, known: list[str]) -> bool:
    """Arabic words must equal a known name once normalised (the phonetic key is too loose for
    running text: البطالة and عبدالله share one); capitalised Latin words may be any spelling."""
    tokens = name_tokens(word)
    if not tokens:
        return False
    token = tokens[0]
    if token in known:
        return True
    if word.isascii() and word[:1].isupper():
        return any(same_name(token, k) for k in known)
    return False
