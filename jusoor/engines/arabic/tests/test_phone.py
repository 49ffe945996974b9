"""Iraqi phone numbers come out in one form however they were typed."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jusoor.engines.arabic import normalise_phone

ASIACELL = "+9647701234567"


@pytest.mark.parametrize(
    "typed",
    [
        "07701234567",
        "0770 123 4567",
        "0770-123-4567",
        "(0770) 123 4567",
        "+964 770 123 4567",
        "+964 (0) 770 123 4567",
        "00964 770 123 4567",
        "00964-770-1234567",
        "9647701234567",
        "7701234567",
        "٠٧٧٠١٢٣٤٥٦٧",
        "+٩٦٤ ٧٧٠ ١٢٣ ٤٥٦٧",
        "۰۷۷۰۱۲۳۴۵۶۷",
        "\u200f0770\u200e123\u00a04567 ",
        "0770.123.4567",
    ],
)
def test_every_way_of_typing_a_mobile_gives_one_number(typed):
    assert normalise_phone(typed) == ASIACELL


def test_zain_and_korek_numbers_are_mobiles():
    assert normalise_phone("0780 000 1111") == "+9647800001111"
    assert normalise_phone("0750 000 1111") == "+9647500001111"


def test_baghdad_and_ramadi_landlines_are_kept():
    assert normalise_phone("01 718 0000") == "+96417180000"
    assert normalise_phone("+964 24 123 4567") == "+964241234567"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "n/a",
        "لا يوجد",
        "0770123456",  # one digit short
        "077012345678",  # one digit long
        "07101234567",  # no such operator
        "+962 79 123 4567",  # Jordan
        "00963 944 123 456",  # Syria
        "+1 202 555 0100",
        "0770 123 4567 ext 2",
        "0770abc4567",
        "1234",
        "9" * 200,
    ],
)
def test_what_is_not_an_iraqi_number_gives_none(typed):
    assert normalise_phone(typed) is None


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80))
def test_normalise_phone_never_crashes_and_returns_e164_or_none(text):
    result = normalise_phone(text)
    assert result is None or (result.startswith("+964") and result[1:].isdigit())


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"07[5789][0-9]{8}", fullmatch=True))
def test_any_valid_mobile_survives_a_round_trip(number):
    e164 = normalise_phone(number)
    assert e164 == "+964" + number[1:]
    assert normalise_phone(e164) == e164
