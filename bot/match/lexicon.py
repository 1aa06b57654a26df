"""The reviewed matching lexicon (`corpus/lexicon.yaml`): domain synonyms and on-topic terms."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict

from bot.errors import CorpusError
from bot.yamlfile import compose, read_text
from bot.yamlschema import validate

LEXICON_FILE = "lexicon.yaml"
TOPIC_WEIGHTS = {"strong": 1.0, "medium": 0.6, "weak": 0.3}
_WORD = re.compile(r"[a-z0-9]+")


def _none_is_empty(value: Any) -> Any:
    return {} if value is None else value


class LexiconFile(BaseModel):
    """lexicon.yaml: canonical term -> variants, and topic-term level -> terms; any other key is an error."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    synonyms: Annotated[dict[str, list[str]], BeforeValidator(_none_is_empty)] = {}
    topic_terms: Annotated[dict[Literal["strong", "medium", "weak"], list[str]], BeforeValidator(_none_is_empty)] = {}


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(phrase.lower().replace("'", "").replace("\u2019", "")))


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Synonym rewrites keyed by token tuples, and topic weights keyed by token tuples."""

    synonyms: dict[tuple[str, ...], tuple[str, ...]]
    topic_terms: dict[tuple[str, ...], float]
    max_phrase: int
    by_first: dict[str, tuple[int, ...]] = field(default_factory=dict)  # first word -> phrase lengths, longest first

    topic_by_first: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_first.update(_lengths_by_first(self.synonyms))
        self.topic_by_first.update(_lengths_by_first(self.topic_terms))

    @classmethod
    def load(cls, corpus_dir: Path) -> "Lexicon":
        path = corpus_dir / LEXICON_FILE
        label = f"{corpus_dir.name}/{LEXICON_FILE}"
        data, node = compose(read_text(path, label), label)
        if not isinstance(data, dict):
            raise CorpusError(label, "expected `synonyms:` and `topic_terms:` mappings", 1)
        parsed = validate(LexiconFile, data, node, label)
        synonyms: dict[tuple[str, ...], tuple[str, ...]] = {}
        for canonical, variants in parsed.synonyms.items():
            target = phrase_tokens(str(canonical))
            for variant in variants:
                key = phrase_tokens(str(variant))
                if key and key != target:
                    synonyms[key] = target
        topic: dict[tuple[str, ...], float] = {}
        longest_synonym = max((len(k) for k in synonyms), default=1)
        rewriter = cls(synonyms=synonyms, topic_terms={}, max_phrase=longest_synonym)
        for level, terms in parsed.topic_terms.items():
            for term in terms:
                # topic terms are looked up in rewritten text, so rewrite them the same way
                key = tuple(rewriter.rewrite(list(phrase_tokens(str(term)))))
                if key:
                    topic[key] = max(topic.get(key, 0.0), TOPIC_WEIGHTS[level])
        longest = max((len(k) for k in [*synonyms, *topic]), default=1)
        return cls(synonyms=synonyms, topic_terms=topic, max_phrase=longest)

    def ambiguity_cap(self, word: str) -> float:
        """How much a single word can count as evidence: its topic weight if it is a weak or medium
        topic word (everyday senses abound), else no cap."""
        weight = self.topic_terms.get((word,))
        return weight if weight is not None and weight < TOPIC_WEIGHTS["strong"] else 1.0

    def rewrite(self, words: list[str]) -> list[str]:
        """Replace synonym phrases (longest first) with their canonical tokens."""
        out: list[str] = []
        i, n = 0, len(words)
        while i < n:
            for size in self.by_first.get(words[i], ()):
                target = self.synonyms.get(tuple(words[i:i + size])) if i + size <= n else None
                if target is not None:
                    out.extend(target)
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def topic_score(self, words: list[str]) -> float:
        """Sum of the weights of the distinct topic terms present (after rewriting)."""
        found: dict[tuple[str, ...], float] = {}
        n = len(words)
        for i, word in enumerate(words):
            for size in self.topic_by_first.get(word, ()):
                key = tuple(words[i:i + size])
                weight = self.topic_terms.get(key) if i + size <= n else None
                if weight is not None:
                    found[key] = weight
        # a phrase subsumes the single words inside it ("open source" is not also "open" + "source")
        for key in [k for k in found if len(k) > 1]:
            for word in key:
                found.pop((word,), None)
        return sum(found.values())


def _lengths_by_first(phrases: dict[tuple[str, ...], object]) -> dict[str, tuple[int, ...]]:
    """First word -> the lengths of the phrases starting with it, longest first."""
    lengths: dict[str, set[int]] = {}
    for key in phrases:
        lengths.setdefault(key[0], set()).add(len(key))
    return {w: tuple(sorted(n, reverse=True)) for w, n in lengths.items()}
