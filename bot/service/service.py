"""CounterpointService: the facade adapters call; opens storage, loads the corpus, dispatches commands."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from bot.corpus import Corpus, load_corpus
from bot.db.engine import Database
from bot.db.migrate import upgrade_database
from bot.db.repos.arguments import moderator_arguments, moderator_links
from bot.db.repos.corpus_sync import corpus_is_current, sync_corpus
from bot.db.types import utcnow
from bot.match.matcher import Matcher
from bot.messages import Command, IncomingMessage, Reaction
from bot.reply import Reply
from bot.service import auto_replies, feedback, member_commands
from bot.service.autoreply import autoreply_command
from bot.service.cards import error
from bot.service.core import Clock, ServiceCore
from bot.service.debates import debate_command
from bot.service.moderation import argument_command
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
                extra = await moderator_arguments(session)
                links = await moderator_links(session)
            extra = [a for a in extra if a.id not in corpus.argmap.arguments]
            matcher = await asyncio.to_thread(Matcher, corpus, settings, extra)
            matcher.link_many(links)
        except BaseException:
            await db.dispose()
            raise
        return cls(ServiceCore(settings=settings, db=db, corpus=corpus, matcher=matcher, clock=clock))

    async def close(self) -> None:
        await self._core.db.dispose()

    @property
    def matcher(self) -> Matcher:
        return self._core.matcher

    @property
    def corpus(self) -> Corpus:
        return self._core.corpus

    async def handle_message(self, msg: IncomingMessage) -> Reply | None:
        """The automatic reply to a chat message, or None (silence)."""
        try:
            return await auto_replies.handle_message(self._core, msg)
        except Exception:  # one bad message must never take the bot down
            log.exception("handling message %s failed", msg.message_id)
            return None

    async def handle_command(self, cmd: Command) -> Reply:
        """Always a Reply: the answer, or a clear error."""
        name = (cmd.name or "").strip().lower().lstrip("/")
        handler = HANDLERS.get(name)
        if handler is None:
            return error(cmd.context, f"Unknown command “{name[:40]}”. Try `help`.")
        if name in self.MODERATOR_COMMANDS and not (cmd.context and cmd.context.is_moderator):
            return error(cmd.context, f"Only moderators can use `{name}`. Ask a moderator (Discord: Manage Threads "
                                      "permission; Slack: workspace admins or configured moderators).")
        if name in self.MODERATOR_COMMANDS and cmd.context is None:
            return error(None, "This command needs a workspace and channel.")
        try:
            return await handler(self._core, cmd)
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
        await auto_replies.reply_posted(self._core, reply, platform=platform, workspace_id=workspace_id,
                                        channel_id=channel_id, thread_id=thread_id, message_ids=message_ids)

    def topics(self) -> list[str]:
        return self._core.matcher.argmap.topics()

    def argument_ids(self, prefix: str = "", workspace_id: str | None = None) -> list[str]:
        prefix = prefix.lower()
        return sorted(a.id for a in self._core.matcher.argmap
                      if a.id.startswith(prefix) and self._core.visible(a, workspace_id))
