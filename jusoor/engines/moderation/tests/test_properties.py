"""Scoring never crashes, whatever people type: invisible characters, emoji, Arabizi, huge text."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jusoor.engines.moderation import HOLD, PUBLISH, REVIEW, prepare, route, route_many
from jusoor.engines.moderation.lexicon import default_lexicon

ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
INVISIBLE = st.sampled_from(
    list("\u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2066\ufeff\u00ad\ufe0f")
)
EMOJI = st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF)
ARABIZI = st.sampled_from(["7mar", "ya", "3ayb", "kalb", "5ara", "inta", "wallah", "lol", "hhhh"])
MIXED = st.lists(
    st.one_of(ARABIC, INVISIBLE, EMOJI, ARABIZI, st.characters(), st.just(" "), st.just("@")),
    max_size=200,
).map("".join)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(MIXED)
def test_routing_never_crashes_and_returns_probabilities(text):
    decision = route(text)
    assert decision.action in (HOLD, REVIEW, PUBLISH)
    assert 0.0 <= decision.p_offensive <= 1.0
    assert 0.0 <= decision.p_hate <= 1.0


@SETTINGS
@given(st.text(max_size=300))
def test_any_unicode_text_is_prepared_and_matched(text):
    prepared = prepare(text)
    assert "  " not in prepared
    default_lexicon().match(text)


@SETTINGS
@given(MIXED)
def test_preparing_is_idempotent(text):
    once = prepare(text)
    assert prepare(once) == once


@settings(max_examples=5, deadline=None)
@given(st.sampled_from(["ه", "a.", "1", "\u200b", "😂", "كلب ", "www.", "a@b."]))
def test_huge_repetitive_strings_are_scored_quickly(unit):
    decision = route(unit * 200_000)
    assert decision.action in (HOLD, REVIEW, PUBLISH)


def test_batch_routing_matches_one_at_a_time():
    texts = ["", "يا كلب", "مؤتمر", "😂" * 10, "7mar"]
    assert [d.action for d in route_many(texts)] == [route(t).action for t in texts]
