"""Normalisation: spellings a reader calls the same word compare equal."""

from hypothesis import given, settings
from hypothesis import strategies as st

from jusoor.engines.arabic import normalise, to_western_digits

# Text that includes the characters that cause trouble in pasted Arabic.
TRICKY = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(list("أإآٱءؤئةىـًٌٍَُِّْٰ\u200b\u200c\u200d\u200e\u200f\u202b\u2066\ufeff٠١٢٣۴ﻻﷲ")),
    ),
    max_size=300,
)


def test_hamza_forms_of_anbar_compare_equal():
    assert normalise("الأنبار") == normalise("الانبار") == normalise("الإنبار")


def test_ta_marbuta_and_ha_compare_equal():
    assert normalise("مدرسة") == normalise("مدرسه")


def test_alef_maqsura_and_ya_compare_equal():
    assert normalise("على") == normalise("علي")


def test_diacritics_and_tatweel_do_not_change_a_word():
    assert normalise("التَّطَرُّف") == normalise("التـــطرف") == "التطرف"


def test_invisible_marks_pasted_from_whatsapp_are_removed():
    assert normalise("الر\u200cمادي\u200f") == "الرمادي"


def test_eastern_digits_become_ascii():
    assert normalise("عام ٢٠٢٤") == "عام 2024"
    assert to_western_digits("۰۷۷۰") == "0770"


def test_latin_is_lower_cased_and_spaces_collapsed():
    assert normalise("  UNDP \t  Ramadi\n") == "undp ramadi"


def test_fold_hamza_false_keeps_the_letters_as_written():
    assert normalise("أحمد", fold_hamza=False) == "أحمد"
    assert normalise("Ahmed", lower=False) == "Ahmed"


def test_presentation_forms_are_decomposed():
    assert normalise("ﻻ") == "لا"


def test_empty_text_is_empty():
    assert normalise("") == ""


@settings(max_examples=300, deadline=None)
@given(TRICKY)
def test_normalise_is_idempotent_on_any_text(text):
    once = normalise(text)
    assert normalise(once) == once
    assert normalise(normalise(text, fold_hamza=False), fold_hamza=False) == normalise(
        text, fold_hamza=False
    )


def test_normalise_copes_with_a_huge_string():
    text = ("التَّطرّف\u200c and ٢٠٢٤ " * 50_000)[:1_000_000]
    assert normalise(text).startswith("التطرف and 2024")
