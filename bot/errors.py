"""Errors the core raises with enough context (file, line, id) for a clear message."""
from __future__ import annotations


class CounterpointError(Exception):
    """Base class for errors shown to a user or admin as-is."""


class CorpusError(CounterpointError):
    """A corpus file is malformed or inconsistent; names the file and, when known, the line."""

    def __init__(self, file: str, message: str, line: int | None = None, argument_id: str | None = None):
        self.file = file
        self.line = line
        self.argument_id = argument_id
        self.message = message
        where = f"{file}:{line}" if line is not None else file
        who = f" [argument {argument_id}]" if argument_id else ""
        super().__init__(f"{where}{who}: {message}")


class QuoteNotInSource(CorpusError):
    """A quote said to come from a source does not appear in it verbatim."""


class ConfigError(CounterpointError):
    """A setting (or the command line) has a value Counterpoint cannot use; the message names it."""


class DatabaseError(CounterpointError):
    """The database cannot be used: unreachable, not a database, read-only, or from a newer Counterpoint."""
