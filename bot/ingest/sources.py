"""Read and validate `corpus/sources.yaml` into Source objects, naming file and line of any problem."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, field_validator, model_validator

from bot.errors import CorpusError
from bot.ingest.parse import PARSERS
from bot.ingest.types import Source
from bot.yamlfile import compose, key_lines, node_line, read_text
from bot.yamlschema import validate

SOURCES_FILE = "sources.yaml"
SPEAKER_MAP_FORMATS = ("article", "plain")  # paragraph-numbered formats

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, strict=True)]


class SourceEntry(BaseModel):
    """One entry of sources.yaml; any other key is an error."""

    model_config = ConfigDict(extra="forbid")

    id: Text
    title: Text
    kind: Text
    file: Text = Field(description="relative to the corpus folder, e.g. sources/000_x.txt")
    format: Text
    url: Text | None = None
    speakers: list[Text] = []
    speaker_labels: dict[str, Text] = {}
    default_speaker: Text | None = None
    reworded: StrictBool = False
    exclude_from: Text | None = None
    speaker_map: dict[str, Text] = {}

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value not in PARSERS:
            raise ValueError(f"unknown format {value!r} (known: {', '.join(sorted(PARSERS))})")
        return value

    @field_validator("url")
    @classmethod
    def _web_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://, got {value!r}")
        return value

    @model_validator(mode="after")
    def _speaker_map_format(self) -> "SourceEntry":
        if self.speaker_map and self.format not in SPEAKER_MAP_FORMATS:
            raise ValueError(f"'speaker_map' works only with formats {', '.join(SPEAKER_MAP_FORMATS)}")
        return self

    def to_source(self) -> Source:
        return Source(id=self.id, title=self.title, kind=self.kind, file=self.file, format=self.format, url=self.url,
                      speakers=tuple(self.speakers), speaker_labels={k.strip(): v for k, v in self.speaker_labels.items()},
                      default_speaker=self.default_speaker, reworded=self.reworded, exclude_from=self.exclude_from,
                      speaker_map={k.strip(): v for k, v in self.speaker_map.items()})


class SourcesFile(BaseModel):
    """The whole file: one top-level key `sources` holding a non-empty list of entries."""

    model_config = ConfigDict(extra="forbid")

    sources: list[Any] = Field(min_length=1)


def _prefix(item: Any) -> str:
    ident = item.get("id") if isinstance(item, dict) else None
    return f"source {ident!r}: " if isinstance(ident, str) else ""


def _entry(item: Any, node: yaml.Node, label: str, corpus_dir: Path) -> Source:
    if not isinstance(item, dict):
        raise CorpusError(label, "each source must be a mapping of fields", node_line(node))
    prefix = _prefix(item)
    if isinstance(item.get("id"), int) and not isinstance(item.get("id"), bool):
        raise CorpusError(label, "'id' must be a non-empty string (quote it: id: \"000\")", key_lines(node).get("id"))
    source = validate(SourceEntry, item, node, label, prefix=prefix).to_source()
    if not (corpus_dir / source.file).is_file():
        raise CorpusError(label, f"{prefix}file {source.file!r} not found in {corpus_dir}", key_lines(node).get("file"))
    return source


def load_sources(corpus_dir: Path) -> list[Source]:
    """The sources listed in `corpus_dir/sources.yaml`; each `file` is relative to corpus_dir.
    Any problem (an unknown or misspelt key among them) raises CorpusError naming the file and line."""
    corpus_dir = Path(corpus_dir)
    label = f"{corpus_dir.name}/{SOURCES_FILE}"
    data, node = compose(read_text(corpus_dir / SOURCES_FILE, label), label)
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise CorpusError(label, "expected a mapping with a single top-level key 'sources'", node_line(node) or 1)
    validate(SourcesFile, data, node, label)
    items_node = next(v for k, v in node.value if k.value == "sources")
    if not isinstance(items_node, yaml.SequenceNode):
        raise CorpusError(label, "'sources' must be a list of sources", node_line(items_node))
    sources: list[Source] = []
    seen: dict[str, int | None] = {}
    for item, item_node in zip(data["sources"], items_node.value, strict=True):
        source = _entry(item, item_node, label, corpus_dir)
        line = key_lines(item_node).get("id")
        if source.id in seen:
            raise CorpusError(label, f"source {source.id!r}: duplicate id (first at line {seen[source.id]})", line)
        seen[source.id] = line
        sources.append(source)
    return sources
