"""A small aiohttp server that any part can add routes to before it starts (health now, web pages later)."""
from __future__ import annotations

import logging
from collections.abc import Iterable

from aiohttp import web

log = logging.getLogger(__name__)


class WebServer:
    """`add_routes(...)`, then `await start(host, port)`; `await stop()` when done."""

    def __init__(self, app: web.Application | None = None) -> None:
        self.app = app or web.Application()
        self._runner: web.AppRunner | None = None
        self.host = ""
        self.port = 0

    def add_routes(self, routes: Iterable[web.AbstractRouteDef]) -> None:
        self.app.add_routes(list(routes))

    async def start(self, host: str, port: int) -> None:
        """Listen on host:port (port 0: any free port, then read `port`); OSError if it cannot."""
        runner = web.AppRunner(self.app, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.host = host
        addresses = runner.addresses
        self.port = int(addresses[0][1]) if addresses else port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
