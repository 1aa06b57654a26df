"""The web pages' safety and privacy: markup shown as text, signed debate pages, 404s, and the ports they share."""
from __future__ import annotations

import re
import time

import aiohttp
import pytest

from adapters.web.pages.serve import install_pages, site_for
from adapters.web.server import WebServer
from adapters.web.servers import bot_servers
from bot.weblinks import debate_url
from web_helpers import (CLAIM, MOTION, PRIVATE_WORDS, SECRET, XSS_CLAIM, XSS_ID, XSS_URL, Elements, esc, fetch,
                         free_port)
from web_helpers import web  # noqa: F401  (fixture)

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_markup_from_a_moderator_argument_is_shown_as_text(web):
    http, _, _, _ = web
    for path in (f"/arguments/{XSS_ID}", "/map", "/map/misuse", "/arguments/misuse-bioweapons", "/"):
        resp, body = await fetch(http, path)
        assert resp.status == 200
        page = Elements(body)
        assert not page.find("script") and not page.find("img") and not page.find("b"), path
        assert not [a for _, a in page.tags if any(k.startswith("on") for k in a)], path
        assert "&lt;script&gt;" in body, path
    resp, body = await fetch(http, f"/arguments/{XSS_ID}")
    assert esc(XSS_CLAIM) in body
    assert XSS_URL not in [a.get("href") for a in Elements(body).find("a")]  # never a javascript: link
    assert "moderator-supplied" in body


async def test_debate_page_needs_a_valid_signature_and_shows_no_chat_text_or_names(web):
    http, service, settings, debate_id = web
    path = debate_url("", SECRET, debate_id)
    resp, body = await fetch(http, path)
    assert resp.status == 200 and resp.headers["Cache-Control"] == "no-store"
    assert esc(MOTION) in body and not Elements(body).find("img")
    assert re.search(r"\b2 participants\b", body)
    lowered = body.lower()
    assert not [w for w in PRIVATE_WORDS if w in lowered]
    assert 'href="/arguments/misuse-bioweapons"' in body  # alice's argument, by its claim
    raised = body[body.index('id="raised-title"'):body.index('id="unanswered-title"')]
    assert "/arguments/misuse-bioweapons" in raised and "/arguments/misuse-compute-checks-bad-actors" in raised
    unanswered = body[body.index('id="unanswered-title"'):]
    missing = [c.id for c in service.matcher.argmap.countered_by("misuse-bioweapons")
               if c.id != "misuse-compute-checks-bad-actors" and c.workspace_id is None]
    assert missing and all(f"/arguments/{c}" in unanswered for c in missing)
    expired = debate_url("", SECRET, debate_id, now=time.time() - 8 * 24 * 3600)
    wrong = debate_url("", "another-secret", debate_id)
    other = debate_url("", SECRET, debate_id + 1)
    unsigned = f"/debates/{debate_id}"
    tampered = path.replace(f"/debates/{debate_id}?", f"/debates/{debate_id + 1}?")
    for bad in (expired, wrong, other, unsigned, tampered, path + "0", "/debates/x?exp=1&sig=0"):
        resp, body = await fetch(http, bad)
        assert resp.status == 404, bad
        assert esc(MOTION) not in body


async def test_without_web_secret_every_debate_page_is_a_404(web, tmp_path):
    _, service, settings, debate_id = web
    server = WebServer()
    install_pages(server.app, site_for(service, settings.model_copy(update={"web_secret": None})))
    await server.start("127.0.0.1", 0)
    try:
        async with aiohttp.ClientSession(f"http://127.0.0.1:{server.port}") as http:
            for secret in (SECRET, ""):
                resp, _ = await fetch(http, debate_url("", secret, debate_id))
                assert resp.status == 404
    finally:
        await server.stop()


async def test_unknown_pages_are_404_and_nothing_can_be_posted(web):
    http, _, _, _ = web
    for path in ("/arguments/nope", "/sources/nope", "/map/nope", "/quotes/nope/0", "/nope", "/quotes/a/b"):
        resp, body = await fetch(http, path)
        assert resp.status == 404, path
        assert "default-src 'none'" in resp.headers["Content-Security-Policy"]
    async with http.post("/", data={"q": CLAIM}) as resp:
        assert resp.status == 405
    async with http.get("/sources/000", params={"quote": "<b>.0"}) as resp:
        assert resp.status == 200 and "<b>" not in await resp.text()


async def test_bot_servers_share_one_port_for_health_and_pages_or_use_two(web):
    _, service, settings, _ = web
    health = service.health(connected=lambda: True)
    shared = free_port()
    one = settings.model_copy(update={"health_port": shared, "web_port": shared, "health_host": "127.0.0.1"})
    async with bot_servers(one, service, health, service.prometheus) as servers:
        assert len(servers) == 1
        async with aiohttp.ClientSession(f"http://127.0.0.1:{shared}") as http:
            assert (await fetch(http, "/healthz"))[0].status == 200
            assert (await fetch(http, "/map"))[0].status == 200
    health_port, web_port = free_port(), free_port()
    two = settings.model_copy(update={"health_port": health_port, "web_port": web_port, "health_host": "127.0.0.1",
                                      "web_host": "127.0.0.1"})
    async with bot_servers(two, service, health, service.prometheus) as servers:
        assert len(servers) == 2
        async with aiohttp.ClientSession() as http:
            assert (await fetch(http, f"http://127.0.0.1:{web_port}/"))[0].status == 200
            assert (await fetch(http, f"http://127.0.0.1:{web_port}/healthz"))[0].status == 404
            assert (await fetch(http, f"http://127.0.0.1:{health_port}/"))[0].status == 404
    async with bot_servers(two, service, health, service.prometheus, already_on=web_port) as servers:
        assert len(servers) == 1 and servers[0].port == health_port
