"""Command arguments: `key=value` / `key="several words"` parsing and cleaning of user text."""
from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from bot import textcut

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SMART_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})
_KEY_VALUE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)=(.*)$", re.S)
_KEY_PREFIX = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*=$")
MAX_ARGS_CHARS = 8000


def clean_text(text: str, limit: int | None = None) -> str:
    """Drop control characters and unencodable code points; cut to `limit` characters."""
    text = text.encode("utf-8", "ignore").decode("utf-8")
    text = _CONTROL.sub(" ", text)
    return text[:limit] if limit is not None else text


def clip(text: str | None, limit: int) -> str:
    """Clean and cut an identifier or name so it fits its column."""
    return clean_text(text or "", limit).strip() or "?"


def cut_at_word(text: str, limit: int = 100) -> str:
    """`text` on one line, shortened at a word boundary to at most `limit` characters (ellipsis if cut)."""
    return textcut.cut_at_word(" ".join(text.split()), limit, tidy=lambda head: head.rstrip(" ,;:.-"))


@dataclass(slots=True)
class ParsedArgs:
    """Positional words and named options of one command."""

    positional: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        return " ".join(self.positional).strip()


def _closing_quote(text: str, start: int) -> int:
    """Index of a `'` at or after `start` that ends a word (whitespace or the end follows), else -1."""
    at = text.find("'", start)
    while at != -1:
        if at + 1 == len(text) or text[at + 1].isspace():
            return at
        at = text.find("'", at + 1)
    return -1


def split_words(text: str) -> list[str]:
    """Words split at whitespace, the one place user text is split (adapters pass words through as typed).

    `"double quotes"` group words anywhere; `'single quotes'` only when one opens a word (or the value after
    `key=`) and another closes a word, so an apostrophe inside a word (Meta's, isn't) is just a letter.
    A quote that is never closed is kept as typed.
    """
    words: list[str] = []
    current: list[str] = []
    in_word = False
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            if in_word:
                words.append("".join(current))
                current, in_word = [], False
            i += 1
            continue
        end = -1
        if char == '"':
            end = text.find('"', i + 1)
        elif char == "'" and (not in_word or _KEY_PREFIX.match("".join(current))):
            end = _closing_quote(text, i + 1)
        if end != -1:
            current.append(text[i + 1:end])
            i = end + 1
        else:
            current.append(char)
            i += 1
        in_word = True
    if in_word:
        words.append("".join(current))
    return words


def parse_args(words: Sequence[str], options: Mapping[str, str] | None = None, *,
               known: Collection[str] = (), free_text: Collection[str] = ()) -> ParsedArgs:
    """Split words into positional values and `key=value` options (only keys in `known`).

    Slash-command `options` win over text. For keys in `free_text` an unquoted value runs on until
    the next `key=`, so `claim=Open weights are safer stance=open` works without quotes.
    """
    text = clean_text(" ".join(words))[:MAX_ARGS_CHARS].translate(_SMART_QUOTES)
    parsed = ParsedArgs()
    current: str | None = None
    for token in split_words(text):
        match = _KEY_VALUE.match(token)
        key = match.group(1).lower() if match else None
        if match and key in known:
            parsed.options[key] = match.group(2).strip()
            current = key if key in free_text else None
        elif current is not None:
            parsed.options[current] = f"{parsed.options[current]} {token}".strip()
        else:
            parsed.positional.append(token)
    for key, value in (options or {}).items():
        if value is not None and str(value).strip():
            parsed.options[key.lower()] = clean_text(str(value))[:MAX_ARGS_CHARS].strip()
    return parsed
