"""The bot's HTTP servers: /healthz and /metrics on HEALTH_PORT, the pages on WEB_PORT, one server if equal."""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from adapters.web.health import health_routes
from adapters.web.server import WebServer
from bot.health.metrics import Metrics
from bot.health.report import Health
from bot.service.service import CounterpointService
from bot.settings import Settings

log = logging.getLogger(__name__)


class ServeError(OSError):
    """A port could not be served; says which setting, where and why."""

    def __init__(self, setting: str, host: str, port: int, exc: OSError):
        super().__init__(f"cannot serve {setting} on {host}:{port}: {exc.strerror or exc}")


async def _started(server: WebServer, setting: str, host: str, port: int) -> WebServer:
    try:
        await server.start(host, port)
    except OSError as exc:
        raise ServeError(setting, host, port, exc) from exc
    return server


@asynccontextmanager
async def bot_servers(settings: Settings, service: CounterpointService, health: Health, metrics: Metrics,
                      *, already_on: int | None = None) -> AsyncIterator[list[WebServer]]:
    """Serve HEALTH_PORT and WEB_PORT while the block runs (ServeError if one cannot be); a port equal to
    `already_on` is left out (Slack's HTTP server has those routes itself)."""
    from adapters.web.pages.serve import install_pages, site_for  # the pages load jinja2 and networkx

    health_port, web_port = settings.health_port, settings.web_port
    servers: list[WebServer] = []
    async with AsyncExitStack() as stack:
        if health_port is not None and health_port != already_on:
            server = WebServer()
            server.add_routes(health_routes(health, metrics))
            if web_port == health_port:
                install_pages(server.app, site_for(service, settings))
            servers.append(await _started(server, "HEALTH_PORT", settings.health_host, health_port))
            stack.push_async_callback(server.stop)
            log.info("health and metrics at http://%s:%d/healthz%s", settings.health_host, server.port,
                     " with the web pages" if web_port == health_port else "")
        if web_port is not None and web_port not in (already_on, health_port):
            server = WebServer()
            install_pages(server.app, site_for(service, settings))
            servers.append(await _started(server, "WEB_PORT", settings.web_host, web_port))
            stack.push_async_callback(server.stop)
            log.info("web pages at http://%s:%d/", settings.web_host, server.port)
        yield servers
