"""Discord's documented payload rules, checked by the stand-in so over-long or empty sends fail loudly."""
from __future__ import annotations

import re
from typing import Any

COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")


class FormError(Exception):
    """What Discord answers with 400 / code 50035 (or another code) and a message."""

    def __init__(self, message: str, code: int = 50035):
        super().__init__(message)
        self.code = code


def _max(value: str | None, limit: int, where: str) -> int:
    if value is None:
        return 0
    if not isinstance(value, str):
        raise FormError(f"{where}: must be a string")
    if len(value) > limit:
        raise FormError(f"{where}: Must be {limit} or fewer in length (got {len(value)}).")
    return len(value)


def check_embed(embed: dict[str, Any], where: str) -> int:
    """Checks one embed; returns its character count toward the 6,000 total."""
    total = _max(embed.get("title"), 256, f"{where}.title")
    total += _max(embed.get("description"), 4096, f"{where}.description")
    url = embed.get("url")
    if url is not None and not re.match(r"^https?://\S+$", url):
        raise FormError(f"{where}.url: Not a well formed URL.")
    fields = embed.get("fields") or []
    if len(fields) > 25:
        raise FormError(f"{where}.fields: Must be 25 or fewer in length.")
    for i, f in enumerate(fields):
        if not f.get("name") or not f.get("value"):
            raise FormError(f"{where}.fields.{i}: name and value are required.")
        total += _max(f.get("name"), 256, f"{where}.fields.{i}.name")
        total += _max(f.get("value"), 1024, f"{where}.fields.{i}.value")
    total += _max((embed.get("footer") or {}).get("text"), 2048, f"{where}.footer.text")
    total += _max((embed.get("author") or {}).get("name"), 256, f"{where}.author.name")
    return total


def check_message(body: dict[str, Any]) -> None:
    """Content, embeds and allowed_mentions of a message create/edit or interaction message."""
    content = body.get("content")
    _max(content, 2000, "content")
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        raise FormError("embeds: Must be 10 or fewer in length.")
    total = sum(check_embed(e, f"embeds.{i}") for i, e in enumerate(embeds))
    if total > 6000:
        raise FormError(f"embeds: Embed size exceeds maximum size of 6000 (got {total}).")
    if not content and not embeds:
        raise FormError("Cannot send an empty message", code=50006)
    mentions = body.get("allowed_mentions")
    if mentions is not None:
        parse = mentions.get("parse", [])
        for key in ("users", "roles"):
            if key in parse and mentions.get(key):
                raise FormError(f"allowed_mentions: parse:[{key}] and {key}: [ids] are mutually exclusive.")


def check_thread_name(body: dict[str, Any]) -> None:
    name = body.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 100:
        raise FormError("name: Must be between 1 and 100 in length.")


def _check_option(option: dict[str, Any], where: str) -> None:
    if not COMMAND_NAME.match(option.get("name", "")) or option["name"] != option["name"].lower():
        raise FormError(f"{where}.name: invalid command name {option.get('name')!r}")
    if not 1 <= len(option.get("description", "")) <= 100:
        raise FormError(f"{where}.description: Must be between 1 and 100 in length.")
    children = option.get("options") or []
    if len(children) > 25:
        raise FormError(f"{where}.options: Must be 25 or fewer in length.")
    seen_optional = False
    for i, child in enumerate(children):
        _check_option(child, f"{where}.options.{i}")
        if child.get("type") in (1, 2):
            continue
        if child.get("required"):
            if seen_optional:
                raise FormError(f"{where}.options.{i}: Required options must be placed before non-required options")
        else:
            seen_optional = True
        if len(child.get("choices") or []) > 25:
            raise FormError(f"{where}.options.{i}.choices: Must be 25 or fewer in length.")


def check_commands(commands: list[dict[str, Any]]) -> None:
    if len(commands) > 100:
        raise FormError("Maximum number of application commands reached (100).", code=30032)
    names = [c.get("name") for c in commands]
    if len(names) != len(set(names)):
        raise FormError("Application command names must be unique")
    for i, command in enumerate(commands):
        _check_option(command, f"{i}")


def check_choices(choices: list[dict[str, Any]]) -> None:
    if len(choices) > 25:
        raise FormError("data.choices: Must be 25 or fewer in length.")
    for i, c in enumerate(choices):
        _max(c.get("name"), 100, f"data.choices.{i}.name")
        if isinstance(c.get("value"), str):
            _max(c["value"], 100, f"data.choices.{i}.value")
