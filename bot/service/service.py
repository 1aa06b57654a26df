"""CounterpointService: the facade adapters call; opens storage, loads the corpus, dispatches commands."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy import text

from bot.corpus import Corpus, load_corpus
from bot.db.engine import Database
from bot.db.migrate import upgrade_database
from bot.db.repos import state as state_repo
from bot.db.repos.arguments import moderator_arguments, moderator_links
from bot.db.repos.corpus_sync import corpus_is_current, sync_corpus
from bot.db.types import utcnow
from bot.match.matcher import Matcher
from bot.messages import Command, IncomingMessage, Reaction
from bot.reply import Reply
from bot.service import auto_replies, feedback, member_commands
from bot.service.argsync import new_matcher, reload_arguments
from bot.service.autoreply import autoreply_command
from bot.service.cards import error
from bot.service.core import Clock, ServiceCore
from bot.service.debates import debate_command
from bot.service.links import with_links
from bot.service.moderation import argument_command
from bot.service.outage import HeldMessages
from bot.service.sync import StateSync
from bot.service.triggers import trigger_command
from bot.settings import Settings

log = logging.getLogger(__name__)
Handler = Callable[[ServiceCore, Command], Awaitable[Reply]]

HANDLERS: dict[str, Handler] = {
    "argue": member_commands.argue,
    "counter": member_commands.counter,
    "quote": member_commands.quote,
    "sources": member_commands.sources,
    "topics": member_commands.topics,
    "help": member_commands.help_,
    "debate": debate_command,
    "trigger": trigger_command,
    "autoreply": autoreply_command,
    "argument": argument_command,
}


class CounterpointService:
    """Platform-neutral behaviour of the bot; one instance per process."""

    MODERATOR_COMMANDS: frozenset[str] = frozenset({"debate", "trigger", "autoreply", "argument"})

    def __init__(self, core: ServiceCore):
        self._core = core
        settings = core.settings
        self.held = HeldMessages(self._probe, capacity=settings.held_messages_max,
                                 max_age=settings.held_messages_seconds)
        self.sync = StateSync(core.db, core.versions, self._state_changed, interval=settings.state_poll_seconds)

    @classmethod
    async def start(cls, settings: Settings, *, corpus: Corpus | None = None,
                    clock: Clock | None = None) -> "CounterpointService":
        """Migrate the database to head, ingest the corpus if it changed, load moderator additions."""
        url = settings.effective_database_url
        await upgrade_database(url)
        if corpus is None:
            corpus = await asyncio.to_thread(load_corpus, settings.corpus_dir)
        clock = clock or utcnow
        db = Database(url)
        try:
            if not await corpus_is_current(db, corpus):
                report = await sync_corpus(db, corpus, now=clock())
                log.info("corpus ingested: %s", report.summary().replace("\n", "; "))
            async with db.read() as session:
                versions = await state_repo.versions(session)  # first: a change made meanwhile shows as newer
                extra = await moderator_arguments(session)
                links = await moderator_links(session)
            matcher = await asyncio.to_thread(new_matcher, corpus, settings, extra, links)
        except BaseException:
            await db.dispose()
            raise
        service = cls(ServiceCore(settings=settings, db=db, corpus=corpus, matcher=matcher, clock=clock,
                                  versions=versions))
        service.sync.start()
        return service

    async def close(self) -> None:
        await self.sync.close()
        await self.held.close()
        await self._core.db.dispose()

    async def _state_changed(self, scope: str, version: int) -> None:
        """Another worker (or this one) changed shared state: reload the arguments or empty that cache."""
        self._core.counters[f"state_reloads_{scope}"] += 1
        if scope == state_repo.ARGUMENTS:
            await reload_arguments(self._core)
        else:
            self._core.forget(scope)
            self._core.versions[scope] = version

    async def _probe(self) -> None:
        async with self._core.db.read() as session:
            await session.execute(text("SELECT 1"))

    @property
    def metrics(self) -> dict[str, int]:
        """Counters for monitoring: messages held for, dropped without and answered after a database outage,
        replies released after failed posts, shared-state reloads per scope."""
        return {"messages_held": self.held.held, "messages_dropped": self.held.dropped,
                "messages_recovered": self.held.recovered, **self._core.counters}

    @property
    def matcher(self) -> Matcher:
        return self._core.matcher

    @property
    def corpus(self) -> Corpus:
        return self._core.corpus

    @property
    def db(self) -> Database:
        """The service's database (the web pages read debates through it)."""
        return self._core.db

    async def handle_message(self, msg: IncomingMessage) -> Reply | None:
        """The automatic reply to a chat message, or None (silence)."""
        try:
            reply = await self.held.run(lambda: auto_replies.handle_message(self._core, msg),
                                        label=f"{msg.platform}:{msg.channel_id}:{msg.message_id}")
            return None if reply is None else with_links(self._core, reply)
        except Exception:  # one bad message must never take the bot down
            log.exception("handling message %s failed", msg.message_id)
            return None

    async def handle_command(self, cmd: Command) -> Reply:
        """Always a Reply: the answer, or a clear error."""
        name = (cmd.name or "").strip().lower().lstrip("/")
        handler = HANDLERS.get(name)
        if handler is None:
            return error(cmd.context, f"Unknown command “{name[:40]}”. Try `help`.")
        if name in self.MODERATOR_COMMANDS:
            if cmd.context is None:
                return error(None, "This command needs a workspace and channel.")
            if not cmd.context.is_moderator:
                return error(cmd.context, f"Only moderators can use `{name}`. Ask a moderator (Discord: Manage "
                                          "Threads permission; Slack: workspace admins or configured moderators).")
        try:
            return with_links(self._core, await handler(self._core, cmd))
        except Exception:
            log.exception("command %s failed", name)
            return error(cmd.context, "Something went wrong handling that command; nothing was changed. "
                                      "Please try again.")

    async def handle_reaction(self, reaction: Reaction) -> bool:
        """True if the reaction was stored as feedback on a posted reply."""
        try:
            return await feedback.handle_reaction(self._core, reaction)
        except Exception:
            log.exception("handling reaction on %s failed", reaction.message_id)
            return False

    async def reply_posted(self, reply: Reply, *, platform: str, workspace_id: str, channel_id: str,
                           thread_id: str | None, message_ids: Sequence[str]) -> None:
        """Record the posted message ids of a reply (waiting out a short database outage first)."""
        await self.held.run(lambda: auto_replies.reply_posted(
            self._core, reply, platform=platform, workspace_id=workspace_id, channel_id=channel_id,
            thread_id=thread_id, message_ids=message_ids), label=f"{platform}:{channel_id}:posted")

    async def reply_failed(self, reply: Reply, *, platform: str, workspace_id: str, channel_id: str) -> bool:
        """None of `reply` could be posted: release its claim so a retry of the message is answered."""
        try:
            released = await self.held.run(lambda: auto_replies.reply_failed(
                self._core, reply, platform=platform, workspace_id=workspace_id, channel_id=channel_id),
                label=f"{platform}:{channel_id}:{reply.message_id}")
        except Exception:
            log.exception("releasing the reply to %s failed", reply.message_id)
            return False
        return bool(released)

    def topics(self) -> list[str]:
        return self._core.matcher.argmap.topics()

    def argument_ids(self, prefix: str = "", workspace_id: str | None = None) -> list[str]:
        prefix = prefix.lower()
        return sorted(a.id for a in self._core.matcher.argmap
                      if a.id.startswith(prefix) and self._core.visible(a, workspace_id))
