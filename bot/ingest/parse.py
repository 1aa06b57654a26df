"""Dispatch a source document to its format's parser; cut excluded tails, restore reworded text."""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

from bot.errors import CorpusError
from bot.ingest import article, listicle, plain, podcast, whisper, wiki
from bot.ingest.restore import Restorer, looks_reworded
from bot.ingest.types import Passage, Source
from bot.textnorm import strip_markup
from bot.yamlfile import decode

Parser = Callable[[str, Source, str], list[Passage]]
PARSERS: dict[str, Parser] = {
    "whisper": whisper.parse,
    "article": article.parse,
    "wiki": wiki.parse,
    "podcast": podcast.parse,
    "listicle": listicle.parse,
    "plain": plain.parse,
}
RESTORATION_FILE = "restoration.yaml"
_GAP = r"(?:\s|\[[^\]\n]*\]|<[^>\n]*>)+"  # whitespace or markup between the words of a marker
_LEAKS = re.compile(r"\[\[|\]\]|<a\b|<\/a>|<br\b", re.IGNORECASE)  # markup a parser should have removed


def cut_excluded(text: str, marker: str, label: str) -> str:
    """`text` up to where `marker` begins (words matched across line breaks and markup)."""
    pattern = _GAP.join(re.escape(word) for word in marker.split())
    m = re.search(pattern, text)
    if m is None:
        raise CorpusError(label, f"exclude_from marker {marker!r} not found in the document")
    return text[:m.start()]


def _finish(passages: list[Passage], source: Source, label: str, restorer: Restorer | None,
            reworded: bool) -> list[Passage]:
    done: list[Passage] = []
    for i, p in enumerate(passages):
        if strip_markup(p.text) != p.text or _LEAKS.search(p.text):
            raise CorpusError(label, f"markup left in passage text: {p.text[:80]!r}", p.line)
        text, original = p.text, None
        if reworded and restorer is not None:
            restored = restorer.restore(p.text)
            if restored != p.text:
                text, original = restored, p.text
        done.append(dataclasses.replace(p, index=i, text=text, original_text=original,
                                        speaker=p.speaker or source.default_speaker))
    return done


def parse_text(text: str, source: Source, file_label: str, *, restorer: Restorer | None = None) -> list[Passage]:
    """The passages of a document's text, in order, indexed from 0.

    Reworded text (marked `reworded` or detected by `looks_reworded`) is restored with
    `restorer` when one is given: `text` restored, `original_text` verbatim."""
    parser = PARSERS.get(source.format)
    if parser is None:
        raise CorpusError(file_label, f"unknown format {source.format!r} (known: {', '.join(sorted(PARSERS))})")
    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    if source.exclude_from:
        text = cut_excluded(text, source.exclude_from, file_label)
    passages = parser(text, source, file_label)
    if not passages:
        raise CorpusError(file_label, "no quotable passages found", 1)
    return _finish(passages, source, file_label, restorer, source.reworded or looks_reworded(text))


def find_restoration(path: Path, root: Path) -> Path | None:
    """The nearest restoration.yaml from the document's folder up to `root` (the corpus folder)."""
    root = root.resolve()
    folder = path.resolve().parent
    while True:
        candidate = folder / RESTORATION_FILE
        if candidate.is_file():
            return candidate
        if folder == root or folder.parent == folder:
            return None
        folder = folder.parent


def parse_source(source: Source, root: Path, *, restorer: Restorer | None = None) -> list[Passage]:
    """The passages of a source's file (relative to `root`, the corpus folder).

    For a reworded source without a given `restorer`, the nearest restoration.yaml above the
    file is used; none found raises CorpusError."""
    path = Path(root) / source.file
    label = source.file
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(label, f"cannot read source file: {exc.strerror or exc}") from exc
    text = decode(raw, label)
    if restorer is None and (source.reworded or looks_reworded(text)):
        table = find_restoration(path, Path(root))
        if table is None:
            raise CorpusError(label, f"source is reworded but no {RESTORATION_FILE} was found above it")
        restorer = Restorer.from_file(table, str(table.relative_to(Path(root).resolve())
                                                  if table.is_relative_to(Path(root).resolve()) else table))
    return parse_text(text, source, label, restorer=restorer)
