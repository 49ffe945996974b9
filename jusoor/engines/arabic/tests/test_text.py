"""Search terms: the spellings of one word meet, different words stay apart."""

import snowballstemmer
from hypothesis import given, settings
from hypothesis import strategies as st

from jusoor.engines.arabic import (
    SYNONYMS,
    english_stem,
    expand_synonyms,
    light_stem,
    normalise,
    search_terms,
    tokenise,
)

VARIANT_GROUPS = [
    ["التطرف", "تطرف", "المتطرفين", "والتطرف", "التّطرّف", "للتطرف", "بالتطرف", "متطرف"],
    ["الإرهاب", "الارهاب", "إرهاب", "والإرهاب", "ارهاب", "الإرهابيين"],
    ["الكراهية", "الكراهيه", "كراهية", "والكراهية"],
    ["المدرسة", "مدرسه", "بالمدرسة", "والمدرسة"],
    ["السياسات", "سياسة", "السياسية", "وسياساتهم"],
    ["المجتمع", "مجتمع", "والمجتمعات", "للمجتمع"],
]


def _shared(words, stem):
    return len({stem(w) for w in words}) == 1


def test_extremism_variants_share_a_search_term():
    terms = [set(search_terms(w)) for w in VARIANT_GROUPS[0]]
    assert set.intersection(*terms) == {"تطرف"}


def test_terrorism_with_and_without_hamza_share_a_term():
    assert search_terms("الإرهاب") == search_terms("الارهاب") == search_terms("إرهاب")


def test_hate_speech_with_ta_marbuta_or_ha_is_the_same_phrase():
    assert search_terms("خطاب الكراهية") == search_terms("خطاب الكراهيه")


def test_every_variant_group_collapses_to_one_stem():
    for group in VARIANT_GROUPS:
        assert _shared(group, light_stem), group


def test_light_stem_groups_variants_better_than_snowball_arabic():
    snowball = snowballstemmer.stemmer("arabic")
    ours = sum(_shared(g, light_stem) for g in VARIANT_GROUPS)
    theirs = sum(_shared(g, lambda w: snowball.stemWord(normalise(w))) for g in VARIANT_GROUPS)
    assert ours == len(VARIANT_GROUPS)
    assert ours > theirs


def test_short_roots_survive_stemming():
    for word in ("ولد", "والد", "بيت", "علي", "الله", "كتب", "فهم"):
        assert len(light_stem(word)) >= 3, word
    assert light_stem("والد") != light_stem("ولد")


def test_english_words_are_stemmed_with_snowball():
    assert english_stem("Extremists") == english_stem("extremism") == "extrem"
    assert english_stem("Preventing") == "prevent"
    assert search_terms("Preventing violent extremism") == ["prevent", "violent", "extrem"]


def test_tokenise_splits_mixed_arabic_and_english_and_drops_punctuation():
    assert tokenise("ورشة UNDP-الرمادي، (٢٠٢٤): peace!") == [
        "ورشة",
        "UNDP",
        "الرمادي",
        "2024",
        "peace",
    ]
    assert tokenise("بالUNDP") == ["بال", "UNDP"]


def test_diacritics_do_not_split_a_word():
    assert tokenise("التَّطَرُّف العنيف") == ["التطرف", "العنيف"]


def test_function_words_are_not_search_terms():
    assert search_terms("في the التطرف and من") == ["تطرف"]
    assert "في" in search_terms("في", keep_stopwords=True)


def test_hate_speech_finds_incitement_in_both_languages():
    expanded = expand_synonyms(search_terms("hate speech"))
    assert set(search_terms("التحريض")) <= set(expanded)
    assert set(search_terms("خطاب الكراهية")) <= set(expanded)


def test_terrorism_in_english_finds_the_arabic_word():
    assert set(search_terms("الإرهاب")) <= set(expand_synonyms(search_terms("terrorism")))


def test_extremism_synonyms_include_ghuluw():
    assert set(search_terms("غلو")) <= set(expand_synonyms(search_terms("التطرف")))


def test_unrelated_terms_are_not_expanded():
    assert expand_synonyms(search_terms("المدرسة")) == search_terms("المدرسة")


def test_every_synonym_phrase_yields_terms():
    for group in SYNONYMS:
        for phrase in group:
            assert search_terms(phrase), phrase


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_tokenise_and_search_terms_never_crash(text):
    for token in tokenise(text):
        assert token and not token.isspace()
    for term in search_terms(text):
        assert isinstance(term, str) and term


def test_search_terms_copes_with_a_huge_string():
    terms = search_terms("والتطرف، extremists! " * 40_000)
    assert terms[:2] == ["تطرف", "extrem"] and len(terms) == 80_000
