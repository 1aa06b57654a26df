"""Detect machine synonym-swapped text and restore its reading from a reviewed phrase table."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.errors import CorpusError
from bot.yamlfile import compose, duplicate_key, mapping_items, read_text

# Tell-tale swaps of article spinners: words no human writer uses in these positions.
TELLTALES: tuple[str, ...] = (
    r"\bnan\b(?= \w)",  # "nan memo" (the)
    r"\bberyllium\b",  # be
    r"\bunfastened (?:root|sourc|originated)",  # open source
    r"\bastir\b",  # about
    r"\b(?:i|we|you|they|don't|dont) deliberation\b",  # think
    r"\bconscionable\b",  # just
    r"\baliases\b(?! (?:for|of|to|are|is)\b)",  # or
    r"\bbenignant\b",  # kind
    r"\barsenic (?:you|we|i|he|she|they|it|zuckerberg|everyone)\b|\bagelong arsenic\b",  # as
    r"\bmightiness (?:require|need|be|beryllium)\b",  # might
    r"\berstwhile (?:said|asked)\b",  # once/when
    r"\bsuccessful (?:a|an|nan|the|this|that|which|what|my|his|its|our|their|reference|time)\b",  # in
    r"\bpinch (?:whether|much|nan|the|more)\b|\bwrestle pinch\b",  # with
    r"\bimmoderate (?:of|fixed)\b",  # some/any
    r"\b(?:request|needs) to return\b",  # need to take
    r"\bexistent superintelligence\b|\bexistent ai\b",  # real
    r"\btruthful (?:large|we|big)\b",  # so
    r"\bchiefly helping\b|\badjuvant\b",  # primarily, helpful
    r"\bgalore\b",  # many
    r"\btwelvemonth agone\b|\bagone\b",  # year ago
)
# one pass over lowercased text: about ten times faster than 21 case-insensitive scans
_TELLTALE = re.compile("|".join(f"(?:{p})" for p in TELLTALES))
MIN_HITS = 3
MIN_DENSITY = 0.01  # tell-tale hits per word
_WORDS = re.compile(r"[A-Za-z]+")


def looks_reworded(text: str) -> bool:
    """Does `text` read like machine synonym-swapped prose ("unfastened root", "nan", "beryllium")?"""
    hits = len(_TELLTALE.findall(text.lower()))
    words = len(_WORDS.findall(text))
    return hits >= MIN_HITS and hits / max(words, 1) >= MIN_DENSITY


def _pattern(phrase: str) -> str:
    """Regex for a phrase: words separated by any whitespace, apostrophes straight or curly."""
    words = [re.escape(w).replace("'", "['’]") for w in phrase.split()]
    return r"\s+".join(words)


def _match_case(matched: str, replacement: str) -> str:
    if "’" in matched:
        replacement = replacement.replace("'", "’")
    if matched.isupper() and len(matched) > 1 and replacement:
        return replacement.upper()
    if matched[:1].isupper() and replacement:
        return replacement[:1].upper() + replacement[1:]
    return replacement


@dataclass(frozen=True, slots=True)
class Restorer:
    """Rewrites swapped phrases to the original words: longest phrases first, whole words only,
    one pass (a restored word is never rewritten again), capitalisation of the match kept."""

    table: tuple[tuple[str, str], ...]  # (swapped phrase in lowercase, original), longest first
    _regex: re.Pattern[str] | None

    @classmethod
    def from_pairs(cls, pairs: dict[str, str] | list[tuple[str, str]]) -> "Restorer":
        items = pairs.items() if isinstance(pairs, dict) else pairs
        table = {" ".join(k.lower().split()).replace("’", "'"): v for k, v in items}
        ordered = tuple(sorted(table.items(), key=lambda kv: (-len(kv[0].split()), -len(kv[0]), kv[0])))
        if not ordered:
            return cls((), None)
        alternation = "|".join(_pattern(k) for k, _ in ordered)
        regex = re.compile(rf"(?<![\w'’])(?:{alternation})(?![\w'’])", re.IGNORECASE)
        return cls(ordered, regex)

    @classmethod
    def from_file(cls, path: Path, label: str | None = None) -> "Restorer":
        """Read a reviewed table: `phrases:` mapping swapped phrase -> original words."""
        label = label or str(path)
        data, node = compose(read_text(Path(path), label), label)
        if not isinstance(data, dict) or not isinstance(data.get("phrases"), dict):
            raise CorpusError(label, "expected a top-level 'phrases:' mapping of swapped phrase -> original", 1)
        phrases_node = next(v for k, v in mapping_items(node) if k.value == "phrases")
        dup = duplicate_key(phrases_node)
        if dup:
            raise CorpusError(label, f"phrase {dup[0]!r} listed twice", dup[1])
        for key_node, value_node in mapping_items(phrases_node):
            if not str(key_node.value).strip() or not isinstance(value_node.value, str):
                raise CorpusError(label, f"phrase {key_node.value!r} must map to a string",
                                  key_node.start_mark.line + 1)
        return cls.from_pairs({str(k): str(v) for k, v in data["phrases"].items()})

    def restore(self, text: str) -> str:
        """`text` with every swapped phrase of the table replaced by its original."""
        if self._regex is None:
            return text
        lookup = dict(self.table)

        def replace(m: re.Match[str]) -> str:
            key = " ".join(m.group(0).lower().split()).replace("’", "'")
            return _match_case(m.group(0), lookup[key])

        return self._regex.sub(replace, text)
