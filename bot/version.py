"""The installed distribution's version, for `counterpoint --version` and logs."""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def package_version() -> str:
    """The version pip recorded for `counterpoint` ("unknown" when run from a checkout that was never installed)."""
    try:
        return version("counterpoint")
    except PackageNotFoundError:
        return "unknown"
