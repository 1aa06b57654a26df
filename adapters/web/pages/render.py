"""The Jinja2 environment of the pages: autoescaped templates, filters for sides, topics and safe links."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.weblinks import argument_path, passage_anchor, source_path

from adapters.web.pages.security import CSS_PATH

TEMPLATES = Path(__file__).with_name("templates")
SIDE_NAMES = {"open": "Open", "closed": "Closed", "mixed": "Mixed", "unknown": "No longer in the map"}


def topic_title(topic: str) -> str:
    """`capability-risk` -> `Capability risk`."""
    words = topic.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def external_url(url: str | None) -> str | None:
    """`url` when it is a plain http(s) link (never javascript: or data:), else None."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.hostname else None


def topic_path(topic: str) -> str:
    return f"/map/{quote(topic, safe='')}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(topic_title=topic_title, side_name=lambda s: SIDE_NAMES.get(s, s), external=external_url)
    env.globals.update(argument_path=argument_path, passage_anchor=passage_anchor, topic_path=topic_path,
                       source_path=source_path, css_path=CSS_PATH)
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
