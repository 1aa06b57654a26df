"""Headers every page response carries (a strict CSP, no framing, no referrer) and the one stylesheet."""
from __future__ import annotations

import hashlib
from pathlib import Path

from aiohttp import web

STATIC = Path(__file__).with_name("static")
CSS = (STATIC / "site.css").read_bytes()
CSS_PATH = f"/static/site.{hashlib.sha256(CSS).hexdigest()[:10]}.css"  # the name changes with the content
# no script at all, styles only from our own stylesheet, forms only to ourselves, never inside a frame
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a debate link's signature never leaves in a Referer
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


async def secure_headers(_: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: the headers above, and never a cookie."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.popall("Set-Cookie", None)


def css_route() -> web.RouteDef:
    async def stylesheet(_: web.Request) -> web.Response:
        return web.Response(body=CSS, content_type="text/css", charset="utf-8",
                            headers={"Cache-Control": "public, max-age=31536000, immutable"})

    return web.get(CSS_PATH, stylesheet)
