"""The web pages over real HTTP: the home page and search, arguments, quote links, sources, the map."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from adapters.web.pages.site import SEARCH_CONTEXT
from adapters.web.pages.sourcetext import source_blocks
from bot.messages import Command
from bot.service.service import CounterpointService
from bot.textnorm import quote_parts, tokens
from bot.weblinks import quote_path
from web_helpers import CLAIM, XSS_ID, Elements, esc, fetch, public_arguments
from web_helpers import web  # noqa: F401  (fixture)

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_home_lists_every_topic_and_argument_with_a_strict_policy_and_no_cookie(web):
    http, service, _, _ = web
    resp, body = await fetch(http, "/")
    assert resp.status == 200 and resp.content_type == "text/html"
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script" not in csp and "unsafe" not in csp
    assert "frame-ancestors 'none'" in csp and resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in resp.headers
    page = Elements(body)
    assert not page.find("script") and not [a for _, a in page.tags if "style" in a]  # nothing inline to allow
    links = {a["href"] for a in page.find("a")}
    arguments = public_arguments(service)
    assert len(arguments) > 80 and all(f"/arguments/{a.id}" in links for a in arguments)
    assert all(f"/map/{t}" in links for t in service.matcher.argmap.topics())
    assert page.find("main") and page.find("nav") and page.find("h1") and page.find("form", role="search")
    [css] = page.find("link", rel="stylesheet")
    resp, text = await fetch(http, css["href"])
    assert resp.status == 200 and resp.content_type == "text/css" and "prefers-color-scheme: dark" in text


async def test_search_gives_the_answer_the_bot_gives(web):
    http, service, _, _ = web
    expected = await CounterpointService.handle_command(service, Command("argue", tuple(CLAIM.split()),
                                                                         SEARCH_CONTEXT))
    assert len(expected.cards) >= 2 and expected.title
    resp, body = await fetch(http, "/", params={"q": CLAIM})
    assert resp.status == 200
    page = Elements(body)
    answer = body[body.index('class="answer"'):body.index('class="toc"')]
    shown = re.findall(r'<h3>.*?href="/arguments/([^"]+)"', answer, re.S)
    assert shown == [c.argument_id for c in expected.cards]
    assert esc(expected.title) in answer
    for card in expected.cards:
        assert esc(card.quote.text) in answer
    assert page.find("input", name="q", value=CLAIM)
    resp, body = await fetch(http, "/", params={"q": "   "})
    assert resp.status == 200 and 'class="answer"' not in body  # a blank search is just the home page


async def test_argument_page_shows_each_quote_with_its_place_and_both_directions_of_answers(web):
    http, service, _, _ = web
    argmap = service.matcher.argmap
    restored = next(a for a in argmap if any(q.restored for q in a.quotes))
    linked = next(a for a in argmap if any(q.url for q in a.quotes))
    for argument in {a.id: a for a in (restored, linked, argmap.get("misuse-bioweapons"))}.values():
        resp, body = await fetch(http, f"/arguments/{argument.id}")
        assert resp.status == 200
        page = Elements(body)
        assert esc(argument.claim) in body
        for i, quote in enumerate(argument.quotes):
            assert esc(quote.text) in body
            if quote.speaker:
                assert esc(quote.speaker) in body
            if quote.locator:
                assert esc(quote.locator) in body
            if quote.url:
                assert page.find("a", href=quote.url)
            if quote.restored:
                assert esc(quote.original_text) in body and "Restored" in body
        in_source = [a["href"] for a in page.find("a", class_="in-source")]
        assert len(in_source) == len(argument.quotes)
        assert all(h.startswith(f"/sources/{q.source_id}?quote={argument.id}.{i}#p")
                   for i, (h, q) in enumerate(zip(in_source, argument.quotes)))
        answered = body[body.index('id="answered-title"'):body.index('id="answers-title"')]
        assert all(f'href="/arguments/{c}"' in answered for c in argument.counters)
        answers = body[body.index('id="answers-title"'):]
        assert all(f'href="/arguments/{a.id}"' in answers for a in argmap if argument.id in a.counters
                   and a.workspace_id is None)
    resp, body = await fetch(http, "/arguments/misuse-bioweapons")
    assert f'href="/arguments/{XSS_ID}"' in body  # the shared moderator argument that answers it


async def test_a_quote_link_redirects_to_its_highlighted_passage_in_the_source(web):
    http, service, _, _ = web
    argument = service.matcher.argmap.get("misuse-bioweapons")
    quote = argument.quotes[0]
    resp, _ = await fetch(http, quote_path(argument.id, 0))
    assert resp.status == 302
    location = resp.headers["Location"]
    match = re.fullmatch(rf"/sources/{quote.source_id}\?quote=misuse-bioweapons\.0#(p\d+)", location)
    assert match
    resp, body = await fetch(http, location.split("#")[0])
    assert resp.status == 200
    anchor = match.group(1)
    passage = body[body.index(f'id="{anchor}"'):]
    passage = passage[:passage.index("</span>", passage.index("</mark>"))]
    marked = " ".join(re.findall(r"<mark>(.*?)</mark>", passage, re.S))
    assert tokens(html.unescape(marked)) == tokens(quote.text)
    assert 'class="block quoted"' in body and "misuse-bioweapons" in body
    for path in (quote_path("misuse-bioweapons", 99), quote_path("no-such-argument", 0)):
        resp, _ = await fetch(http, path)
        assert resp.status == 404


async def test_every_quote_is_found_and_marked_in_its_source(web):
    _, service, _, _ = web
    corpus = service.corpus
    checked = 0
    for argument in public_arguments(service):
        for quote in argument.quotes:
            if quote.moderator_supplied:
                continue
            blocks = source_blocks(corpus.indexes[quote.source_id], quote)
            views = [v for b in blocks for v in b.passages if v.quoted]
            assert views, f"{argument.id}: quote not found in {quote.source_id}"
            marked = " ".join(p.text for v in views for p in (v.original or v.pieces) if p.marked)
            found = tokens(marked)
            for part in quote_parts(quote.original_text or quote.text):  # elided parts, in order
                assert " ".join(part) in " ".join(found), f"{argument.id}: {part} not marked"
            checked += 1
    assert checked > 100


async def test_source_page_anchors_every_passage_with_its_locator(web):
    http, service, _, _ = web
    for source_id in service.corpus.sources:
        resp, body = await fetch(http, f"/sources/{source_id}")
        assert resp.status == 200
        page = Elements(body)
        passages = service.corpus.passages_of(source_id)
        spans = {a["id"]: a for a in page.find("span") if (a.get("id") or "").startswith("p")}
        assert list(spans) == [f"p{p.index}" for p in passages]
        assert all(spans[f"p{p.index}"]["data-locator"] == (p.locator or "") for p in passages)
        assert "<mark>" not in body
    resp, body = await fetch(http, "/sources/001")
    assert "The copy reads" in body and "unfastened root" in body  # restored, and the words as they stand


async def test_map_draws_one_clickable_node_per_argument_and_the_answers(web):
    http, service, _, _ = web
    argmap = service.matcher.argmap
    resp, body = await fetch(http, "/map")
    assert resp.status == 200
    nodes = Elements(body).find("a", **{"data-argument-id": XSS_ID})
    assert nodes and nodes[0]["href"] == f"/arguments/{XSS_ID}" and "side-open" in nodes[0]["class"]
    ids = [a["data-argument-id"] for a in Elements(body).find("a") if a.get("data-argument-id")]
    assert sorted(ids) == sorted(a.id for a in public_arguments(service))
    resp, body = await fetch(http, "/map/misuse")
    page = Elements(body)
    topic = {a.id for a in public_arguments(service) if a.topic == "misuse"}
    drawn = [a for a in page.find("a") if a.get("data-argument-id")]
    assert sorted(a["data-argument-id"] for a in drawn) == sorted(topic)
    assert all(a["class"] == f"node side-{argmap.get(a['data-argument-id']).stance}" for a in drawn)
    answers = {(a.id, c) for a in argmap if a.id in topic for c in a.counters if c in topic}  # c answers a
    edges = {(e["data-to"], e["data-from"]) for e in page.find("path") if e.get("data-from")}
    mutual = {(a, c) for a, c in answers if (c, a) in answers}
    assert edges | {(c, a) for a, c in edges if (a, c) in mutual} >= answers and edges <= answers
    resp, _ = await fetch(http, "/map/no-such-topic")
    assert resp.status == 404


async def test_readme_shows_the_screenshots():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for name in ("home", "argument", "source", "map"):
        assert f"docs/screenshots/{name}.png" in readme
        assert (Path(__file__).resolve().parent.parent / "docs" / "screenshots" / f"{name}.png").is_file()
