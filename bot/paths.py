"""Where the bundled corpus and model are (a checkout or the installed package) and the default data folder."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import platformdirs
from dotenv import dotenv_values

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent  # the checkout; site-packages in an installed copy
IN_CHECKOUT = (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "corpus" / "sources.yaml").is_file()
# An installed copy carries the repository's top-level corpus/ and models/ as package data under
# bot/_bundled/ (setup.py copies them into the wheel); a checkout reads them where they are.
BUNDLED_ROOT = REPO_ROOT if IN_CHECKOUT else PACKAGE_DIR / "_bundled"
BUNDLED_CORPUS_DIR = BUNDLED_ROOT / "corpus"
BUNDLED_MODELS_DIR = BUNDLED_ROOT / "models"
APP_NAME = "counterpoint"

# settings holding a folder: a relative value in a .env file means a folder beside that file
PATH_SETTINGS = ("corpus_dir", "data_dir", "embed_model_dir", "embed_cache_dir")


def default_data_dir() -> Path:
    """`./data` of the checkout when running from one, else the user's data folder
    (~/.local/share/counterpoint on Linux)."""
    if IN_CHECKOUT:
        return REPO_ROOT / "data"
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def absolute(path: Path) -> Path:
    """`~` expanded and made absolute against the working directory (so a later chdir changes nothing)."""
    return Path(os.path.abspath(path.expanduser()))


def _env_files(env_file: Any) -> list[Path]:
    files = env_file if isinstance(env_file, (list, tuple)) else [env_file] if env_file else []
    return [Path(f).expanduser() for f in files]


def beside_env_file(source: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """Wrap the `.env` settings source so relative folder settings resolve against the folder of the
    `.env` file that set them (the last file setting a value wins, as pydantic-settings reads them)."""

    def read() -> dict[str, Any]:
        data = source()
        wanted = {key: value for key, value in data.items()
                  if key in PATH_SETTINGS and isinstance(value, str) and value and not Path(value).expanduser().is_absolute()}
        for path in _env_files(getattr(source, "env_file", None)) if wanted else []:
            if not path.is_file():
                continue
            given = {str(k).lower() for k, v in dotenv_values(path).items() if v}
            for key in given & wanted.keys():
                data[key] = str(absolute(path).parent / Path(wanted[key]).expanduser())
        return data

    return read
