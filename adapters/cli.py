"""The `counterpoint` entry point: the core's commands plus those that run an adapter."""
from __future__ import annotations

import sys
from collections.abc import Sequence

from adapters import run_cmds
from bot.cli import main as core_main


def main(argv: Sequence[str] | None = None) -> int:
    return core_main(argv, extra=(run_cmds,))


if __name__ == "__main__":
    sys.exit(main())
