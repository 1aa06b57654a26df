"""Read `corpus/arguments.yaml` into unresolved argument specs, naming file and line on errors."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, field_validator

from bot.argmap.types import STANCES
from bot.errors import CorpusError
from bot.yamlfile import compose, node_line, read_text
from bot.yamlschema import validate

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _none_is_empty(value: Any) -> Any:
    return [] if value is None else value


Words = Annotated[list[str], BeforeValidator(_none_is_empty)]


@dataclass(frozen=True, slots=True)
class QuoteSpec:
    source_id: str
    text: str
    line: int | None


@dataclass(frozen=True, slots=True)
class ArgumentSpec:
    """An argument as written in the YAML, before its quotes are resolved against sources."""

    id: str
    claim: str
    stance: str
    topic: str
    keywords: tuple[str, ...]
    quotes: tuple[QuoteSpec, ...]
    counters: tuple[str, ...]
    line: int | None


class QuoteEntry(BaseModel):
    """One quote of an argument: the source id and the verbatim words (`…` marks an elision)."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    source: Text
    text: Text


class ArgumentEntry(BaseModel):
    """One entry of arguments.yaml; any other key is an error."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    id: Text
    claim: Text
    stance: Text
    topic: Text
    keywords: Words = []
    quotes: list[Any]
    counters: Words = []

    @field_validator("stance")
    @classmethod
    def _known_stance(cls, value: str) -> str:
        if value not in STANCES:
            raise ValueError(f"stance {value!r} is not one of {', '.join(STANCES)}")
        return value

    @field_validator("quotes")
    @classmethod
    def _some_quotes(cls, value: list[Any]) -> list[Any]:
        if not value:
            raise ValueError("an argument needs at least one quote")
        return value

    @field_validator("keywords", "counters")
    @classmethod
    def _stripped(cls, value: list[str]) -> list[str]:
        return [v.strip() for v in value if v.strip()]


class ArgumentsFile(BaseModel):
    """The whole file: a top-level `arguments:` list."""

    model_config = ConfigDict(extra="forbid")
    arguments: list[Any]


def _quote(item: Any, node: yaml.Node, label: str, arg_id: str) -> QuoteSpec:
    line = node_line(node)
    if not isinstance(item, dict):
        raise CorpusError(label, "a quote must be a mapping with `source` and `text`", line, arg_id)
    quote = validate(QuoteEntry, item, node, label, argument_id=arg_id)
    return QuoteSpec(quote.source, quote.text, line)


def parse_argument(entry: Any, node: yaml.Node | None, label: str) -> ArgumentSpec:
    """Validate the shape of one YAML entry (not its quotes' presence in sources)."""
    line = node_line(node)
    if not isinstance(entry, dict) or not isinstance(node, yaml.MappingNode):
        raise CorpusError(label, "each argument must be a mapping", line)
    raw_id = entry.get("id")
    arg_id = str(raw_id).strip() if isinstance(raw_id, (str, int)) and str(raw_id).strip() else None
    arg = validate(ArgumentEntry, entry, node, label, argument_id=arg_id)
    quotes_node = next((v for k, v in node.value if k.value == "quotes"), None)
    if not isinstance(quotes_node, yaml.SequenceNode):
        raise CorpusError(label, "`quotes` must be a list of quotes", node_line(quotes_node), arg.id)
    return ArgumentSpec(id=arg.id, claim=arg.claim, stance=arg.stance, topic=arg.topic, keywords=tuple(arg.keywords),
                        quotes=tuple(_quote(q, n, label, arg.id) for q, n in zip(arg.quotes, quotes_node.value, strict=True)),
                        counters=tuple(arg.counters), line=line)


def load_argument_specs(path: Path, label: str) -> list[ArgumentSpec]:
    """All argument specs of the file; shape errors (an unknown or misspelt key among them) raise
    CorpusError with file and line."""
    data, node = compose(read_text(path, label), label)
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise CorpusError(label, "expected a top-level `arguments:` list", node_line(node) or 1)
    validate(ArgumentsFile, data, node, label)
    entries_node = next(v for k, v in node.value if k.value == "arguments")
    if not isinstance(entries_node, yaml.SequenceNode):
        raise CorpusError(label, "expected a top-level `arguments:` list", node_line(entries_node))
    specs = [parse_argument(e, n, label) for e, n in zip(data["arguments"], entries_node.value, strict=True)]
    seen: dict[str, ArgumentSpec] = {}
    for spec in specs:
        if spec.id in seen:
            raise CorpusError(label, f"duplicate id (first at line {seen[spec.id].line})", spec.line, spec.id)
        seen[spec.id] = spec
    return specs
