"""Block Kit checks the real Slack API enforces (the subset Counterpoint uses)."""
from __future__ import annotations

from typing import Any

MAX_BLOCKS = 50
LIMITS = {"section": 3000, "header": 150}
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_TEXT = 3000
KNOWN_TYPES = {"section", "header", "context", "divider"}


def _text_errors(where: str, obj: Any, limit: int, kinds: set[str]) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") not in kinds:
        return [f"{where}: text must be one of {sorted(kinds)}"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [f"{where}: empty text"]
    if len(text) > limit:
        return [f"{where}: text is {len(text)} characters, limit {limit}"]
    return []


def block_errors(blocks: Any) -> list[str]:
    """Every way `blocks` would be refused by Slack (empty list: valid)."""
    if not isinstance(blocks, list):
        return ["blocks must be a list"]
    errors = [f"{len(blocks)} blocks, limit {MAX_BLOCKS}"] if len(blocks) > MAX_BLOCKS else []
    for i, block in enumerate(blocks):
        kind = block.get("type") if isinstance(block, dict) else None
        where = f"blocks[{i}] ({kind})"
        if kind not in KNOWN_TYPES:
            errors.append(f"{where}: unknown block type")
        elif kind == "section":
            errors += _text_errors(where, block.get("text"), LIMITS["section"], {"mrkdwn", "plain_text"})
        elif kind == "header":
            errors += _text_errors(where, block.get("text"), LIMITS["header"], {"plain_text"})
        elif kind == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= MAX_CONTEXT_ELEMENTS:
                errors.append(f"{where}: needs 1..{MAX_CONTEXT_ELEMENTS} elements")
                continue
            for j, element in enumerate(elements):
                errors += _text_errors(f"{where}.elements[{j}]", element, MAX_CONTEXT_TEXT, {"mrkdwn", "plain_text"})
    return errors
