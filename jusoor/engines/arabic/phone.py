"""Iraqi phone numbers in one form (E.164), whatever way they were typed.

Registration sheets hold 0770 123 4567, +964 770-123-4567, 00964770..., ٠٧٧٠١٢٣٤٥٦٧ and
964(0)7701234567 for the same phone. Deduplication and SMS need one spelling; everything that
is not plausibly an Iraqi number becomes ``None`` rather than a wrong guess.
"""

from __future__ import annotations

import re

from jusoor.engines.arabic.normalise import to_western_digits

# Separators people type inside numbers, including Arabic comma/dash and non-breaking spaces.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212./()\[\]\u060c_]+")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad\u061c]")
# Mobile: 7 then operator digit (Asiacell 77, Zain 78/79, Korek 75, others 73-76) and 8 digits.
_MOBILE = re.compile(r"7[3-9]\d{8}")
# Landline: area code 1 (Baghdad) + 7 digits, or a two-digit area code 2x-6x + 6 or 7 digits.
_LANDLINE = re.compile(r"1\d{7}|[2-6]\d{7,8}")
_MAX_INPUT = 64


def normalise_phone(text: str) -> str | None:
    """Return the E.164 form (``+9647XXXXXXXXX`` for mobiles) of an Iraqi number, else ``None``.

    Accepts +964, 00964, 964 and trunk-0 prefixes, an optional "(0)" after the country code,
    spaces, dashes, dots and brackets, and Eastern Arabic digits. Numbers of another country,
    too short or too long, or containing letters give ``None``.
    """
    if not text or len(text) > _MAX_INPUT:
        return None
    raw = to_western_digits(_INVISIBLE.sub("", text)).strip()
    raw = _SEPARATORS.sub("", raw)
    if raw.startswith("+"):
        raw = raw[1:]
        if not raw.startswith("964"):
            return None
    elif raw.startswith("00"):
        raw = raw[2:]
        if not raw.startswith("964"):
            return None
    if not raw.isascii() or not raw.isdigit():
        return None
    if raw.startswith("964") and len(raw) >= 11:
        national = raw[3:]
        if national.startswith("0"):
            national = national[1:]
    elif raw.startswith("0"):
        national = raw[1:]
    else:
        national = raw
    if _MOBILE.fullmatch(national) or _LANDLINE.fullmatch(national):
        return "+964" + national
    return None
