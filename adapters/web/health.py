"""`/healthz` (200 or 503 with the facts as JSON) and `/metrics` (Prometheus text); adapters/web/servers.py serves them."""
from __future__ import annotations

from aiohttp import web

from bot.health.metrics import CONTENT_TYPE, Metrics
from bot.health.report import Health

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
