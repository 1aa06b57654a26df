"""The process exit codes of every `counterpoint` command, in one place (listed in README.md)."""
from __future__ import annotations

from enum import IntEnum

from bot.errors import ConfigError, CorpusError, DatabaseError


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1  # failed while running, or a platform refused or could not be reached
    CONFIG = 2  # a bad command line, a setting missing or invalid
    DATABASE = 3  # the database is unreachable, corrupt, read-only or from a newer Counterpoint
    CORPUS = 4  # a corpus file is malformed or inconsistent
    INTERRUPTED = 130  # Ctrl-C


def exit_code_for(exc: BaseException) -> ExitCode:
    """The exit code that names what kind of error `exc` is."""
    if isinstance(exc, ConfigError):
        return ExitCode.CONFIG
    if isinstance(exc, DatabaseError):
        return ExitCode.DATABASE
    if isinstance(exc, CorpusError):
        return ExitCode.CORPUS
    return ExitCode.ERROR
