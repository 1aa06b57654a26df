"""Cutting text to a length at a word boundary, shared by the service and every adapter's limits."""
from __future__ import annotations

from collections.abc import Callable

ELLIPSIS = "…"


def cut_at_word(text: str, limit: int, *, tidy: Callable[[str], str] = str.rstrip) -> str:
    """`text` if it fits in `limit` characters, else cut at the last word break (unless that would throw
    away most of the room) and ended with "…". `tidy` cleans the kept head before the ellipsis, e.g.
    so that a platform escape or entity is never left half cut."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    head = text[: limit - len(ELLIPSIS)]
    space = max(head.rfind(" "), head.rfind("\n"))
    if space >= len(head) // 2:
        head = head[:space]
    return tidy(head) + ELLIPSIS
