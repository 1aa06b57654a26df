"""Putting the pages on an aiohttp app, for a running service and its settings."""
from __future__ import annotations

from aiohttp import web

from bot.service.service import CounterpointService
from bot.settings import Settings

from adapters.web.pages.routes import page_routes
from adapters.web.pages.security import secure_headers
from adapters.web.pages.site import Site


def site_for(service: CounterpointService, settings: Settings) -> Site:
    secret = settings.web_secret.get_secret_value().strip() if settings.web_secret else ""
    return Site(service, secret or None)


def install_pages(app: web.Application, site: Site) -> None:
    """Add the page routes and the security headers to `app` (before it starts)."""
    app.add_routes(page_routes(site))
    app.on_response_prepare.append(secure_headers)
