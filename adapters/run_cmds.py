"""CLI subcommands that need an adapter: `run discord|slack|console`, `console`, `ask` and `web`."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bot.errors import CounterpointError
from bot.exitcodes import ExitCode, exit_code_for
from bot.settings import get_settings

CONSOLE_DB = "console.sqlite3"


def register(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="run the bot on a platform")
    run.add_argument("platform", choices=["discord", "slack", "console"])
    run.add_argument("--port", type=_port, default=3000, help="HTTP port for Slack's HTTP mode (default 3000)")
    run.set_defaults(handler=_run, log_default="INFO")  # a running bot logs its start, connection and stop
    run.add_argument("--db", help="`run console` only: its database (see `counterpoint console --help`)")
    console = sub.add_parser("console", help="terminal chat: lines are channel messages, /commands work")
    console.add_argument("--db", help="SQLite file or database URL for the console's own settings, triggers and "
                                      "debates (default: console.sqlite3 in DATA_DIR, never the bot's database)")
    console.set_defaults(handler=lambda args: _console(args.db))
    ask = sub.add_parser("ask", help="answer one message from the bundled corpus, readably")
    ask.add_argument("message", nargs="+", help="the claim to answer")
    ask.set_defaults(handler=_ask)
    web = sub.add_parser("web", help="serve the web pages alone (topics, arguments, sources, map) until stopped")
    web.add_argument("--port", type=_port, help="port (default WEB_PORT, else 8000; 0 picks a free one)")
    web.add_argument("--host", help="bind address (default WEB_HOST, 0.0.0.0)")
    web.set_defaults(handler=_web, log_default="INFO")


def _port(value: str) -> int:
    """A TCP port number (0 lets the system pick one)."""
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (0-65535)")
    return port


def _run(args: argparse.Namespace) -> int:
    settings = get_settings()
    if args.platform == "discord":
        from adapters.discord.runner import run

        return run(settings)
    if args.platform == "slack":
        from adapters.slack.runner import run

        return run(settings, args.port)
    from bot.logsetup import level_number

    logging.getLogger().setLevel(level_number(settings.log_level, "WARNING"))  # the chat owns the terminal
    return _console(args.db)


def _web(args: argparse.Namespace) -> int:
    from adapters.web.pages.command import run

    return run(get_settings(), args.host, args.port)


def console_database(db: str | None, data_dir: Path) -> str:
    """The console's database URL: `--db` (a URL, or a SQLite file path), else its own file in DATA_DIR."""
    if db and "://" in db:
        return db
    path = Path(db).expanduser().resolve() if db else data_dir / CONSOLE_DB
    return f"sqlite+aiosqlite:///{path}"


def _console(db: str | None = None) -> int:
    import asyncio  # here, not at the top: `match --json` starts faster without it

    from adapters.console.app import run_console

    settings = get_settings()
    # console experiments never touch a deployed bot's DATABASE_URL (its channels, triggers, debates)
    settings = settings.model_copy(update={"database_url": console_database(db, settings.data_dir)})
    return asyncio.run(run_console(settings))


def _ask(args: argparse.Namespace) -> int:
    import asyncio

    text = " ".join(" ".join(args.message).split())
    if not text:
        print('counterpoint ask: give the claim to answer, e.g. counterpoint ask "open weights make AI less safe"',
              file=sys.stderr)
        return ExitCode.CONFIG
    return asyncio.run(_answer(text))


async def _answer(text: str) -> int:
    from adapters.console.render import render_reply
    from bot.messages import Command, CommandContext
    from bot.service.service import CounterpointService

    try:
        service = await CounterpointService.start(get_settings())
    except CounterpointError as exc:
        print(f"counterpoint: {exc}", file=sys.stderr)
        return exit_code_for(exc)
    try:
        context = CommandContext(platform="console", workspace_id="console", channel_id="ask",
                                 user_id="console", user_name="you")
        reply = await service.handle_command(Command("argue", tuple(text.split()), context))
        print(render_reply(reply), flush=True)  # a closed pipe shows here, not at exit
        return ExitCode.ERROR if reply.is_error else ExitCode.OK
    finally:
        await service.close()
