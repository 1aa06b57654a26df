"""General-English word frequencies (wordfreq's published lists): how everyday a word is, and whether it is a word."""
from __future__ import annotations

import logging
import math
import re

log = logging.getLogger(__name__)

# Zipf scale: log10 of a word's frequency per billion words. The thresholds were first set on raw counts
# from a 1.65-billion-word sample (200, 10**3, 10**6); on the words both lists call common,
# log10(count) ~= 0.94 * zipf + 0.08, which puts those thresholds at these Zipf values.
KNOWN_WORD_MIN_ZIPF = 2.36  # below this the list holds names, typos and rarities, not everyday words
RARE_ZIPF = 3.10  # at or below this a word counts as fully distinctive
COMMON_ZIPF = 6.29  # at or above this a word is everyday chatter
MIN_SPECIFICITY = 0.2
_MATCH_WORD = re.compile(r"[a-z0-9]+")  # the only words the matcher looks up (apostrophes are gone by then)


class EnglishFrequency:
    """Word -> Zipf frequency in general English; empty (neutral) when the list is unavailable."""

    def __init__(self, zipf: dict[str, float]):
        self._zipf = zipf
        self._specificity: dict[str, float] = {}

    @classmethod
    def load(cls) -> "EnglishFrequency":
        try:
            from wordfreq import get_frequency_dict

            frequencies = get_frequency_dict("en", wordlist="large")
        except (ImportError, OSError, ValueError, LookupError) as exc:
            log.warning("general-English word list unavailable (%s); every word counts as distinctive", exc)
            return cls({})
        floor = 10 ** (KNOWN_WORD_MIN_ZIPF - 9)
        # rarer words all count as distinctive and as non-words, so they need no entry
        return cls({word: math.log10(freq) + 9 for word, freq in frequencies.items()
                    if freq >= floor and _MATCH_WORD.fullmatch(word)})

    def is_word(self, word: str) -> bool:
        return self._zipf.get(word, 0.0) >= KNOWN_WORD_MIN_ZIPF

    def specificity(self, word: str) -> float:
        """1.0 for words rare in everyday English (domain words), down to MIN_SPECIFICITY for common ones."""
        cached = self._specificity.get(word)
        if cached is not None:
            return cached
        zipf = self._zipf.get(word)
        if zipf is None:  # unknown words are not cached: the cache stays bounded by the word list
            return 1.0
        value = max(MIN_SPECIFICITY, min(1.0, (COMMON_ZIPF - zipf) / (COMMON_ZIPF - RARE_ZIPF)))
        self._specificity[word] = value
        return value
