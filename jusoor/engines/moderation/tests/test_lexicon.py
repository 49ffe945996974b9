"""The project's lexicon: categories, severities, Iraqi forms, clitics and word boundaries."""

import json

import pytest

from jusoor.engines.moderation.lexicon import CATEGORIES, LEXICON_PATH, Entry, Lexicon


def _terms(lexicon, text):
    return {(m.entry.term, m.category, m.severity) for m in lexicon.match(text)}


def test_every_entry_has_a_known_category_and_a_severity_from_one_to_three():
    data = json.loads(LEXICON_PATH.read_text("utf-8"))
    assert {e["category"] for e in data["entries"]} == set(CATEGORIES)
    assert {e["severity"] for e in data["entries"]} == {1, 2, 3}


def test_iraqi_sectarian_slurs_are_severity_three_hate(lexicon):
    for text in ("هؤلاء روافض", "النواصب", "والرافضة"):
        hits = lexicon.match(text)
        assert hits and hits[0].category == "sectarian_ethnic_hate"
        assert hits[0].severity == 3


def test_daesh_as_slur_is_context_dependent_and_the_organisation_name_is_not_listed(lexicon):
    assert {m.severity for m in lexicon.match("انتم دواعش")} == {1}
    assert lexicon.match("داعش تبنت الهجوم على الرمادي") == []


def test_incitement_and_isis_slogans_are_found(lexicon):
    assert ("اقتلوهم", "incitement", 3) in _terms(lexicon, "الروافض يجب قتلهم")
    assert ("باقيه وتتمدد", "extremist_propaganda", 3) in _terms(
        lexicon, "دولة الخلافة باقية وتتمدد"
    )


def test_a_final_wildcard_matches_a_word_with_an_attached_preposition(lexicon):
    assert ("الموت ل", "incitement", 2) in _terms(lexicon, "الموت للمرتدين")
    assert lexicon.match("الموت حق") == []


def test_clitics_and_stretched_letters_still_match(lexicon):
    assert ("حقير", "insult", 2) in _terms(lexicon, "ياحقيرين")
    assert ("يا كلب", "insult", 2) in _terms(lexicon, "يا كلببببب")


def test_words_that_merely_contain_a_term_do_not_match(lexicon):
    assert lexicon.match("بكس") == []  # box, not ب + profanity
    assert lexicon.match("كسر الحاجز") == []
    assert lexicon.match("المؤتمر رفض العنف") == []


def test_arabizi_and_english_forms_match_as_whole_words(lexicon):
    assert ("حمار", "insult", 1) in _terms(lexicon, "enta 7mar")
    assert lexicon.match("7marathon") == []


def test_a_bad_category_is_refused():
    with pytest.raises(ValueError):
        Lexicon([Entry("x", "gossip", 2, ("كلمه",))])
