"""Text preparation for moderation: one canonical form for the lexicon and the classifier.

Offensive posts hide from filters with stretched letters (كلبببب), invisible characters, emoji,
tatweel, hamza variants and Latin-script Arabic (Arabizi). Both the lexicon and the classifier see
the same prepared text, so a term written in the lexicon matches what the classifier learned from.
Links, e-mail addresses and phone numbers are found on the raw text, because in a dialogue about
violent extremism a posted phone number can expose a person.
"""

from __future__ import annotations

import re

from jusoor.engines.arabic import normalise

#: Characters the classifier reads; longer texts are cut (the router flags them for review).
MAX_CLASSIFIER_CHARS = 2_000
#: Characters scanned for lexicon terms, links and phones; beyond this nothing is read at all.
MAX_SCAN_CHARS = 100_000

URL_MARK = "_url_"
USER_MARK = "_user_"
LAUGH_MARK = "_laugh_"

_LINE_BREAK_MARK = re.compile(r"<LF>", re.IGNORECASE)
# Variation selectors, zero-width joiner, skin tones, combining enclosing keycap, word joiners and
# other format characters the shared normaliser leaves in place.
_FORMAT_CHARS = re.compile(
    "[\ufe00-\ufe0f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\u00ad\u034f\u061c\u180e"
    "\u20e3\U0001f3fb-\U0001f3ff\U000e0000-\U000e007f]"
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bounded repetitions keep every pattern linear on enormous input (no catastrophic backtracking).
_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){0,4}\.(?:com|net|org|"
    r"info|io|me|ly|co|iq|tv|gl|gg|link|app|site|online|xyz|ru|be)(?:/\S*)?\b",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}\b")
_URL_WORD = re.compile(r"\burl\b")
_MENTION = re.compile(r"@\w+")
# Seven or more digits, allowing spaces, dots, dashes and brackets between them, with an optional +.
_PHONE = re.compile(r"(?<![\w])\+?\d(?:[\s().\-]{0,2}\d){6,14}(?![\w])")
_DIGIT = re.compile(r"\d")
_RETWEET = re.compile(r"(?<!\w)rt(?!\w)")
# Laughter after squeezing: ههههه -> ه, هههه -> ه, هاهاها, hahaha, hhhh -> h, lolll -> lol.
_LAUGH = re.compile(r"(?<!\S)(?:هه?|(?:ها){2,}ه?|(?:ha){2,}h?|hh?|lol|xd)(?!\S)")
_EMOJI = re.compile(
    "([\U0001f000-\U0001faff\u2600-\u27bf\u2300-\u23ff\u2b00-\u2bff\u3030\u303d\u3297\u3299])"
)
_REPEAT = re.compile(r"(.)\1{2,}")
_PUNCT = re.compile(r"[!-/:-@\[-^`{-~«»،؛؟…“”‘’\"'\u060c\u061b\u061f\u066a-\u066d\u06d4]+")


def find_links(text: str) -> list[str]:
    """Return the links and e-mail addresses in ``text`` (a dialogue must not become a contact board)."""
    text = _visible(text[:MAX_SCAN_CHARS])
    if "." not in text:
        return []
    emails = [m.group(0) for m in _EMAIL.finditer(text)] if "@" in text else []
    if emails:
        text = _EMAIL.sub(" ", text)
    return [m.group(0) for m in _URL.finditer(text)] + emails


def find_phone_numbers(text: str) -> list[str]:
    """Return phone numbers: 7+ digits starting with + or 0 (0770..., +964...), or any 10+ digits.

    A phone number in a post about extremism can identify and endanger a person, so the router
    holds the post for a moderator. Year ranges (2014-2017) and counts are not phone numbers.
    Eastern Arabic digits count like Western ones.
    """
    text = text[:MAX_SCAN_CHARS]
    if len(_DIGIT.findall(text)) < 7:
        return []
    text = normalise(_visible(text), lower=False)
    found = []
    for match in _PHONE.finditer(text):
        candidate = match.group(0).strip()
        digits = len(_DIGIT.findall(candidate))
        if digits >= 10 or candidate[0] in "+0":
            found.append(candidate)
    return found


def prepare(text: str, *, max_chars: int | None = MAX_CLASSIFIER_CHARS) -> str:
    """Return the canonical moderation form of ``text``.

    Applies the shared Arabic ``normalise`` (alef/hamza, ta marbuta, alef maqsura, diacritics,
    tatweel, digits, lower case), then: replaces links and @mentions with tokens, marks laughter,
    squeezes letters stretched three or more times to one (كلبببب -> كلب), splits emoji from
    words, and removes punctuation, so that every spelling of an insult meets the same features.
    """
    if not text:
        return ""
    if max_chars is not None:
        text = text[:max_chars]
    text = _visible(_LINE_BREAK_MARK.sub(" ", text))
    if "." in text:  # cheap guards: most posts have no link, mention or retweet mark
        if "@" in text:
            text = _EMAIL.sub(f" {URL_MARK} ", text)
        text = _URL.sub(f" {URL_MARK} ", text)
    text = normalise(text)
    if "@" in text:
        text = _MENTION.sub(f" {USER_MARK} ", text)
    if "url" in text:
        text = _URL_WORD.sub(f" {URL_MARK} ", text)
    if "rt" in text:
        text = _RETWEET.sub(" ", text)
    text = _EMOJI.sub(r" \1 ", text)
    text = _PUNCT.sub(" ", text)
    text = _REPEAT.sub(r"\1", text)
    text = _LAUGH.sub(LAUGH_MARK, text)
    return " ".join(text.split())


def _visible(text: str) -> str:
    """Drop format and control characters that hide words from matching (كـ‍ـلب, k\u200balb)."""
    text = _FORMAT_CHARS.sub("", text)
    return _CONTROL.sub(" ", text)
