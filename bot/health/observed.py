"""CounterpointService with metrics: messages seen, gate decisions, replies posted, commands, match latency."""
from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from bot.health.metrics import Metrics
from bot.health.report import Connected, Health
from bot.messages import Command, IncomingMessage
from bot.reply import Reply
from bot.service.service import HANDLERS, CounterpointService

REMEMBERED = 1000  # automatic replies handed out and not yet reported posted (a bounded memory)


class ObservedService(CounterpointService):
    """The service a running bot uses: the same behaviour, counted in `prometheus`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prometheus = Metrics("unknown")
        # id(reply) -> reply for automatic replies; holding the reply keeps its id from being reused
        self._auto: OrderedDict[int, Reply] = OrderedDict()

    @classmethod
    async def start(cls, settings: Any, *, metrics: Metrics | None = None, **kwargs: Any) -> "ObservedService":
        service = await super().start(settings, **kwargs)
        assert isinstance(service, ObservedService)
        if metrics is not None:
            service.prometheus = metrics
        # the service's own counters (messages held in a database outage, state reloads) join the export
        service.prometheus.add_counters(lambda: service.metrics)
        return service

    def health(self, connected: Connected) -> Health:
        """The health facts of this service (database, index) and of the adapter's connection."""
        return Health(self.prometheus.platform, self._core.db, lambda: len(self.matcher.argmap), connected)

    async def handle_message(self, msg: IncomingMessage) -> Reply | None:
        m = self.prometheus
        m.messages_seen.labels(m.platform).inc()
        if msg.author_is_bot:
            m.decision("ignored")
            return None
        began = time.perf_counter()
        reply = await super().handle_message(msg)
        m.match_seconds.labels(m.platform).observe(time.perf_counter() - began)
        if reply is None:
            m.decision("silent")
            return None
        m.decision("posted")
        self._auto[id(reply)] = reply
        while len(self._auto) > REMEMBERED:
            self._auto.popitem(last=False)
        return reply

    async def handle_command(self, cmd: Command) -> Reply:
        name = (cmd.name or "").strip().lower().lstrip("/")
        self.prometheus.command(name if name in HANDLERS else "unknown")  # user text never becomes a label
        return await super().handle_command(cmd)

    async def reply_posted(self, reply: Reply, *, platform: str, workspace_id: str, channel_id: str,
                           thread_id: str | None, message_ids: Sequence[str]) -> None:
        if self._auto.pop(id(reply), None) is reply and message_ids:
            self.prometheus.auto_replies_posted.labels(self.prometheus.platform).inc()
        await super().reply_posted(reply, platform=platform, workspace_id=workspace_id, channel_id=channel_id,
                                   thread_id=thread_id, message_ids=message_ids)
