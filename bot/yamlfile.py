"""YAML files of the corpus (argument map, lexicon) read with the line of every entry remembered."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.ingest.yamlnodes import LINE_KEY, compose, read_text


def load_yaml(path: Path, label: str | None = None) -> Any:
    """Parse a YAML file, each mapping with its start line under `__line__`; unreadable files, bad UTF-8
    and syntax errors raise CorpusError with the file and line."""
    label = label or str(path)
    data, _ = compose(read_text(path, label), label, entry_lines=True)
    return data


def line_of(entry: Any) -> int | None:
    return entry.get(LINE_KEY) if isinstance(entry, dict) else None
