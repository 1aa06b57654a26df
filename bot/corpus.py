"""The loaded corpus: sources, their passages and the curated argument map with resolved quotes."""
from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from bot.argmap.types import Argument, ArgumentMap, Quote
from bot.argmap.utterances import ChatData
from bot.errors import CorpusError, QuoteNotInSource
from bot.ingest.restore import Restorer
from bot.ingest.types import Passage, Source
from bot.textnorm import find_run, locate_quote, strip_markup, tokens

if TYPE_CHECKING:
    from bot.argmap.load import ArgumentSpec

log = logging.getLogger(__name__)
ARGUMENTS_FILE = "arguments.yaml"
RESTORATION_FILE = "restoration.yaml"


@dataclass(slots=True)
class SourceIndex:
    """A source's verbatim token run and where each passage sits in it."""

    source: Source
    tokens: list[str]
    passages: list[Passage]
    starts: list[int] = field(default_factory=list)  # token start of each passage
    ends: list[int] = field(default_factory=list)

    @classmethod
    def build(cls, source: Source, text: str, passages: list[Passage]) -> "SourceIndex":
        index = cls(source, tokens(text), passages)
        cursor = 0
        for passage in passages:
            needle = tokens(passage.verbatim)
            pos = find_run(index.tokens, needle, cursor)
            if pos < 0:
                pos = find_run(index.tokens, needle, 0)
            if pos < 0:
                raise CorpusError(source.file, f"passage {passage.index} is not verbatim source text", passage.line)
            index.starts.append(pos)
            index.ends.append(pos + len(needle))
            cursor = pos
        return index

    def passages_covering(self, start: int, end: int) -> list[Passage]:
        """Passages overlapping the token span [start, end)."""
        found = []
        i = max(bisect.bisect_right(self.starts, start) - 1, 0)
        while i < len(self.passages) and self.starts[i] < end:
            if self.ends[i] > start:
                found.append(self.passages[i])
            i += 1
        return found


@dataclass(slots=True)
class Corpus:
    """Everything quotable, loaded once at start."""

    root: Path
    corpus_dir: Path
    sources: dict[str, Source]
    passages: tuple[Passage, ...]
    argmap: ArgumentMap
    restorer: Restorer
    indexes: dict[str, SourceIndex]
    chat: ChatData = field(default_factory=ChatData)  # utterances per argument, not-a-claim exemplars

    def passages_of(self, source_id: str) -> list[Passage]:
        index = self.indexes.get(source_id)
        return list(index.passages) if index else []

    def source_file(self, source_id: str) -> str:
        return self.sources[source_id].file

    def resolve_quote(self, source_id: str, text: str) -> Quote:
        """A Quote with speaker, locator and url, or QuoteNotInSource if the words are not there."""
        index = self.indexes.get(source_id)
        if index is None:
            known = ", ".join(sorted(self.sources))
            raise QuoteNotInSource(self.corpus_dir.name, f"unknown source {source_id!r} (known: {known})")
        source = index.source
        if strip_markup(text) != text:
            raise QuoteNotInSource(source.file, f"quote contains transcript markup: {text[:80]!r}")
        span = locate_quote(index.tokens, text)
        if span is None:
            raise QuoteNotInSource(source.file, f"quote is not verbatim in source {source_id}: {text[:100]!r}")
        covering = index.passages_covering(*span)
        if not covering:
            raise QuoteNotInSource(source.file, f"quote lies outside the debate material of {source_id}: {text[:80]!r}")
        speakers = {p.speaker for p in covering}
        if len(speakers) > 1:
            raise QuoteNotInSource(source.file, f"quote runs across speakers {sorted(map(str, speakers))}: {text[:80]!r}")
        first = covering[0]
        display, original = text, None
        if source.reworded:
            display, original = self.restorer.restore(text), text
        return Quote(text=display, source_id=source.id, source_title=source.title, speaker=first.speaker,
                     locator=first.locator, url=first.url or source.url, original_text=original)

    def quote_of_passage(self, passage: Passage) -> Quote:
        source = self.sources[passage.source_id]
        return Quote(text=passage.text, source_id=source.id, source_title=source.title, speaker=passage.speaker,
                     locator=passage.locator, url=passage.url or source.url, original_text=passage.original_text)


def build_argmap(specs: list[ArgumentSpec], corpus: Corpus, label: str) -> tuple[ArgumentMap, list[CorpusError]]:
    """Resolve every quote and counter; return the map of valid arguments and every problem found."""
    errors: list[CorpusError] = []
    arguments: dict[str, Argument] = {}
    ids = {s.id for s in specs}
    for spec in specs:
        quotes = []
        for q in spec.quotes:
            try:
                quotes.append(corpus.resolve_quote(q.source_id, q.text))
            except CorpusError as exc:
                errors.append(CorpusError(label, f"{exc.message} [{exc.file}]", q.line, spec.id))
        for counter in spec.counters:
            if counter not in ids:
                errors.append(CorpusError(label, f"counter {counter!r} is not an argument id", spec.line, spec.id))
            elif counter == spec.id:
                errors.append(CorpusError(label, "an argument cannot counter itself", spec.line, spec.id))
        if spec.stance in ("open", "closed") and not spec.counters:
            errors.append(CorpusError(label, f"{spec.stance} argument has no counter", spec.line, spec.id))
        if quotes:
            arguments[spec.id] = Argument(
                id=spec.id, claim=spec.claim, stance=spec.stance, topic=spec.topic,  # type: ignore[arg-type]
                keywords=spec.keywords, quotes=tuple(quotes),
                counters=tuple(c for c in spec.counters if c in ids and c != spec.id))
    return ArgumentMap(arguments), errors


def load_sources_only(corpus_dir: Path) -> Corpus:
    """Sources and passages with an empty argument map."""
    # parsers are imported here, not at the top: a process that starts from the index cache never parses
    from bot.ingest.parse import parse_source
    from bot.ingest.sources import load_sources

    corpus_dir = corpus_dir.resolve()
    root = corpus_dir  # sources.yaml names each file relative to the corpus folder
    restorer = Restorer.from_file(corpus_dir / RESTORATION_FILE)
    sources = load_sources(corpus_dir)
    indexes: dict[str, SourceIndex] = {}
    passages: list[Passage] = []
    for source in sources:
        path = root / source.file
        parsed = parse_source(source, root, restorer=restorer)
        indexes[source.id] = SourceIndex.build(source, path.read_text(encoding="utf-8"), parsed)
        passages.extend(parsed)
    return Corpus(root=root, corpus_dir=corpus_dir, sources={s.id: s for s in sources}, passages=tuple(passages),
                  argmap=ArgumentMap(), restorer=restorer, indexes=indexes)


def check_corpus(corpus_dir: Path) -> tuple[Corpus, list[CorpusError]]:
    """Load everything and collect every problem instead of stopping at the first."""
    from bot.argmap.load import load_argument_specs
    from bot.argmap.utterances import load_chat_data

    corpus = load_sources_only(corpus_dir)
    label = str(Path(corpus.corpus_dir.name) / ARGUMENTS_FILE)
    specs = load_argument_specs(corpus.corpus_dir / ARGUMENTS_FILE, label)
    corpus.argmap, errors = build_argmap(specs, corpus, label)
    corpus.chat, chat_errors = load_chat_data(corpus.corpus_dir, {s.id: s.topic for s in specs},
                                                {s.id for s in specs if s.stance == "mixed"})
    return corpus, errors + chat_errors


def load_corpus(corpus_dir: Path, *, strict: bool = True) -> Corpus:
    """The corpus with its argument map. Strict: the first problem raises CorpusError; otherwise
    problems are logged and the quotes or links at fault are left out."""
    corpus, errors = check_corpus(corpus_dir)
    if errors and strict:
        raise errors[0]
    for error in errors:
        log.warning("left out: %s", error)
    return corpus
