"""Bringing the matcher in line with the moderator arguments and counter links stored in the database.

Edits are copy-on-write: the matcher is copied on the event loop (nothing else touches it meanwhile), the
copy is edited in a thread through the matcher's public methods (a rebuild can take seconds with the
embedding layer), and then swapped in; messages keep being matched by the old one, never a half-built one.
"""
from __future__ import annotations

import asyncio
import logging
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from bot.argmap.types import Argument
from bot.corpus import Corpus
from bot.db.repos import state as state_repo
from bot.db.repos.arguments import argument_hash, moderator_arguments, moderator_links
from bot.match.cache import build_matcher
from bot.match.matcher import Matcher
from bot.service.core import ServiceCore
from bot.settings import Settings

log = logging.getLogger(__name__)


def new_matcher(corpus: Corpus, settings: Settings, stored: Sequence[Argument],
                links: Sequence[tuple[str, str]]) -> Matcher:
    """A matcher over the corpus plus the stored moderator arguments and links (blocking: run it in a thread)."""
    matcher = build_matcher(corpus, settings, [a for a in stored if a.id not in corpus.argmap.arguments])
    matcher.link_many(links)
    return matcher


@dataclass(frozen=True, slots=True)
class Plan:
    """The edits that turn a matcher's moderator arguments and links into the stored ones."""

    remove: tuple[str, ...]
    add: tuple[Argument, ...]
    links: tuple[tuple[str, str], ...]

    def apply(self, matcher: Matcher) -> None:
        for argument_id in self.remove:
            matcher.remove_argument(argument_id)
        for argument in self.add:  # oldest first, as stored
            matcher.add_argument(argument)
        matcher.link_many(self.links)


def plan(matcher: Matcher, corpus: Corpus, stored: Sequence[Argument],
         links: Sequence[tuple[str, str]]) -> Plan | None:
    """What to change in `matcher`, or None when it already has exactly these arguments and links."""
    wanted = {a.id: replace(a, counters=()) for a in stored if a.id not in corpus.argmap.arguments}
    current = {a.id: a for a in matcher.argmap if a.origin == "moderator"}
    changed = {i for i in current.keys() & wanted.keys() if argument_hash(current[i]) != argument_hash(wanted[i])}
    known = set(wanted) | set(corpus.argmap.arguments)
    expected = {(a.id, c) for a in corpus.argmap for c in a.counters}
    expected |= {(a, c) for a, c in links if a in known and c in known}
    actual = {(a.id, c) for a in matcher.argmap for c in a.counters}
    # a link the database no longer has (its argument was removed and re-added meanwhile) goes with the
    # moderator argument at either end: that argument is taken out and put back
    stale = {a if a in wanted else c for a, c in actual - expected
             if a in known and c in known and (a in wanted or c in wanted)}
    remove = (current.keys() - wanted.keys()) | changed | (stale & current.keys())
    add = tuple(a for i, a in wanted.items() if i not in current or i in remove)
    if not remove and not add and expected <= actual:
        return None
    return Plan(tuple(sorted(remove)), add, tuple(links))


def _copy(matcher: Matcher) -> Matcher:
    """An independent copy (call on the event loop); it shares only the loaded embedding model."""
    clone: Matcher = pickle.loads(pickle.dumps(matcher, protocol=pickle.HIGHEST_PROTOCOL))
    semantic, copied = getattr(matcher, "semantic", None), getattr(clone, "semantic", None)
    if semantic is not None and copied is not None:
        copied.embedder = semantic.embedder
    return clone


async def edit_matcher(core: ServiceCore, edit: Callable[[Matcher], object]) -> None:
    """Apply `edit` to a copy of the matcher in a thread, then swap the copy in (hold `arguments_lock`)."""
    clone = _copy(core.matcher)
    await asyncio.to_thread(edit, clone)
    core.matcher = clone


async def reload_arguments(core: ServiceCore) -> bool:
    """Read the moderator arguments and links (and their version) and bring the matcher in line.
    True if the matcher changed."""
    async with core.arguments_lock:
        async with core.db.read() as session:
            version = (await state_repo.versions(session)).get(state_repo.ARGUMENTS, 0)
            stored = await moderator_arguments(session)
            links = await moderator_links(session)
        edits = plan(core.matcher, core.corpus, stored, links)
        if edits is not None:
            await edit_matcher(core, edits.apply)
        core.versions[state_repo.ARGUMENTS] = version
    if edits is not None:
        log.info("moderator arguments changed: %d removed, %d added, %d links", len(edits.remove), len(edits.add),
                 len(edits.links))
    return edits is not None
