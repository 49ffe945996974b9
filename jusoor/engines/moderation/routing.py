"""Routing: hold before publishing, publish and queue for review, or publish — with reasons.

The classifier sees patterns across dialects; the lexicon names what must never slip through in an
Iraqi dialogue (sectarian slurs, incitement, ISIS slogans) and what is ambiguous (دواعش in the news).
Links, e-mail addresses and phone numbers are held whatever the scores, because in a conversation
about violent extremism they can expose a person or recruit one. Every decision says why, so a
moderator can overrule it and that ruling can later train the model (``retrain``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from jusoor.engines.moderation.classifier import Model, default_model
from jusoor.engines.moderation.lexicon import Lexicon, Match, default_lexicon
from jusoor.engines.moderation.text import (
    MAX_CLASSIFIER_CHARS,
    MAX_SCAN_CHARS,
    find_links,
    find_phone_numbers,
    prepare,
)

HOLD, REVIEW, PUBLISH = "hold", "review", "publish"
_RANK = {PUBLISH: 0, REVIEW: 1, HOLD: 2}
BATCH = 256


@dataclass(frozen=True)
class Policy:
    """A conversation's moderation thresholds; ``None`` means the model's cross-validated choice.

    A youth conversation wants ``strict``; a closed debate among officials may choose ``open``.
    """

    name: str = "standard"
    review_offensive: float | None = None
    hold_offensive: float = 0.85
    review_hate: float | None = None
    hold_hate: float = 0.6
    lexicon_review_severity: int = 2
    lexicon_hold_severity: int = 3
    hold_categories: frozenset[str] = frozenset({"incitement", "extremist_propaganda"})
    context_terms_need_classifier: bool = True
    hold_links: bool = True
    hold_phone_numbers: bool = True
    max_chars: int = 5_000

    def to_dict(self) -> dict[str, Any]:
        """Plain data to store with a conversation (JSON-friendly)."""
        data = asdict(self)
        data["hold_categories"] = sorted(self.hold_categories)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Policy:
        """Rebuild a policy from ``to_dict`` output; starts from the named preset, if any.

        Unknown keys raise ``ValueError`` so that a typo in a conversation's settings is not
        silently ignored.
        """
        data = dict(data)
        base = POLICIES.get(data.get("name", "standard"), STANDARD)
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"Unknown moderation policy settings: {', '.join(sorted(unknown))}")
        if "hold_categories" in data:
            data["hold_categories"] = frozenset(data["hold_categories"])
        return replace(base, **data)


STANDARD = Policy()
STRICT = Policy(
    name="strict",
    hold_offensive=0.6,
    hold_hate=0.4,
    lexicon_hold_severity=2,
    hold_categories=frozenset({"incitement", "extremist_propaganda", "sectarian_ethnic_hate"}),
    max_chars=2_000,
)
OPEN = Policy(
    name="open",
    hold_offensive=0.95,
    hold_hate=0.85,
    lexicon_review_severity=2,
    lexicon_hold_severity=3,
    hold_categories=frozenset({"incitement"}),
    max_chars=20_000,
)
POLICIES = {p.name: p for p in (STANDARD, STRICT, OPEN)}


@dataclass(frozen=True)
class Reason:
    """Why a text was held or queued: a code, and for the lexicon its category and terms."""

    code: str  # classifier_offensive, classifier_hate, lexicon, link, phone, too_long
    action: str
    category: str = ""
    severity: int = 0
    terms: tuple[str, ...] = ()
    detail: str = ""


@dataclass(frozen=True)
class Decision:
    """What to do with a text, the two probabilities, and the reasons behind it."""

    action: str
    p_offensive: float
    p_hate: float
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def categories(self) -> tuple[str, ...]:
        """Lexicon categories that contributed, in order of first appearance."""
        return tuple(dict.fromkeys(r.category for r in self.reasons if r.category))

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON, audit logs and the moderation queue."""
        return asdict(self)


def route(
    text: str,
    policy: Policy = STANDARD,
    *,
    model: Model | None = None,
    lexicon: Lexicon | None = None,
) -> Decision:
    """Decide whether ``text`` is held, published and queued for review, or published."""
    return route_many([text], policy, model=model, lexicon=lexicon)[0]


def route_many(
    texts: Sequence[str],
    policy: Policy = STANDARD,
    *,
    model: Model | None = None,
    lexicon: Lexicon | None = None,
) -> list[Decision]:
    """Route a batch of texts; the classifier scores them together, which is faster."""
    model = model or default_model()
    lexicon = lexicon or default_lexicon()
    texts = [t if isinstance(t, str) else ("" if t is None else str(t)) for t in texts]
    scanned = [prepare(t, max_chars=MAX_SCAN_CHARS) for t in texts]
    classified = [
        s if len(t) <= MAX_CLASSIFIER_CHARS else prepare(t)
        for t, s in zip(texts, scanned, strict=True)
    ]
    probabilities = model.calibrate(model.margins_prepared(classified))
    return [
        _decide(text, prepared, float(p[0]), float(p[1]), policy, model, lexicon)
        for text, prepared, p in zip(texts, scanned, probabilities, strict=True)
    ]


def score_lines(
    stream: Iterable[str | bytes],
    policy: Policy = STANDARD,
    *,
    model: Model | None = None,
    lexicon: Lexicon | None = None,
) -> Iterator[tuple[float, float, Decision]]:
    """Yield ``(p_offensive, p_hate, decision)`` per input line, in order, batching internally."""
    batch: list[str] = []
    for line in stream:
        if isinstance(line, bytes):
            line = line.decode("utf-8", errors="replace")
        batch.append(line.rstrip("\r\n"))
        if len(batch) >= BATCH:
            yield from _scored(batch, policy, model, lexicon)
            batch = []
    if batch:
        yield from _scored(batch, policy, model, lexicon)


def format_line(p_offensive: float, p_hate: float, decision: Decision) -> str:
    """One output line of ``moderation_score``: probabilities and action, tab-separated."""
    return f"{p_offensive:.4f}\t{p_hate:.4f}\t{decision.action}"


def _scored(batch, policy, model, lexicon) -> Iterator[tuple[float, float, Decision]]:
    for d in route_many(batch, policy, model=model, lexicon=lexicon):
        yield d.p_offensive, d.p_hate, d


def _decide(
    text: str,
    prepared: str,
    p_off: float,
    p_hate: float,
    policy: Policy,
    model: Model,
    lexicon: Lexicon,
) -> Decision:
    reasons: list[Reason] = []
    review_off = (
        model.threshold_offensive if policy.review_offensive is None else policy.review_offensive
    )
    review_hate = model.threshold_hate if policy.review_hate is None else policy.review_hate

    for code, p, review, hold in (
        ("classifier_offensive", p_off, review_off, policy.hold_offensive),
        ("classifier_hate", p_hate, review_hate, policy.hold_hate),
    ):
        if p >= hold:
            reasons.append(Reason(code, HOLD, detail=f"p={p:.2f} >= {hold:.2f}"))
        elif p >= review:
            reasons.append(Reason(code, REVIEW, detail=f"p={p:.2f} >= {review:.2f}"))

    classifier_agrees = p_off >= review_off / 2 or p_hate >= review_hate / 2
    reasons.extend(
        _lexicon_reasons(lexicon.match(text, prepared=prepared), policy, classifier_agrees)
    )

    if policy.hold_links and (links := find_links(text)):
        reasons.append(
            Reason("link", HOLD, terms=tuple(links[:5]), detail="a moderator checks links first")
        )
    if policy.hold_phone_numbers and (phones := find_phone_numbers(text)):
        reasons.append(
            Reason("phone", HOLD, terms=tuple(phones[:5]), detail="may identify a person")
        )
    if len(text) > policy.max_chars:
        detail = f"{len(text)} characters, more than {policy.max_chars}"
        if len(text) > MAX_CLASSIFIER_CHARS:
            detail += f"; the classifier read the first {MAX_CLASSIFIER_CHARS}"
        reasons.append(Reason("too_long", REVIEW, detail=detail))

    action = max((r.action for r in reasons), key=_RANK.__getitem__, default=PUBLISH)
    return Decision(action, p_off, p_hate, tuple(reasons))


def _lexicon_reasons(matches: list[Match], policy: Policy, classifier_agrees: bool) -> list[Reason]:
    """One reason per (category, severity), naming the matched forms."""
    grouped: dict[tuple[str, int], list[str]] = {}
    for m in matches:
        grouped.setdefault((m.category, m.severity), [])
        if m.form not in grouped[(m.category, m.severity)]:
            grouped[(m.category, m.severity)].append(m.form)
    reasons = []
    for (category, severity), forms in sorted(grouped.items(), key=lambda kv: -kv[0][1]):
        if severity >= policy.lexicon_hold_severity or (
            severity >= 2 and category in policy.hold_categories
        ):
            action = HOLD
        elif (
            severity >= policy.lexicon_review_severity
            or classifier_agrees
            or not policy.context_terms_need_classifier
        ):
            action = REVIEW
        else:
            action = PUBLISH  # a context-dependent word in a text the classifier finds clean
        reasons.append(Reason("lexicon", action, category, severity, tuple(forms)))
    acting = {r.category for r in reasons if r.action != PUBLISH}
    return [r for r in reasons if r.action != PUBLISH or r.category not in acting]


def with_thresholds(policy: Policy, **changes: Any) -> Policy:
    """A copy of ``policy`` with some fields changed (a conversation's own settings)."""
    return replace(policy, **changes)
