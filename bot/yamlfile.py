"""YAML reading that reports the file and line of every problem, and remembers entry lines."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.errors import CorpusError

LINE_KEY = "__line__"


class _Lines:
    """Mixin for a SafeLoader: stores each mapping's 1-based start line under `__line__`."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)  # type: ignore[misc]
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping


class _LineLoader(_Lines, yaml.SafeLoader):
    """Pure Python: slower, but names the exact line of a syntax error."""


class _FastLineLoader(_Lines, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """LibYAML when present: several times faster; some errors are placed a line late."""


def load_yaml(path: Path, label: str | None = None) -> Any:
    """Parse a YAML file; syntax errors become CorpusError with the file and line."""
    label = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CorpusError(label, "file not found") from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise CorpusError(label, f"not valid UTF-8 ({exc.reason})", line) from None
    try:
        return yaml.load(text, Loader=_FastLineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError:
        pass  # parsed again below, for the error's exact line
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise CorpusError(label, f"YAML error: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:
        raise CorpusError(label, f"YAML error: {exc}") from None


def line_of(entry: Any) -> int | None:
    return entry.get(LINE_KEY) if isinstance(entry, dict) else None
