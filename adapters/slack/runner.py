"""Run the Slack bot: Socket Mode when SLACK_APP_TOKEN is set, else an HTTP server for Slack's requests."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from typing import TYPE_CHECKING, Any

from aiohttp import ClientError, web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import EVENTS_PATH, api_base_url, build_app, missing_settings, secret_value
from adapters.web.health import health_routes
from adapters.web.servers import ServeError, bot_servers
from bot.errors import CounterpointError
from bot.exitcodes import exit_code_for
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.health.metrics import Metrics
    from bot.health.observed import ObservedService

log = logging.getLogger(__name__)

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


async def check_tokens(settings: Settings) -> tuple[int, str]:
    """(0, "bot in team") when Slack accepts the tokens, else (exit code, "") after saying what is wrong."""
    client = AsyncWebClient(token=secret_value(settings.slack_bot_token), base_url=api_base_url(settings))
    try:
        auth = await client.auth_test()
    except SlackApiError as exc:
        print(f"Slack rejected SLACK_BOT_TOKEN ({exc.response.get('error')}); check the token.", file=sys.stderr)
        return 2, ""
    except (ClientError, OSError) as exc:
        print(f"Cannot reach the Slack Web API at {client.base_url}: {exc}", file=sys.stderr)
        return 1, ""
    app_token = secret_value(settings.slack_app_token)
    if app_token:
        try:  # checked here because the socket client would retry a bad token forever
            await client.apps_connections_open(app_token=app_token)
        except SlackApiError as exc:
            print(f"Slack rejected SLACK_APP_TOKEN ({exc.response.get('error')}); it must be an app-level "
                  "token (xapp-...) with connections:write, and Socket Mode must be on.", file=sys.stderr)
            return 2, ""
    return 0, f"{auth.get('user')} in {auth.get('team')}"


async def run_slack(settings: Settings, port: int, *, host: str | None = None,
                    stop: asyncio.Event | None = None, started: asyncio.Event | None = None) -> int:
    """Serve Slack until `stop` is set (or SIGINT/SIGTERM); returns the exit code.

    `started` is set once requests can be served (the socket is connected or the port is listening).
    """
    missing = missing_settings(settings)
    if missing:
        print(HELP.format(missing=" and ".join(missing)), file=sys.stderr, end="")
        return 2
    code, who = await check_tokens(settings)
    if code:
        return code
    # the core only loads once Slack is reachable
    from bot.health.metrics import ErrorCounter, Metrics
    from bot.health.observed import ObservedService

    if stop is None:
        stop = asyncio.Event()
        _install_stop_signals(stop)
    try:
        service = await ObservedService.start(settings, metrics=Metrics("slack"))
    except CounterpointError as exc:
        print(f"Counterpoint cannot start: {exc}", file=sys.stderr)
        return exit_code_for(exc)
    try:
        app, deps = build_app(settings, service)
        app_token = secret_value(settings.slack_app_token)
        with ErrorCounter(service.prometheus):
            if app_token:
                code = await _serve_socket_mode(app, app_token, who, stop, started, settings, service)
            else:
                code = await _serve_http(app, host or settings.slack_host, port, who, stop, started, settings,
                                         service)
        await deps.deliveries.drain()
        return code
    finally:
        await service.close()


def _count_reconnects(client: Any, metrics: Metrics) -> None:
    """Count each socket connection after the first (the SDK reconnects on its own when Slack drops one)."""
    connect = client.connect
    connections = 0

    async def counted() -> None:
        nonlocal connections
        await connect()
        connections += 1
        if connections > 1:
            metrics.reconnected()

    client.connect = counted


async def _serve_socket_mode(app: AsyncApp, app_token: str, who: str, stop: asyncio.Event,
                             started: asyncio.Event | None, settings: Settings, service: ObservedService) -> int:
    handler = AsyncSocketModeHandler(app, app_token)
    _count_reconnects(handler.client, service.prometheus)
    health = service.health(connected=handler.client.is_connected)
    try:
        async with bot_servers(settings, service, health, service.prometheus):
            await handler.connect_async()
            try:
                log.info("connected to Slack over Socket Mode as %s", who)
                if started is not None:
                    started.set()
                await stop.wait()
            finally:
                await handler.close_async()
    except ServeError as exc:
        print(f"Counterpoint {exc}", file=sys.stderr)
        return 1
    return 0


async def _serve_http(app: AsyncApp, host: str, port: int, who: str, stop: asyncio.Event,
                      started: asyncio.Event | None, settings: Settings, service: ObservedService) -> int:
    listening = False
    health = service.health(connected=lambda: listening)  # HTTP mode: "connected" means serving Slack
    web_app = app.web_app(path=EVENTS_PATH, port=port)
    web_app.add_routes(health_routes(health, service.prometheus))  # /healthz and /metrics on the Slack port too
    if settings.web_port == port:  # the pages on the Slack port too
        from adapters.web.pages.serve import install_pages, site_for

        install_pages(web_app, site_for(service, settings))
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as exc:
            print(f"Cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        try:
            async with bot_servers(settings, service, health, service.prometheus, already_on=port):
                listening = True
                log.info("serving Slack as %s on %s:%d (events at %s)", who, host, port, EVENTS_PATH)
                if started is not None:
                    started.set()
                await stop.wait()
        except ServeError as exc:
            print(f"Counterpoint {exc}", file=sys.stderr)
            return 1
    finally:
        await runner.cleanup()
    return 0


def run(settings: Settings, port: int) -> int:
    """Blocking entry point for `counterpoint run slack`."""
    try:
        return asyncio.run(run_slack(settings, port))
    except KeyboardInterrupt:
        return 130
