"""Person names: one spelling of the chain, and a key where Arabic and Latin spellings meet."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jusoor.engines.arabic import latin_key, name_tokens, normalise_name, same_name
from jusoor.engines.arabic.names import is_family_token

SAME_NAME_GROUPS = [
    ["محمد", "Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed"],
    ["عبدالله", "عبد الله", "عبد اللّه", "Abdullah", "Abdallah", "Abd Allah", "Abdulla"],
    ["أحمد", "احمد", "Ahmed", "Ahmad"],
    ["حسين", "Hussein", "Husain", "Hussain"],
    ["عمر", "Omar", "Umar"],
    ["خالد", "Khalid", "Khaled"],
    ["عبد الرحمن", "عبدالرحمن", "Abdulrahman", "Abdul Rahman", "Abd al-Rahman", "Abdurrahman"],
    ["نور الدين", "نورالدين", "Nour al-Din", "Nureddin"],
    ["فاطمة", "فاطمه", "Fatima", "Fatimah"],
    ["مصطفى", "مصطفي", "Mustafa", "Mostafa"],
    ["جاسم", "Jasim", "Jassim"],
    ["قاسم", "Qasim", "Kasim", "Gasim"],
    ["معاذ", "Muadh", "Moaz"],
    ["الدليمي", "دليمي", "Al-Dulaimi", "al Dulaimi", "Aldulaimi", "Dulaimi"],
    ["الفهداوي", "Al-Fahdawi", "Fahdawi"],
    ["يوسف", "Yousif", "Yusuf", "Youssef"],
    ["صالح", "Saleh", "Salih"],
]
DIFFERENT_NAMES = [
    ("Mohammed", "محمود"),
    ("Mahmoud", "محمد"),
    ("Hassan", "حسين"),
    ("Husain", "حسن"),
    ("Saad", "سعيد"),
    ("Hamza", "احمد"),
    ("Abboud", "عبيد"),
    ("محمد", "احمد"),
]


@pytest.mark.parametrize("group", SAME_NAME_GROUPS, ids=lambda g: g[0])
def test_spellings_of_one_name_share_a_key(group):
    keys = {latin_key(name) for name in group}
    assert len(keys) == 1, {name: latin_key(name) for name in group}
    first = normalise_name(group[0])
    assert all(same_name(first, normalise_name(name)) for name in group)


@pytest.mark.parametrize(("a", "b"), DIFFERENT_NAMES)
def test_different_names_are_told_apart_across_scripts(a, b):
    assert not same_name(normalise_name(a), normalise_name(b))


def test_whole_chains_meet_across_scripts():
    assert latin_key("محمد عبد الله أحمد الدليمي") == latin_key(
        "Mohammed Abdullah Ahmad Al-Dulaimi"
    )


def test_compound_names_are_joined():
    assert normalise_name("عبد الله  عبد الرحمن") == "عبدالله عبدالرحمن"
    assert normalise_name("أبو بكر") == normalise_name("ابوبكر") == "ابوبكر"
    assert normalise_name("صلاح الدين خير الله") == "صلاحالدين خيرالله"
    assert normalise_name("أم كلثوم") == "امكلثوم"


def test_bin_and_bint_inside_a_chain_are_dropped():
    assert name_tokens("علي بن حسن بن أحمد") == ("علي", "حسن", "احمد")
    assert name_tokens("فاطمة بنت خالد") == ("فاطمه", "خالد")
    assert name_tokens("Ali bin Hassan") == ("ali", "hassan")


def test_name_tokens_give_the_chain_in_order():
    assert name_tokens("عليّ حسن أحمد الدليمي") == ("علي", "حسن", "احمد", "الدليمي")


def test_latin_articles_attach_to_the_tribe():
    assert name_tokens("Omar Khalid Al-Dulaimi") == ("omar", "khalid", "aldulaimi")
    assert name_tokens("Omar Khalid al Dulaimi")[-1] == "aldulaimi"


def test_tribe_tokens_are_recognised_in_both_scripts():
    assert is_family_token("الدليمي") and is_family_token("aldulaimi")
    assert not is_family_token("علي") and not is_family_token("ali")


def test_apostrophes_do_not_split_a_latin_name():
    assert name_tokens("Ra'ad Sha'lan") == ("raad", "shalan")


def test_digits_and_punctuation_are_not_part_of_a_name():
    assert name_tokens("محمد، (احمد) 123") == ("محمد", "احمد")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_name_functions_never_crash(text):
    tokens = name_tokens(text)
    assert all(t and " " not in t for t in tokens)
    assert isinstance(latin_key(text), str)


def test_sex_is_read_from_arabic_and_english_register_spellings():
    from jusoor.engines.arabic import parse_sex

    for text in ["ذكر", " M ", "male", "١", "رجل"]:
        assert parse_sex(text) == "m", text
    for text in ["أنثى", "انثى", "امرأة", "F", "female", "2"]:
        assert parse_sex(text) == "f", text
    for text in ["", None, "غير معروف", "x"]:
        assert parse_sex(text) is None
