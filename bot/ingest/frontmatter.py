"""YAML front matter (`---` ... `---` at the top of a markdown file)."""
from __future__ import annotations

from typing import Any

from bot.errors import CorpusError
from bot.yamlfile import compose


def split_front_matter(text: str, label: str) -> tuple[dict[str, Any], str, int]:
    """(front matter fields, body text, 1-based file line the body starts on).

    A file not starting with `---` has no front matter; an opening `---` without a closing one
    raises CorpusError naming line 1."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 1
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            data, _ = compose("\n".join(lines[1:i]), label, first_line=2)
            if data is None:
                data = {}
            if not isinstance(data, dict):
                raise CorpusError(label, "front matter must be a mapping of fields", 2)
            return data, "\n".join(lines[i + 1:]), i + 2
    raise CorpusError(label, "unterminated front matter: '---' opened here is never closed", 1)
