"""What the pages read from a running service: corpus, the public argument map, search, debates."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.argmap.types import Argument, ArgumentMap
from bot.corpus import Corpus
from bot.messages import Command, CommandContext
from bot.reply import Reply
from bot.service.debate_view import DebateView, debate_view
from bot.service.service import CounterpointService

SEARCH_MAX_CHARS = 500
# a search is answered as `argue` in a workspace of its own, so no chat workspace's own arguments show
SEARCH_CONTEXT = CommandContext(platform="web", workspace_id="web", channel_id="search", user_id="web",
                                user_name="web")


def public_map(argmap: ArgumentMap) -> ArgumentMap:
    """The arguments every workspace sees (curated and shared moderator ones), links among them only."""
    shown = {a.id: a for a in argmap if a.workspace_id is None}
    return ArgumentMap({i: _only_links_to(a, shown) for i, a in shown.items()})


def _only_links_to(argument: Argument, shown: dict[str, Argument]) -> Argument:
    kept = tuple(c for c in argument.counters if c in shown)
    return argument if kept == argument.counters else replace(argument, counters=kept)


@dataclass
class Site:
    """One service seen by the pages; `secret` signs debate links (None: every debate page is a 404)."""

    service: CounterpointService
    secret: str | None = None
    _cached: tuple[object, ArgumentMap] | None = field(default=None, init=False, repr=False)

    @property
    def corpus(self) -> Corpus:
        return self.service.corpus

    @property
    def argmap(self) -> ArgumentMap:
        """The public map of the matcher in use now (a reload swaps the matcher, which renews this)."""
        live = self.service.matcher.argmap
        if self._cached is None or self._cached[0] is not live:
            self._cached = (live, public_map(live))
        return self._cached[1]

    async def search(self, text: str) -> Reply:
        """The bot's `argue` answer to `text`."""
        words = tuple(text[:SEARCH_MAX_CHARS].split())
        # the base class's handler: a web search is not a chat command, so it is not counted as one
        return await CounterpointService.handle_command(self.service, Command("argue", words, SEARCH_CONTEXT))

    async def debate(self, debate_id: str) -> DebateView | None:
        return await debate_view(self.service.db, self.service.matcher.argmap, debate_id)
