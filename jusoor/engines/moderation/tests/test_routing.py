"""Routing: hold, review or publish by policy, with reasons; contacts are always held."""

import io

import pytest

from jusoor.engines.moderation import (
    HOLD,
    OPEN,
    PUBLISH,
    REVIEW,
    STANDARD,
    STRICT,
    Policy,
    format_line,
    route,
    score_lines,
)
from jusoor.engines.moderation.routing import with_thresholds

NEUTRAL = "شارك مئتا شخص في مؤتمر الرمادي لمناقشة أسباب التطرف العنيف وحلوله"


def test_a_neutral_sentence_is_published_without_reasons():
    decision = route(NEUTRAL)
    assert decision.action == PUBLISH
    assert decision.reasons == ()


def test_a_sectarian_slur_is_held_and_names_its_category_and_term():
    decision = route("كل الروافض خونة")
    assert decision.action == HOLD
    assert "sectarian_ethnic_hate" in decision.categories
    assert any("روافض" in r.terms for r in decision.reasons)


def test_incitement_is_held_under_every_policy():
    for policy in (STANDARD, STRICT, OPEN):
        assert route("اقتلوهم جميعا", policy).action == HOLD


def test_wishing_death_on_a_group_is_held():
    assert route("الموت لكل المرتدين").action == HOLD


def test_an_arabizi_insult_with_a_vocative_is_queued_for_review():
    decision = route("ya 7mar")
    assert decision.action == REVIEW
    assert "insult" in decision.categories


def test_a_severity_two_insult_is_queued_by_standard_and_held_by_strict():
    text = "انت حقير"
    assert route(text, STANDARD).action in (REVIEW, HOLD)
    assert route(text, STRICT).action == HOLD


def test_thresholds_follow_the_conversation_policy():
    text = "انت غبي وما تفهم شي"
    lenient = with_thresholds(OPEN, review_offensive=0.99, hold_offensive=0.999)
    lenient = with_thresholds(lenient, review_hate=0.99, context_terms_need_classifier=True)
    harsh = with_thresholds(STANDARD, review_offensive=0.0, hold_offensive=0.0)
    assert route(text, harsh).action == HOLD
    assert route(text, lenient).action in (PUBLISH, REVIEW)
    assert route(text, lenient).p_offensive == route(text, harsh).p_offensive


def test_a_policy_survives_a_round_trip_through_plain_data_and_refuses_typos():
    custom = with_thresholds(STRICT, hold_offensive=0.7)
    assert Policy.from_dict(custom.to_dict()) == custom
    with pytest.raises(ValueError, match="hold_ofensive"):
        Policy.from_dict({"name": "strict", "hold_ofensive": 0.7})


def test_daesh_in_the_news_is_published_but_as_a_slur_is_reviewed():
    assert route("تنظيم داعش خسر آخر معاقله في الأنبار").action == PUBLISH
    assert route("انتم دواعش يا ولاد الكلب").action in (REVIEW, HOLD)


@pytest.mark.parametrize(
    "text",
    [
        "تفاصيل المؤتمر على www.example.com",
        "سجلوا هنا https://bit.ly/x1",
        "راسلوني على someone@example.org",
        "اتصلوا بأبو أحمد 07701234567",
        "رقمه ٠٧٨١ ٢٣٤ ٥٦٧٨ اذا تريدون",
        "call +964 770 123 4567",
    ],
)
def test_links_and_phone_numbers_are_held_to_protect_people(text):
    decision = route(text)
    assert decision.action == HOLD
    assert {r.code for r in decision.reasons} & {"link", "phone"}


def test_an_enormous_text_is_reviewed_and_not_crashed_on():
    decision = route(NEUTRAL * 5_000)
    assert decision.action in (REVIEW, HOLD)
    assert "too_long" in {r.code for r in decision.reasons}


def test_empty_and_whitespace_texts_are_published():
    for text in ("", "   ", "\u200b\u200f", "\n"):
        assert route(text).action == PUBLISH


def test_score_lines_yields_one_tab_separated_result_per_line_in_order():
    stream = io.StringIO(f"{NEUTRAL}\nيا كلب يا حقير\n\nwww.x.com\n")
    rows = list(score_lines(stream))
    assert len(rows) == 4
    assert rows[0][2].action == PUBLISH and rows[3][2].action == HOLD
    assert rows[1][0] > rows[0][0]
    line = format_line(*rows[1])
    assert line.count("\t") == 2 and line.split("\t")[2] in (REVIEW, HOLD)


def test_score_lines_accepts_bytes_with_broken_utf8():
    rows = list(score_lines([b"\xff\xfe \xd9\x83\xd9\x84\xd8\xa8\n", "نص عادي"]))
    assert len(rows) == 2


def test_decisions_serialise_to_plain_data():
    data = route("كل الروافض خونة").to_dict()
    assert data["action"] == HOLD
    assert data["reasons"][0]["code"]
