"""Corpora for the benchmarks: the bundled one, a large synthetic one recombined from it, and two-sentence documents."""
from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from pathlib import Path

from bot.corpus import Corpus, load_corpus
from bot.ingest.types import Passage, Source

REPO_ROOT = Path(__file__).resolve().parent.parent
SYNTHETIC_SOURCES = 100
SPEAKERS = ("Host", "Guest", "Caller")


def bundled() -> Corpus:
    return load_corpus(REPO_ROOT / "corpus", strict=False)


def _piece(rng: random.Random, words: list[str]) -> list[str]:
    """A whole real sentence, or a 6-30-word window of one."""
    if len(words) <= 8 or rng.random() < 0.4:
        return words
    size = rng.randint(6, min(30, len(words)))
    start = rng.randrange(len(words) - size + 1)
    return words[start:start + size]


def synthetic_passages(real: Sequence[Passage], n: int, seed: int,
                       n_sources: int = SYNTHETIC_SOURCES) -> tuple[list[Passage], dict[str, Source]]:
    """`n` passages recombined from real sentences and word windows, spread over `n_sources` synthetic
    sources ("syn-0001" ...) in source order, speakers taking turns of a few passages."""
    rng = random.Random(seed)
    split = [p.text.split() for p in real if p.text.split()]
    sources = {f"syn-{k:04d}": Source(id=f"syn-{k:04d}", title=f"Synthetic source {k}", kind="document",
                                      file=f"synthetic/syn-{k:04d}.txt", format="plain", speakers=SPEAKERS)
               for k in range(1, n_sources + 1)}
    per_source = -(-n // n_sources) if n else 0
    out: list[Passage] = []
    for k, source_id in enumerate(sources):
        count = min(per_source, n - len(out))
        speaker, turn_left = rng.choice(SPEAKERS), rng.randint(1, 8)
        for index in range(count):
            if turn_left == 0:
                speaker, turn_left = rng.choice(SPEAKERS), rng.randint(1, 8)
            turn_left -= 1
            words: list[str] = []
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                words += _piece(rng, rng.choice(split))
            out.append(Passage(source_id=source_id, index=index, text=" ".join(words), speaker=speaker,
                               locator=f"¶{index + 1}", line=index + 1))
        if len(out) >= n:
            break
    used = {p.source_id for p in out}
    return out, {sid: s for sid, s in sources.items() if sid in used}


def with_synthetic(corpus: Corpus, n: int, seed: int) -> Corpus:
    """The real corpus plus `n` synthetic passages. The argument map and source indexes stay the real ones;
    the synthetic sources are registered so that a synthetic passage can be shown as a quote."""
    extra, extra_sources = synthetic_passages(corpus.passages, n, seed)
    return dataclasses.replace(corpus, passages=corpus.passages + tuple(extra),
                               sources={**corpus.sources, **extra_sources})


def pair_documents(passages: Sequence[Passage]) -> list[tuple[Passage, str]]:
    """Two-sentence documents: consecutive passages of the same source taken in pairs, as (first passage, text)."""
    docs: list[tuple[Passage, str]] = []
    i = 0
    while i < len(passages):
        first = passages[i]
        if i + 1 < len(passages) and passages[i + 1].source_id == first.source_id:
            docs.append((first, f"{first.text} {passages[i + 1].text}"))
            i += 2
        else:
            docs.append((first, first.text))
            i += 1
    return docs
