"""Reading the corpus's YAML and text files so that every problem names its file and line."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.errors import CorpusError


def read_text(path: Path, label: str) -> str:
    """A UTF-8 text file's contents; unreadable or non-UTF-8 files raise CorpusError with the line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(label, f"cannot read file: {exc.strerror or exc}") from exc
    return decode(raw, label)


def decode(raw: bytes, label: str) -> str:
    """Bytes -> text (BOM dropped, CRLF normalised); bad UTF-8 names the line of the first bad byte."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise CorpusError(label, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", line) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


# LibYAML when present is several times faster but places some errors a line late, so a document it
# refuses is parsed again by the pure-Python loader, which names the line
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compose(text: str, label: str, first_line: int = 1) -> tuple[Any, yaml.Node | None]:
    """(python data, root node) of a YAML document; syntax errors raise CorpusError with the line.

    `first_line` is the file line the text starts on (for YAML embedded in a larger file)."""
    try:
        return _compose(_FAST_LOADER, text)
    except yaml.YAMLError:
        pass
    try:
        return _compose(yaml.SafeLoader, text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise CorpusError(label, f"YAML error: {problem}", line) from exc
    except yaml.YAMLError as exc:
        raise CorpusError(label, f"YAML error: {exc}") from exc


def _compose(loader_class: type, text: str) -> tuple[Any, yaml.Node | None]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def node_line(node: yaml.Node | None, first_line: int = 1) -> int | None:
    """1-based line where a node starts."""
    return node.start_mark.line + first_line if node is not None else None


def mapping_items(node: yaml.Node | None) -> list[tuple[yaml.Node, yaml.Node]]:
    """(key node, value node) pairs of a mapping node, else []."""
    return list(node.value) if isinstance(node, yaml.MappingNode) else []


def key_lines(node: yaml.Node | None, first_line: int = 1) -> dict[str, int]:
    """Line of each key of a mapping node."""
    return {str(k.value): k.start_mark.line + first_line for k, _ in mapping_items(node)}


def duplicate_key(node: yaml.Node | None) -> tuple[str, int] | None:
    """The first key repeated in a mapping node (YAML silently keeps the last), with its line."""
    seen: set[str] = set()
    for key, _ in mapping_items(node):
        if key.value in seen:
            return str(key.value), key.start_mark.line + 1
        seen.add(key.value)
    return None
