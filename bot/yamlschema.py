"""Validate a YAML document with a pydantic model; the first problem names the file and line of the key."""
from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.errors import CorpusError

M = TypeVar("M", bound=BaseModel)


def line_at(node: yaml.Node | None, loc: Sequence[str | int]) -> int | None:
    """1-based line of the deepest node that `loc` (a pydantic error location) reaches: a mapping key's
    line, a list item's line, or the enclosing node's line when the key is missing."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            hit = next(((k, v) for k, v in node.value if str(k.value) == str(part)), None)
            if hit is None:
                break
            line, node = hit[0].start_mark.line + 1, hit[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The pydantic model whose field the last part of `loc` names (for listing the known keys)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        current = _inner_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def describe(model: type[BaseModel], error: dict[str, Any]) -> str:
    """One plain sentence for a pydantic error, naming the key ("unknown field 'colour' (did you mean ...)")."""
    loc = [p for p in error["loc"] if p != "[key]"]  # "[key]": the error is in a mapping's key itself
    key = str(loc[-1]) if loc else ""
    kind = error["type"]
    if error["loc"] and error["loc"][-1] == "[key]" and kind == "literal_error":
        return f"unknown key {key!r} (one of {error.get('ctx', {}).get('expected', '')})"
    if kind == "extra_forbidden":
        owner = _model_at(model, loc)
        known = [name for name in owner.model_fields] if owner else []
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}" if known else ""
        return f"unknown field {key!r}" + (f" ({hint})" if hint else "")
    if kind == "missing":
        return f"missing required field {key!r}"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind in ("string_type", "string_too_short"):
        message = "must be a non-empty string"
        if isinstance(error.get("input"), bool):
            message += " (YAML reads a bare yes/no/on/off as true/false: quote it)"
    elif kind in ("list_type", "too_short") and "list" in str(error["msg"]).lower():
        message = "must be a list" + (" with at least one item" if kind == "too_short" else "")
    elif kind == "dict_type":
        message = "must be a mapping of names to values"
    elif kind == "bool_type":
        message = "must be true or false"
    elif kind == "literal_error":
        message = f"must be one of {error.get('ctx', {}).get('expected', '')}"
    if kind == "value_error" or not loc:
        return message
    if isinstance(loc[-1], int):  # an item of a list: name the list and count from 1 as people do
        named = [p for p in loc if not isinstance(p, int)]
        return f"{named[-1]!r} item {loc[-1] + 1}: {message}" if named else message
    return f"{key!r}: {message}"


def validate(model: type[M], data: Any, node: yaml.Node | None, label: str, *, prefix: str = "",
             argument_id: str | None = None, context: dict[str, Any] | None = None) -> M:
    """`model` validated from `data` (parsed from `node`); the first error raises CorpusError naming
    `label`, the line of the offending key, and `prefix` / `argument_id` for the entry it is in."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # a misspelt key is both "unknown" and "missing": name the unknown one, which shows the typo
        error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        raise CorpusError(label, prefix + describe(model, error), line_at(node, error["loc"]), argument_id) from None
