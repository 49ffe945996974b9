"""Preparation: one spelling for many, tokens for users and links, contacts found."""

from jusoor.engines.moderation.text import (
    LAUGH_MARK,
    URL_MARK,
    USER_MARK,
    find_links,
    find_phone_numbers,
    prepare,
)


def test_stretched_letters_and_hamza_variants_meet_one_spelling():
    assert prepare("يا كلبببببب") == prepare("يا كلب")
    assert prepare("إرهاب") == prepare("ارهاب")


def test_invisible_characters_inside_a_word_are_removed():
    assert prepare("ك\u200dل\u200bب\ufe0f") == "كلب"


def test_users_links_and_line_breaks_become_tokens():
    prepared = prepare("RT @USER: شوف<LF>https://t.co/abc")
    assert prepared.split() == [USER_MARK, "شوف", URL_MARK]


def test_laughter_in_any_length_is_one_token():
    assert prepare("ههههههههه") == LAUGH_MARK
    assert prepare("hahahaha") == LAUGH_MARK


def test_emoji_are_split_from_words():
    assert prepare("حمار🐷") == "حمار 🐷"


def test_links_and_emails_are_found():
    assert find_links("زوروا www.example.com") == ["www.example.com"]
    assert find_links("راسلني على a.b@mail.com") == ["a.b@mail.com"]
    assert find_links("مؤتمر الرمادي") == []


def test_phone_numbers_are_found_in_eastern_and_western_digits():
    assert find_phone_numbers("اتصل ٠٧٧٠ ١٢٣ ٤٥٦٧") == ["0770 123 4567"]
    assert find_phone_numbers("+964 770 123 4567") == ["+964 770 123 4567"]
    assert find_phone_numbers("770 123 4567") == ["770 123 4567"]
    assert find_phone_numbers("حضر 200 مشارك عام 2023") == []


def test_year_ranges_and_counts_are_not_phone_numbers():
    assert find_phone_numbers("سيطر التنظيم على الأنبار بين 2014-2017") == []
    assert find_phone_numbers("عام 2014 2015 و 1500000 نازح") == []
