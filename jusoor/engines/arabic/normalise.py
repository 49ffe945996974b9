"""Arabic normalisation shared by search, matching and moderation.

Spelling in Iraqi text varies freely (الانبار / الأنبار, مدرسة / مدرسه, على / علي), so every
comparison of Arabic strings goes through ``normalise`` first. The folds are lossy on purpose:
two spellings a reader would call "the same word" must come out equal.
"""

from __future__ import annotations

import re
import unicodedata

# Eastern Arabic (U+0660..) and Persian/Urdu (U+06F0..) digits to ASCII.
_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})
_DIGITS.update({ord("٫"): ".", ord("٬"): ","})

_ALEF_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})
_LETTER_FOLDS = str.maketrans(
    {
        "ة": "ه",  # ta marbuta
        "ى": "ي",  # alef maqsura
        "ؤ": "و",
        "ئ": "ي",
        "ک": "ك",  # Persian kaf
        "ی": "ي",  # Persian yeh
        "ۍ": "ي",
        "ې": "ي",
        "ە": "ه",  # Kurdish ae, written for ta marbuta in Kurdish keyboards
        "ھ": "ه",  # heh doachashmee
        "ۀ": "ه",
        "ڤ": "ف",
        "گ": "ك",
        "چ": "ج",
        "پ": "ب",
        "ژ": "ز",
    }
)
# Harakat, tanween, shadda, sukun, superscript alef, Quranic marks, and tatweel.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Zero-width, directional and other format characters that make equal strings look different
# (pasted from WhatsApp and Word they are everywhere). Removed, not turned into spaces.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufe00-\ufe0f\ufeff\ufff9-\ufffb]"
)
# Control characters other than whitespace become spaces (they usually separate fields).
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")


def to_western_digits(text: str) -> str:
    """Turn Eastern Arabic and Persian digits (and separators) into ASCII.

    Phones, years and amounts arrive in either script from the same form; code that parses
    numbers should not have to care which keyboard the enumerator used.
    """
    return text.translate(_DIGITS)


def normalise(text: str, *, fold_hamza: bool = True, lower: bool = True) -> str:
    """Return ``text`` in the canonical form used to compare Arabic strings.

    Folds alef/hamza forms, ta marbuta, alef maqsura and Persian/Kurdish letter variants; drops
    diacritics, tatweel and invisible characters; turns Eastern digits into ASCII; collapses
    whitespace; lower-cases Latin letters. ``fold_hamza=False`` keeps letters as written (for
    display-near forms) but still cleans marks and spaces. The result is idempotent:
    ``normalise(normalise(t)) == normalise(t)``.
    """
    if not text:
        return ""
    if lower:
        text = text.lower()
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROLS.sub(" ", text)
    text = _DIACRITICS.sub("", text)
    text = text.translate(_DIGITS)
    if fold_hamza:
        text = text.translate(_ALEF_FORMS).translate(_LETTER_FOLDS).replace("ء", "")
    if lower:
        # NFKC can produce capitals (e.g. from ligatures or compatibility forms) after lowering.
        text = text.lower()
    text = _SPACES.sub(" ", text).strip()
    # A second NFKC pass makes the function idempotent when the folds above created a sequence
    # that composes (rare, but property tests find it).
    return unicodedata.normalize("NFKC", text)
