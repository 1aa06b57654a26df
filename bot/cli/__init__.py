"""The `counterpoint` command line: one subcommand module per area, wired together here."""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from pydantic import ValidationError

from bot.cli import corpus_cmds, db_cmds, match_cmds, status_cmds
from bot.cli.problems import settings_problem
from bot.errors import CounterpointError
from bot.exitcodes import ExitCode, exit_code_for
from bot.logsetup import configure_logging
from bot.settings import get_settings
from bot.version import package_version

DESCRIPTION = "Counterpoint: answer claims about open vs closed AI with verbatim, sourced quotes."


class Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line on stderr (not the usage block), exit code CONFIG."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.CONFIG, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser(extra: Sequence[ModuleType] = ()) -> argparse.ArgumentParser:
    """The parser with the core's subcommands and those of `extra` modules (each has `register`)."""
    parser = Parser(prog="counterpoint", description=DESCRIPTION)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    parser.add_argument("--version", action="version", version=f"counterpoint {package_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (corpus_cmds, match_cmds, db_cmds, status_cmds, *extra):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None, extra: Sequence[ModuleType] = ()) -> int:
    parser = build_parser(extra)
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as exc:  # a bad value in the environment or .env: name it, no traceback
        print(f"counterpoint: {settings_problem(exc)}", file=sys.stderr)
        return ExitCode.CONFIG
    # a service (`run`) logs its life at INFO; one-shot commands only warnings, unless LOG_LEVEL says otherwise
    configure_logging(settings, level="DEBUG" if args.verbose else None,
                      default_level=getattr(args, "log_default", "WARNING"))
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return ExitCode.CONFIG
    try:
        return int(handler(args) or 0)
    except BrokenPipeError:  # `counterpoint ask … | head`: the reader has all it wanted
        _quiet_stdout()
        return ExitCode.OK
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except CounterpointError as exc:  # anything a command did not report itself
        print(f"counterpoint: {exc}", file=sys.stderr)
        return exit_code_for(exc)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail on the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real stdout to replace
        pass


if __name__ == "__main__":
    sys.exit(main())
