"""`/healthz` (200 or 503 with the facts as JSON) and `/metrics` (Prometheus text), and the server for HEALTH_PORT."""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from adapters.web.server import WebServer
from bot.health.metrics import CONTENT_TYPE, Metrics
from bot.health.report import Health
from bot.settings import Settings

log = logging.getLogger(__name__)
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"


def health_routes(health: Health, metrics: Metrics) -> list[web.RouteDef]:
    """The two routes, for the health server or any other aiohttp app (Slack's HTTP mode)."""

    async def healthz(_: web.Request) -> web.Response:
        report = await health.report()
        return web.json_response(report.as_dict(), status=200 if report.ok else 503)

    async def metrics_page(_: web.Request) -> web.Response:
        return web.Response(body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE})

    return [web.get(HEALTH_PATH, healthz), web.get(METRICS_PATH, metrics_page)]


@asynccontextmanager
async def health_server(settings: Settings, health: Health, metrics: Metrics,
                        *, already_on: int | None = None) -> AsyncIterator[WebServer | None]:
    """Serve the routes on HEALTH_PORT while the block runs; nothing when it is unset or is `already_on`."""
    port = settings.health_port
    if port is None or port == already_on:
        yield None
        return
    server = WebServer()
    server.add_routes(health_routes(health, metrics))
    await server.start(settings.health_host, port)
    log.info("health and metrics at http://%s:%d%s and %s", settings.health_host, server.port, HEALTH_PATH,
             METRICS_PATH)
    try:
        yield server
    finally:
        await server.stop()
