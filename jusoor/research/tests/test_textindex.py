from jusoor.research import textindex


def test_keyword_in_context_finds_other_spellings_and_prefixes_in_place():
    text = "يعاني الشباب من البطالة. بالبطالة تزداد المشاكل، والبطاله أم المشاكل."
    hits = textindex.keyword_in_context(text, "البطاله")
    assert [h.match for h in hits] == ["البطالة", "بالبطالة", "والبطاله"]
    assert hits[0].before.endswith("الشباب من ") and hits[0].after.startswith(". بالبطالة")
    assert text[hits[1].start : hits[1].end] == "بالبطالة"


def test_a_phrase_matches_words_in_order():
    text = "خطاب الكراهية على الانترنت، والكراهية في الخطاب"
    assert [h.match for h in textindex.keyword_in_context(text, "خطاب الكراهيه")] == [
        "خطاب الكراهية"
    ]


def test_suggestions_follow_shared_stems_and_ignore_unrelated_codes():
    examples = {
        1: [textindex.terms("البطالة بين الشباب وقلة فرص العمل")],
        2: [textindex.terms("لجان المصالحة العشائرية")],
    }
    found = textindex.suggest(textindex.terms("الشباب العاطلون يحتاجون فرص عمل"), examples, {})
    assert [p.code_id for p in found] == [1]
    assert "فرص" in found[0].shared
    assert textindex.suggest(textindex.terms("الطقس حار"), examples, {}) == []
