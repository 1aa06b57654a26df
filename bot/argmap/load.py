"""Read `corpus/arguments.yaml` into unresolved argument specs, naming file and line on errors."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.argmap.types import STANCES
from bot.errors import CorpusError
from bot.yamlfile import line_of, load_yaml


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


def _text(entry: dict, key: str, label: str, line: int | None, arg_id: str | None) -> str:
    value = entry.get(key)
    if not isinstance(value, (str, int, float)) or not str(value).strip():
        raise CorpusError(label, f"missing or empty `{key}`", line, arg_id)
    return str(value).strip()


def _str_list(entry: dict, key: str, label: str, line: int | None, arg_id: str) -> tuple[str, ...]:
    value = entry.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise CorpusError(label, f"`{key}` must be a list of strings", line, arg_id)
    return tuple(str(v).strip() for v in value if str(v).strip())


def parse_argument(entry: object, label: str) -> ArgumentSpec:
    """Validate the shape of one YAML entry (not its quotes' presence in sources)."""
    if not isinstance(entry, dict):
        raise CorpusError(label, "each argument must be a mapping")
    line = line_of(entry)
    arg_id = _text(entry, "id", label, line, None)
    stance = _text(entry, "stance", label, line, arg_id)
    if stance not in STANCES:
        raise CorpusError(label, f"stance {stance!r} is not one of {', '.join(STANCES)}", line, arg_id)
    raw_quotes = entry.get("quotes")
    if not isinstance(raw_quotes, list) or not raw_quotes:
        raise CorpusError(label, "an argument needs at least one quote", line, arg_id)
    quotes = []
    for q in raw_quotes:
        qline = line_of(q) or line
        if not isinstance(q, dict):
            raise CorpusError(label, "a quote must be a mapping with `source` and `text`", qline, arg_id)
        quotes.append(QuoteSpec(_text(q, "source", label, qline, arg_id), _text(q, "text", label, qline, arg_id), qline))
    return ArgumentSpec(
        id=arg_id,
        claim=_text(entry, "claim", label, line, arg_id),
        stance=stance,
        topic=_text(entry, "topic", label, line, arg_id),
        keywords=_str_list(entry, "keywords", label, line, arg_id),
        quotes=tuple(quotes),
        counters=_str_list(entry, "counters", label, line, arg_id),
        line=line,
    )


def load_argument_specs(path: Path, label: str) -> list[ArgumentSpec]:
    """All argument specs of the file; shape errors raise CorpusError with file and line."""
    data = load_yaml(path, label)
    entries = data.get("arguments") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise CorpusError(label, "expected a top-level `arguments:` list", line_of(data) or 1)
    specs = [parse_argument(e, label) for e in entries]
    seen: dict[str, ArgumentSpec] = {}
    for spec in specs:
        if spec.id in seen:
            raise CorpusError(label, f"duplicate id (first at line {seen[spec.id].line})", spec.line, spec.id)
        seen[spec.id] = spec
    return specs
