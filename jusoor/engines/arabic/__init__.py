"""Arabic text: normalisation, digits, tokens, stems, phones, person names and deduplication.

Pure Python, no Django: plain strings and dicts in, plain data out.
"""

from jusoor.engines.arabic.dedup import (
    DedupInputError,
    DedupResult,
    ScoredPair,
    dedup_csv,
    find_duplicates,
)
from jusoor.engines.arabic.names import (
    latin_key,
    name_key,
    name_tokens,
    normalise_name,
    parse_sex,
    same_name,
)
from jusoor.engines.arabic.normalise import normalise, to_western_digits
from jusoor.engines.arabic.phone import normalise_phone
from jusoor.engines.arabic.text import (
    SYNONYMS,
    english_stem,
    expand_synonyms,
    light_stem,
    search_terms,
    tokenise,
)

__all__ = [
    "SYNONYMS",
    "DedupInputError",
    "DedupResult",
    "ScoredPair",
    "dedup_csv",
    "english_stem",
    "expand_synonyms",
    "find_duplicates",
    "latin_key",
    "light_stem",
    "name_key",
    "name_tokens",
    "normalise",
    "normalise_name",
    "normalise_phone",
    "parse_sex",
    "same_name",
    "search_terms",
    "to_western_digits",
    "tokenise",
]
