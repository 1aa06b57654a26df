"""`counterpoint web`: serve the pages alone, for the configured corpus and database, until stopped."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

from adapters.web.pages.serve import install_pages, site_for
from adapters.web.server import WebServer
from bot.errors import CounterpointError
from bot.exitcodes import ExitCode, exit_code_for
from bot.service.service import CounterpointService
from bot.settings import Settings

log = logging.getLogger(__name__)
DEFAULT_PORT = 8000


async def serve_pages(settings: Settings, host: str, port: int, *, stop: asyncio.Event | None = None,
                      started: asyncio.Event | None = None) -> int:
    """Serve until `stop` is set (or SIGINT/SIGTERM); the exit code."""
    try:
        service = await CounterpointService.start(settings)
    except CounterpointError as exc:
        print(f"counterpoint: {exc}", file=sys.stderr)
        return exit_code_for(exc)
    server = WebServer()
    install_pages(server.app, site_for(service, settings))
    try:
        try:
            await server.start(host, port)
        except OSError as exc:
            print(f"counterpoint: cannot serve the web pages on {host}:{port}: {exc.strerror or exc}",
                  file=sys.stderr)
            return ExitCode.ERROR
        if stop is None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(sig, stop.set)
        log.info("web pages at http://%s:%d/ (%d arguments)", host, server.port, len(service.matcher.argmap))
        if started is not None:
            started.set()
        await stop.wait()
        return ExitCode.OK
    finally:
        await server.stop()
        await service.close()


def run(settings: Settings, host: str | None, port: int | None) -> int:
    """Blocking entry point of `counterpoint web`."""
    port = port if port is not None else settings.web_port or DEFAULT_PORT
    try:
        return asyncio.run(serve_pages(settings, host or settings.web_host, port))
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
