"""Build hook: the wheel carries the repository's top-level corpus/ and models/ folders as package data
under bot/_bundled/, where an installed copy finds them (bot/paths.py). Everything else is in pyproject.toml."""
from __future__ import annotations

import os
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("corpus", "models")
TARGET = os.path.join("bot", "_bundled")


def _files(folder: Path) -> list[str]:
    names = (p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
    return sorted(str(n) for n in names if not any(part == "__pycache__" or part.startswith(".") for part in n.parts)
                  and not n.name.endswith(("~", ".pyc")))


class BuildWithBundledData(build_py):
    """build_py that also lays corpus/ and models/ under bot/_bundled/ (so they are in get_outputs too)."""

    def _get_data_files(self) -> list[tuple[str, str, str, list[str]]]:
        # (package, source dir, build dir, file names) for every folder of package data
        found = list(super()._get_data_files())
        here = Path(__file__).resolve().parent
        for name in BUNDLED:
            folder = here / name
            found.append(("bot", str(folder), os.path.join(self.build_lib, TARGET, name), _files(folder)))
        return found


setup(cmdclass={"build_py": BuildWithBundledData})
