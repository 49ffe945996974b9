"""Features: character n-grams inside words and word uni/bigrams, as sparse TF-IDF rows.

Character 1-5 grams inside word boundaries carry most of the signal in dialectal Arabic, where one
insult has many spellings, clitics and stretched letters; word uni- and bigrams add the phrases
(ابن الكلب, الله يلعن). Feature extraction is pure Python plus numpy so that inference needs
neither scikit-learn nor pickled objects: a vocabulary (string -> column) and an IDF vector are the
whole state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

CHAR_MIN, CHAR_MAX = 1, 5
WORD_PREFIX = "\x01"  # keeps word features apart from character n-grams of the same letters
BIGRAM_PREFIX = "\x02"
_CHAR_SIZES = tuple(range(CHAR_MIN, CHAR_MAX + 1))
WORD_CACHE_SIZE = 200_000  # words; bounded so a stream of junk cannot grow memory without end


def word_grams(word: str) -> list[str]:
    """Character 1-5 grams of `` word `` (padded, so prefixes and suffixes are marked) and the word."""
    padded = f" {word} "
    size = len(padded)
    grams = [padded[i : i + n] for n in _CHAR_SIZES for i in range(size - n + 1)]
    grams.append(WORD_PREFIX + word)
    return grams


def ngrams(prepared: str) -> list[str]:
    """Return every feature string of an already ``prepare``-d text, repeats included."""
    words = prepared.split()
    grams: list[str] = []
    for word in words:
        grams.extend(word_grams(word))
    grams.extend([f"{BIGRAM_PREFIX}{a} {b}" for a, b in zip(words, words[1:], strict=False)])
    return grams


def is_word_feature(gram: str) -> bool:
    """Say whether a feature string is a word or word bigram (its own TF-IDF block)."""
    return gram[:1] in (WORD_PREFIX, BIGRAM_PREFIX)


def build_vocabulary(
    docs: Iterable[str], *, min_df: int = 2, always: Iterable[str] = ()
) -> list[str]:
    """Return the sorted feature strings seen in at least ``min_df`` prepared documents.

    ``always`` adds the features of documents that must be represented even if rare (a moderator's
    confirmed decisions), so that retraining can learn from a word it has seen once.
    """
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(set(ngrams(doc)))
    keep = {g for g, c in df.items() if c >= min_df}
    for doc in always:
        keep.update(ngrams(doc))
    return sorted(keep)


def document_frequency(rows: Sequence[np.ndarray], vocab_size: int) -> np.ndarray:
    """How many documents contain each column, from per-document column arrays."""
    df = np.zeros(vocab_size, dtype=np.int64)
    for cols in rows:
        df[np.unique(cols)] += 1
    return df


def idf_weights(df: np.ndarray, n_documents: int) -> np.ndarray:
    """Smooth IDF, ``log((1 + n) / (1 + df)) + 1``."""
    return (np.log((1 + n_documents) / (1 + df)) + 1).astype(np.float32)


class Featuriser:
    """Maps prepared texts to (row, column, value) triplets of sublinear, block-normalised TF-IDF.

    The character block and the word block are each scaled to unit length, as if two vectorisers
    were stacked side by side, so that long texts do not drown the phrases.
    """

    def __init__(self, vocabulary: Sequence[str], idf: np.ndarray | None = None) -> None:
        self.vocabulary = list(vocabulary)
        self.index = dict(zip(self.vocabulary, range(len(self.vocabulary)), strict=True))
        self._word_cache: dict[str, list[int]] = {}
        self.is_word = np.fromiter(
            (is_word_feature(g) for g in self.vocabulary), dtype=bool, count=len(self.vocabulary)
        )
        self.idf = (
            np.ones(len(self.vocabulary), dtype=np.float32)
            if idf is None
            else np.asarray(idf, np.float32)
        )

    def columns(self, prepared: str) -> np.ndarray:
        """Return the vocabulary columns of one prepared text (repeats kept, unknowns dropped).

        Words repeat across texts (Zipf), so each word's columns are computed once and cached:
        this is what makes one-at-a-time scoring fast in pure Python.
        """
        get = self.index.get
        cache = self._word_cache
        words = prepared.split()
        cols: list[int] = []
        for word in words:
            word_cols = cache.get(word)
            if word_cols is None:
                word_cols = [c for c in map(get, word_grams(word)) if c is not None]
                if len(cache) < WORD_CACHE_SIZE:
                    cache[word] = word_cols
            cols.extend(word_cols)
        for a, b in zip(words, words[1:], strict=False):
            c = get(f"{BIGRAM_PREFIX}{a} {b}")
            if c is not None:
                cols.append(c)
        return np.asarray(cols, dtype=np.int64)

    def clear_cache(self) -> None:
        """Forget cached word columns (benchmarks measure from a cold cache)."""
        self._word_cache.clear()

    def single(
        self, cols: np.ndarray, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """TF-IDF (columns, values) of one text: the same numbers as ``triplets``, fewer calls."""
        if mask is not None:
            cols = cols[mask[cols]]
        if len(cols) == 0:
            return cols, np.zeros(0, dtype=np.float32)
        cols, counts = np.unique(cols, return_counts=True)
        values = (1.0 + np.log(counts)) * self.idf[cols]
        squares = values * values
        is_word = self.is_word[cols]
        norm_word = np.sqrt(squares[is_word].sum())
        norm_char = np.sqrt(squares[~is_word].sum())
        values = values / np.where(is_word, norm_word, norm_char)
        return cols, values.astype(np.float32)

    def triplets(
        self, column_rows: Sequence[np.ndarray], mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Turn per-text column arrays into TF-IDF (rows, cols, values), all vectorised in numpy.

        ``mask`` (one boolean per column) restricts the features, e.g. to the columns one scorer
        uses; norms are computed over the kept columns only.
        """
        if mask is not None:
            column_rows = [c[mask[c]] for c in column_rows]
        n_rows = len(column_rows)
        lengths = np.fromiter((len(c) for c in column_rows), dtype=np.int64, count=n_rows)
        if lengths.sum() == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float32)
        rows = np.repeat(np.arange(n_rows, dtype=np.int64), lengths)
        cols = np.concatenate([c for c in column_rows if len(c)])
        vocab_size = max(len(self.vocabulary), 1)
        keys, counts = np.unique(rows * vocab_size + cols, return_counts=True)
        rows, cols = keys // vocab_size, keys % vocab_size
        values = (1.0 + np.log(counts)) * self.idf[cols]
        block = rows * 2 + self.is_word[cols]
        norms = np.sqrt(np.bincount(block, weights=values * values, minlength=2 * n_rows))
        values = values / norms[block]
        return rows, cols, values.astype(np.float32)

    def transform(self, prepared_texts: Sequence[str], mask: np.ndarray | None = None):
        """Return a scipy CSR matrix (training only; inference uses ``triplets`` directly)."""
        from scipy.sparse import csr_matrix

        rows, cols, values = self.triplets([self.columns(t) for t in prepared_texts], mask)
        shape = (len(prepared_texts), len(self.vocabulary))
        return csr_matrix((values, (rows, cols)), shape=shape, dtype=np.float32)
