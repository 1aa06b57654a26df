"""The `counterpoint` command line: one subcommand module per area, wired together here."""
from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

from bot.cli import corpus_cmds, db_cmds, match_cmds
from bot.settings import get_settings

DESCRIPTION = "Counterpoint: answer claims about open vs closed AI with verbatim, sourced quotes."


def build_parser(extra: Sequence[ModuleType] = ()) -> argparse.ArgumentParser:
    """The parser with the core's subcommands and those of `extra` modules (each has `register`)."""
    parser = argparse.ArgumentParser(prog="counterpoint", description=DESCRIPTION)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (corpus_cmds, match_cmds, db_cmds, *extra):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None, extra: Sequence[ModuleType] = ()) -> int:
    parser = build_parser(extra)
    args = parser.parse_args(argv)
    level = "DEBUG" if args.verbose else get_settings().log_level.upper()
    logging.basicConfig(stream=sys.stderr, level=getattr(logging, level, logging.WARNING),
                        format="%(levelname)s %(name)s: %(message)s")
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
