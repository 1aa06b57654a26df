"""Run the Slack bot: Socket Mode when SLACK_APP_TOKEN is set, else an HTTP server for Slack's requests."""
from __future__ import annotations

import asyncio
import contextlib
import signal
import sys

from aiohttp import ClientError, web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError

from adapters.slack.app import EVENTS_PATH, build_app, missing_settings
from bot.settings import Settings

HELP = """\
Counterpoint cannot start on Slack: {missing} not set.
Set these in the environment or in .env (see adapters/slack/manifest.yaml to create the app):
  SLACK_BOT_TOKEN       the Bot User OAuth Token (xoxb-...), from OAuth & Permissions after installing
  SLACK_SIGNING_SECRET  for HTTP mode: the Signing Secret, from Basic Information
  SLACK_APP_TOKEN       for Socket Mode instead: an app-level token (xapp-...) with connections:write
"""


def _install_stop_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)


async def run_slack(settings: Settings, port: int, *, host: str = "0.0.0.0",
                    stop: asyncio.Event | None = None, started: asyncio.Event | None = None) -> int:
    """Serve Slack until `stop` is set (or SIGINT/SIGTERM); returns the exit code.

    `started` is set once requests can be served (the socket is connected or the port is listening).
    """
    missing = missing_settings(settings)
    if missing:
        print(HELP.format(missing=" and ".join(missing)), file=sys.stderr, end="")
        return 2
    from bot.service.service import CounterpointService  # the core only loads once settings are complete

    if stop is None:
        stop = asyncio.Event()
        _install_stop_signals(stop)
    service = await CounterpointService.start(settings)
    try:
        app, deps = build_app(settings, service)
        try:
            auth = await app.client.auth_test()
        except SlackApiError as exc:
            print(f"Slack rejected SLACK_BOT_TOKEN ({exc.response.get('error')}); check the token.", file=sys.stderr)
            return 2
        except (ClientError, OSError) as exc:
            print(f"Cannot reach the Slack Web API at {app.client.base_url}: {exc}", file=sys.stderr)
            return 1
        who = f"{auth.get('user')} in {auth.get('team')}"
        if settings.slack_app_token is not None and settings.slack_app_token.get_secret_value().strip():
            handler = AsyncSocketModeHandler(app, settings.slack_app_token.get_secret_value().strip())
            await handler.connect_async()
            print(f"Counterpoint is connected to Slack over Socket Mode as {who}.", flush=True)
            if started is not None:
                started.set()
            try:
                await stop.wait()
            finally:
                await handler.close_async()
        else:
            runner = web.AppRunner(app.web_app(path=EVENTS_PATH, port=port))
            await runner.setup()
            try:
                try:
                    await web.TCPSite(runner, host, port).start()
                except OSError as exc:
                    print(f"Cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
                    return 1
                print(f"Counterpoint is serving Slack as {who} on http://{host}:{port}{EVENTS_PATH}", flush=True)
                if started is not None:
                    started.set()
                await stop.wait()
            finally:
                await runner.cleanup()
        await deps.deliveries.drain()
        return 0
    finally:
        await service.close()


def run(settings: Settings, port: int) -> int:
    """Blocking entry point for `counterpoint run slack`."""
    try:
        return asyncio.run(run_slack(settings, port))
    except KeyboardInterrupt:
        return 130
