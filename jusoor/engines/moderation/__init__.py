"""Arabic offensive-language and hate-speech moderation, in layers.

1. ``prepare``: the shared Arabic ``normalise`` plus what moderation needs (stretched letters,
   emoji, @USER/URL tokens, invisible characters, laughter, Arabizi kept as Latin words).
2. ``Lexicon``: the project's own terms by category and severity, Iraqi forms included.
3. ``Model``: a compact NB-LR classifier giving P(offensive) and P(hate speech), pure numpy at
   inference, stored as ``.npz`` + JSON (no pickle).
4. ``route``: hold / review / publish per conversation ``Policy``, with reasons.

``retrain`` learns from an organisation's confirmed decisions (scikit-learn is imported only
when it runs).
"""

from jusoor.engines.moderation.classifier import Model, default_model, load_model
from jusoor.engines.moderation.data import Example
from jusoor.engines.moderation.lexicon import Entry, Lexicon, Match, default_lexicon, load_lexicon
from jusoor.engines.moderation.routing import (
    HOLD,
    OPEN,
    POLICIES,
    PUBLISH,
    REVIEW,
    STANDARD,
    STRICT,
    Decision,
    Policy,
    Reason,
    format_line,
    route,
    route_many,
    score_lines,
)
from jusoor.engines.moderation.text import find_links, find_phone_numbers, prepare

__all__ = [
    "HOLD",
    "OPEN",
    "POLICIES",
    "PUBLISH",
    "REVIEW",
    "STANDARD",
    "STRICT",
    "Decision",
    "Entry",
    "Example",
    "Lexicon",
    "Match",
    "Model",
    "Policy",
    "Reason",
    "RetrainResult",
    "default_lexicon",
    "default_model",
    "find_links",
    "find_phone_numbers",
    "format_line",
    "load_lexicon",
    "load_model",
    "prepare",
    "retrain",
    "route",
    "route_many",
    "score_lines",
]


def __getattr__(name: str):
    """Load ``retrain`` lazily, so ``python -m ...moderation.train`` runs the module only once."""
    if name in ("retrain", "RetrainResult"):
        from jusoor.engines.moderation import train

        return getattr(train, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
