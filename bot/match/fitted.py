"""The files of models fitted by tools/tune_matcher.py: JSON beside their code, refused when fitted on other inputs."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_fitted(path: Path, **expected: tuple[str, ...]) -> dict[str, Any] | None:
    """The file's data, or None when it is missing, unreadable, or lists other `expected` names (features...)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if any(tuple(data.get(key, ())) != names for key, names in expected.items()):
        return None
    return data


def write_fitted(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
