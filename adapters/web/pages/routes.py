"""The page routes (GET only): home and search, arguments, quotes, sources, the map, private debates."""
from __future__ import annotations

from aiohttp import web

from bot.argmap.types import Argument, ArgumentMap
from bot.weblinks import debate_link_valid

from adapters.web.pages.graph import SIDES, picture
from adapters.web.pages.places import card_place, quote_place, quoted
from adapters.web.pages.render import render
from adapters.web.pages.security import css_route
from adapters.web.pages.site import Site
from adapters.web.pages.sourcetext import source_blocks

HTML = "text/html"


def page(template: str, *, status: int = 200, **context: object) -> web.Response:
    return web.Response(text=render(template, **context), status=status, content_type=HTML, charset="utf-8")


def not_found(what: str = "That page does not exist.") -> web.Response:
    return page("error.html.j2", status=404, title="Not found", message=what)


def by_side(arguments: list[Argument]) -> dict[str, list[Argument]]:
    return {side: [a for a in arguments if a.stance == side] for side in SIDES}


def topics(argmap: ArgumentMap) -> list[tuple[str, dict[str, list[Argument]]]]:
    return [(t, by_side([a for a in argmap if a.topic == t])) for t in argmap.topics()]


def page_routes(site: Site) -> list[web.RouteDef]:
    """The routes, for the pages' own server or any other aiohttp app (health's, Slack's)."""

    async def home(request: web.Request) -> web.Response:
        query = " ".join(request.query.get("q", "").split())
        argmap = site.argmap
        reply = places = None
        if query:
            reply = await site.search(query)
            places = [card_place(site.corpus, argmap, c) for c in reply.cards]
        return page("home.html.j2", query=query, reply=reply, places=places, topics=topics(argmap),
                    count=len(argmap), sources=site.corpus.sources)

    async def argument(request: web.Request) -> web.Response:
        argmap = site.argmap
        found = argmap.get(request.match_info["argument_id"])
        if found is None:
            return not_found("There is no argument with that id.")
        answers = [a for a in argmap if found.id in a.counters]  # those it answers list it as a counter
        answered_by = [c for c in (argmap.get(i) for i in found.counters) if c is not None]
        places = [quote_place(site.corpus, found, i) for i in range(len(found.quotes))]
        return page("argument.html.j2", argument=found, places=places, answers=answers, answered_by=answered_by,
                    sources=site.corpus.sources)

    async def quote(request: web.Request) -> web.Response:
        number = request.match_info["index"]
        target = quoted(site.argmap, f"{request.match_info['argument_id']}.{number}")
        if target is None:
            return not_found("There is no such quote.")
        argument, index, _ = target
        raise web.HTTPFound(quote_place(site.corpus, argument, index) or f"/arguments/{argument.id}")

    async def source(request: web.Request) -> web.Response:
        source_id = request.match_info["source_id"]
        index = site.corpus.indexes.get(source_id)
        if index is None:
            return not_found("There is no source with that id.")
        target = quoted(site.argmap, request.query.get("quote"))
        if target is not None and target[2].source_id != source_id:
            target = None
        blocks = source_blocks(index, target[2] if target else None)
        return page("source.html.j2", source=index.source, blocks=blocks, target=target,
                    quoted_at=next((b.anchor for b in blocks if b.quoted), None))

    async def whole_map(_: web.Request) -> web.Response:
        argmap = site.argmap
        return page("map.html.j2", topic=None, picture=picture(argmap), topics=argmap.topics(), outside=[])

    async def topic_map(request: web.Request) -> web.Response:
        argmap = site.argmap
        topic = request.match_info["topic"]
        if topic not in argmap.topics():
            return not_found("There is no topic with that name.")
        mine = {a.id for a in argmap if a.topic == topic}
        outside = [(a, [argmap.get(c) for c in a.counters if c not in mine]) for a in argmap if a.id in mine]
        return page("map.html.j2", topic=topic, picture=picture(argmap, topic), topics=argmap.topics(),
                    outside=[(a, cs) for a, cs in outside if cs])

    async def debate(request: web.Request) -> web.Response:
        debate_id = request.match_info["debate_id"]
        valid = site.secret and debate_link_valid(site.secret, debate_id, request.query.get("exp"),
                                                  request.query.get("sig"))
        view = await site.debate(debate_id) if valid else None
        if view is None:  # a bad signature and an unknown debate look the same
            return not_found()
        argmap = site.argmap
        response = page("debate.html.j2", view=view, claims={a.id: a.claim for a in argmap},
                        raised_claims={r.argument_id: r.claim for r in view.raised})
        response.headers.update({"Cache-Control": "no-store", "X-Robots-Tag": "noindex"})  # private, expiring
        return response

    return [
        web.get("/", home),
        web.get("/arguments/{argument_id}", argument),
        web.get("/quotes/{argument_id}/{index:[0-9]{1,4}}", quote),
        web.get("/sources/{source_id}", source),
        web.get("/map", whole_map),
        web.get("/map/{topic}", topic_map),
        web.get("/debates/{debate_id}", debate),
        css_route(),
    ]

