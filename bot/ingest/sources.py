"""Read and validate `corpus/sources.yaml` into Source objects, naming file and line of any problem."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.errors import CorpusError
from bot.ingest.parse import PARSERS
from bot.ingest.types import Source
from bot.ingest.yamlnodes import compose, key_lines, line_of, read_text

SOURCES_FILE = "sources.yaml"
REQUIRED = ("id", "title", "kind", "file", "format")
OPTIONAL = ("url", "speakers", "speaker_labels", "default_speaker", "reworded", "exclude_from", "speaker_map")
SPEAKER_MAP_FORMATS = ("article", "plain")  # paragraph-numbered formats


def _label(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


class _Entry:
    """One entry of sources.yaml with the lines of its keys, for error messages."""

    def __init__(self, data: dict[str, Any], node: yaml.Node, label: str):
        self.data, self.label = data, label
        self.line = line_of(node)
        self.lines = key_lines(node)

    def fail(self, message: str, key: str | None = None) -> CorpusError:
        ident = self.data.get("id")
        prefix = f"source {ident!r}: " if isinstance(ident, str) else ""
        return CorpusError(self.label, prefix + message, self.lines.get(key, self.line) if key else self.line)

    def string(self, key: str, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(f"missing required field {key!r}")
            return None
        if not isinstance(value, str) or not value.strip():
            hint = " (quote it: id: \"000\")" if key == "id" and isinstance(value, int) else ""
            raise self.fail(f"{key!r} must be a non-empty string{hint}", key)
        return value.strip()

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(f"{key!r} must be a list of names", key)
        return tuple(v.strip() for v in value)

    def str_map(self, key: str) -> dict[str, str]:
        value = self.data.get(key) or {}
        if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()):
            raise self.fail(f"{key!r} must map names to names", key)
        return {k.strip(): v.strip() for k, v in value.items()}


def _build(entry: _Entry, root: Path) -> Source:
    unknown = [k for k in entry.data if k not in REQUIRED + OPTIONAL]
    if unknown:
        raise entry.fail(f"unknown field {unknown[0]!r} (known: {', '.join(REQUIRED + OPTIONAL)})", str(unknown[0]))
    ident, title, kind, file, fmt = (entry.string(k, required=True) for k in REQUIRED)
    if fmt not in PARSERS:
        raise entry.fail(f"unknown format {fmt!r} (known: {', '.join(sorted(PARSERS))})", "format")
    if not (root / file).is_file():  # type: ignore[operator]
        raise entry.fail(f"file {file!r} not found under {root}", "file")
    url = entry.string("url")
    if url is not None and not url.startswith(("http://", "https://")):
        raise entry.fail(f"url must start with http:// or https://, got {url!r}", "url")
    reworded = entry.data.get("reworded", False)
    if not isinstance(reworded, bool):
        raise entry.fail("'reworded' must be true or false", "reworded")
    speaker_map = entry.str_map("speaker_map")
    if speaker_map and fmt not in SPEAKER_MAP_FORMATS:
        raise entry.fail(f"'speaker_map' works only with formats {', '.join(SPEAKER_MAP_FORMATS)}", "speaker_map")
    return Source(id=ident, title=title, kind=kind, file=file, format=fmt, url=url,  # type: ignore[arg-type]
                  speakers=entry.strings("speakers"), speaker_labels=entry.str_map("speaker_labels"),
                  default_speaker=entry.string("default_speaker"), reworded=reworded,
                  exclude_from=entry.string("exclude_from"), speaker_map=speaker_map)


def load_sources(corpus_dir: Path) -> list[Source]:
    """The sources listed in `corpus_dir/sources.yaml`; files are relative to corpus_dir's parent
    (the repository root). Any problem raises CorpusError naming the file and line."""
    path = Path(corpus_dir) / SOURCES_FILE
    root = Path(corpus_dir).resolve().parent
    label = _label(path, root)
    data, node = compose(read_text(path, label), label)
    if isinstance(data, dict) and isinstance(node, yaml.MappingNode):
        if set(data) != {"sources"}:
            raise CorpusError(label, "expected a single top-level key 'sources'", line_of(node))
        node = next(v for k, v in node.value if k.value == "sources")
        data = data["sources"]
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        raise CorpusError(label, "expected a list of sources", line_of(node))
    sources: list[Source] = []
    seen: dict[str, int | None] = {}
    for item, item_node in zip(data, node.value):
        if not isinstance(item, dict):
            raise CorpusError(label, "each source must be a mapping of fields", line_of(item_node))
        entry = _Entry(item, item_node, label)
        source = _build(entry, root)
        if source.id in seen:
            raise entry.fail(f"duplicate id (first at line {seen[source.id]})", "id")
        seen[source.id] = entry.line
        sources.append(source)
    if not sources:
        raise CorpusError(label, "no sources listed", 1)
    return sources
