"""General-English word frequencies (pyspellchecker's list): how everyday a word is, and whether it is a word."""
from __future__ import annotations

import gzip
import logging
import math
from importlib import resources

import orjson

log = logging.getLogger(__name__)

KNOWN_WORD_MIN_COUNT = 200  # below this the list holds typos and rarities, not everyday words
RARE_LOG = 3.0  # log10 count at or below which a word counts as fully distinctive
COMMON_LOG = 6.0  # log10 count at or above which a word is everyday chatter
MIN_SPECIFICITY = 0.2


class EnglishFrequency:
    """Word -> count in a large general-English sample; empty (neutral) when the list is unavailable."""

    def __init__(self, counts: dict[str, int]):
        self._counts = counts
        self._specificity: dict[str, float] = {}

    @classmethod
    def load(cls) -> "EnglishFrequency":
        try:
            blob = resources.files("spellchecker").joinpath("resources", "en.json.gz").read_bytes()
            counts = orjson.loads(gzip.decompress(blob))
            # rarer words all count as distinctive and as non-words, so they need no entry
            return cls({w: n for w, n in counts.items() if n >= KNOWN_WORD_MIN_COUNT})
        except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError) as exc:
            log.warning("general-English word list unavailable (%s); every word counts as distinctive", exc)
            return cls({})

    def is_word(self, word: str) -> bool:
        return self._counts.get(word, 0) >= KNOWN_WORD_MIN_COUNT

    def specificity(self, word: str) -> float:
        """1.0 for words rare in everyday English (domain words), down to MIN_SPECIFICITY for common ones."""
        cached = self._specificity.get(word)
        if cached is not None:
            return cached
        count = self._counts.get(word, 0)
        share = (COMMON_LOG - math.log10(count)) / (COMMON_LOG - RARE_LOG) if count > 0 else 1.0
        value = max(MIN_SPECIFICITY, min(1.0, share))
        if count > 0:  # bounded by the word list: unknown words are not cached
            self._specificity[word] = value
        return value
