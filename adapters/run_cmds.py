"""CLI subcommands that need an adapter: `run discord|slack|console`, `console` and `ask`."""
from __future__ import annotations

import argparse
import sys

from bot.errors import CounterpointError
from bot.settings import get_settings


def register(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="run the bot on a platform")
    run.add_argument("platform", choices=["discord", "slack", "console"])
    run.add_argument("--port", type=int, default=3000, help="HTTP port for Slack's HTTP mode (default 3000)")
    run.set_defaults(handler=_run)
    console = sub.add_parser("console", help="terminal chat: lines are channel messages, /commands work")
    console.set_defaults(handler=lambda args: _console())
    ask = sub.add_parser("ask", help="answer one message from the bundled corpus, readably")
    ask.add_argument("message", nargs="+", help="the claim to answer")
    ask.set_defaults(handler=_ask)


def _run(args: argparse.Namespace) -> int:
    settings = get_settings()
    if args.platform == "discord":
        from adapters.discord.runner import run

        return run(settings)
    if args.platform == "slack":
        from adapters.slack.runner import run

        return run(settings, args.port)
    return _console()


def _console() -> int:
    import asyncio  # here, not at the top: `match --json` starts faster without it

    from adapters.console.app import run_console

    return asyncio.run(run_console(get_settings()))


def _ask(args: argparse.Namespace) -> int:
    import asyncio

    return asyncio.run(_answer(" ".join(args.message)))


async def _answer(text: str) -> int:
    from adapters.console.render import render_reply
    from bot.messages import Command, CommandContext
    from bot.service.service import CounterpointService

    try:
        service = await CounterpointService.start(get_settings())
    except CounterpointError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        context = CommandContext(platform="console", workspace_id="console", channel_id="ask",
                                 user_id="console", user_name="you")
        reply = await service.handle_command(Command("argue", tuple(text.split()), context))
        print(render_reply(reply))
        return 1 if reply.is_error else 0
    finally:
        await service.close()
