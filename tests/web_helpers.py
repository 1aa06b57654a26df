"""What the web page tests share: a database with a markup-laden shared argument and a debate, and the server."""
from __future__ import annotations

import socket
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import aiohttp
import pytest_asyncio
from markupsafe import escape

from adapters.web.pages.serve import install_pages, site_for
from adapters.web.server import WebServer
from bot.argmap.types import Argument, Quote
from bot.corpus import Corpus
from bot.db.engine import Database
from bot.db.migrate import upgrade_database
from bot.db.repos.arguments import add_moderator_argument, add_moderator_link
from bot.reply import Placement
from bot.settings import Settings
from service_helpers import CH, WS, cmd, make_settings, msg, rows

SECRET = "web-test-secret"
XSS_ID = "shared-markup-claim"
XSS_CLAIM = '<script>alert("xss")</script> Closed weights & <b>"safety"</b> <img src=x onerror=alert(2)> matter'
XSS_URL = "javascript:alert(3)"
MOTION = "<img src=x onerror=alert(1)> Open-weight AI models should be released to the public"
THREAD = "T-web"
CLAIM = "open weights just hand terrorists a bioweapon recipe"
# debate messages: their words and their authors' names must never reach the debate page
ALICE = "Open-sourcing these models is reckless: terrorists could use them to make biological weapons."
BOB = "If everyone has similar models, governments with more compute can keep bad actors in check."
PRIVATE_WORDS = ("alice", "bob", "reckless", "terrorists could use them", "similar models, governments")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def markup_argument(corpus: Corpus) -> Argument:
    """A moderator argument shared by every workspace (workspace None) whose claim and link are hostile."""
    verbatim = corpus.resolve_quote("000", corpus.passages_of("000")[13].text)
    elsewhere = Quote(text="<script>document.title='pwned'</script> quoted from a page", source_id="moderator",
                      source_title="<b>example.org</b>", url=XSS_URL, moderator_supplied=True)
    return Argument(id=XSS_ID, claim=XSS_CLAIM, stance="open", topic="misuse", quotes=(verbatim, elsewhere),
                    origin="moderator", workspace_id=None)


async def seed_database(settings: Settings, corpus: Corpus) -> None:
    """Before the service starts: the shared markup argument, answering misuse-bioweapons."""
    url = settings.effective_database_url
    await upgrade_database(url)
    db = Database(url)
    now = datetime(2024, 7, 24, 12, 0, tzinfo=timezone.utc)
    try:
        async with db.write() as session:
            await add_moderator_argument(session, markup_argument(corpus), created_by="test", now=now)
            await add_moderator_link(session, "misuse-bioweapons", XSS_ID, workspace_id=None,  # type: ignore[arg-type]
                                     created_by="test", now=now)
    finally:
        await db.dispose()


async def hold_debate(service, settings: Settings) -> int:
    """A debate with two participants who each raise an argument; its id."""
    reply = await service.handle_command(cmd("debate", f"start {MOTION}"))
    assert reply.placement is Placement.NEW_THREAD, reply.body
    await service.reply_posted(reply, platform="test", workspace_id=WS, channel_id=CH, thread_id=THREAD,
                               message_ids=["P-motion"])
    for user, text in (("alice", ALICE), ("bob", BOB)):
        await service.handle_message(msg(text, user=user, thread=THREAD))
    [(debate_id,)] = rows(settings, "SELECT id FROM debates")
    assert rows(settings, "SELECT count(*) FROM debate_events") == [(2,)]
    return int(debate_id)


def db_path(settings: Settings) -> Path:
    return Path(settings.effective_database_url.split("///", 1)[1])


def esc(text: str) -> str:
    """Text as the templates write it."""
    return str(escape(text))


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of the document."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def web(tmp_path_factory, corpus):
    """One service (a seeded SQLite file with a debate) and its pages on a free port."""
    from bot.health.observed import ObservedService

    settings = make_settings(tmp_path_factory.mktemp("web"), web_secret=SECRET)
    await seed_database(settings, corpus)
    service = await ObservedService.start(settings, corpus=corpus)
    debate_id = await hold_debate(service, settings)
    server = WebServer()
    install_pages(server.app, site_for(service, settings))
    await server.start("127.0.0.1", 0)
    http = aiohttp.ClientSession(f"http://127.0.0.1:{server.port}")
    yield http, service, settings, debate_id
    await http.close()
    await server.stop()
    await service.close()


async def fetch(http: aiohttp.ClientSession, path: str, **kwargs) -> tuple[aiohttp.ClientResponse, str]:
    async with http.get(path, allow_redirects=False, **kwargs) as resp:
        return resp, await resp.text()


def public_arguments(service) -> list:
    return [a for a in service.matcher.argmap if a.workspace_id is None]
