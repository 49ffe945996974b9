"""Snowball misses two English folds that search needs; english_stem adds them."""

from jusoor.engines.arabic import search_terms as library_terms


def test_extremist_and_extremism_share_a_term():
    assert library_terms("extremists") == library_terms("extremism") == ["extrem"]
    assert library_terms("terrorist") == library_terms("terrorism")


def test_words_that_merely_end_in_ist_are_left_alone():
    assert library_terms("list exist assist") == ["list", "exist", "assist"]


def test_british_and_american_spellings_meet():
    assert library_terms("radicalisation") == library_terms("radicalization")
    assert library_terms("radicalised") == library_terms("radicalized")
    assert library_terms("organisation") == library_terms("organization")


def test_arabic_terms_come_from_the_engine_unchanged():
    assert library_terms("والتطرف المتطرفين") == ["تطرف", "تطرف"]
