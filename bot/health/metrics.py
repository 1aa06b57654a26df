"""The Prometheus metrics of one running bot, in a registry of its own, and the text format to serve them."""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE  # noqa: N811

__all__ = ["CONTENT_TYPE", "Metrics", "ErrorCounter"]

# Matching a message takes a fraction of a millisecond to a few; storage adds a few more.
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """Counters and the latency histogram; one instance per process run (tests make their own)."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.registry = CollectorRegistry(auto_describe=True)
        labels = ["platform"]
        self.messages_seen = Counter("counterpoint_messages_seen", "Chat messages the bot was given to consider",
                                     labels, registry=self.registry)
        self.gate_decisions = Counter("counterpoint_gate_decisions",
                                      "What the bot decided for each chat message: posted (an automatic reply), "
                                      "silent, or ignored (written by a bot)", labels + ["decision"],
                                      registry=self.registry)
        self.auto_replies_posted = Counter("counterpoint_auto_replies_posted",
                                           "Automatic replies that reached the platform", labels,
                                           registry=self.registry)
        self.commands = Counter("counterpoint_commands", "Commands run, by name", labels + ["command"],
                                registry=self.registry)
        self.errors = Counter("counterpoint_errors", "Errors logged, by where they happened", labels + ["where"],
                              registry=self.registry)
        self.match_seconds = Histogram("counterpoint_match_seconds",
                                       "Time to match a chat message and decide whether to answer it",
                                       labels, buckets=LATENCY_BUCKETS, registry=self.registry)
        self.reconnects = Counter("counterpoint_platform_reconnects",
                                  "Times the platform connection was re-established after it dropped", labels,
                                  registry=self.registry)
        for decision in ("posted", "silent", "ignored"):  # every series visible from the start, at 0
            self.gate_decisions.labels(platform, decision)
        for metric in (self.messages_seen, self.auto_replies_posted, self.match_seconds, self.reconnects):
            metric.labels(platform)

    def add_counters(self, read: Callable[[], Mapping[str, int]]) -> None:
        """Also export counters kept elsewhere (read at each scrape), e.g. the service's `metrics` dict."""
        self.registry.register(_CountersCollector(self.platform, read))

    def decision(self, name: str) -> None:
        self.gate_decisions.labels(self.platform, name).inc()

    def command(self, name: str) -> None:
        self.commands.labels(self.platform, name).inc()

    def error(self, where: str) -> None:
        self.errors.labels(self.platform, where).inc()

    def reconnected(self) -> None:
        self.reconnects.labels(self.platform).inc()

    def value(self, name: str, **labels: str) -> float:
        """One sample's current value (0 when absent), e.g. value("counterpoint_commands_total", command="argue")."""
        found = self.registry.get_sample_value(name, {"platform": self.platform, **labels})
        return float(found or 0.0)

    def exposition(self) -> bytes:
        """The Prometheus text format of every metric."""
        return generate_latest(self.registry)


class ErrorCounter(logging.Handler):
    """Counts every ERROR (or worse) log record as an error, labelled by the top of its logger's name."""

    def __init__(self, metrics: Metrics) -> None:
        super().__init__(level=logging.ERROR)
        self.metrics = metrics

    def emit(self, record: logging.LogRecord) -> None:
        self.metrics.error(".".join(record.name.split(".")[:2]))

    def __enter__(self) -> "ErrorCounter":
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self)


class _CountersCollector(Collector):
    """`{"messages_held": 3}` -> counterpoint_messages_held_total{platform=...} 3."""

    def __init__(self, platform: str, read: Callable[[], Mapping[str, int]]) -> None:
        self.platform = platform
        self.read = read

    def collect(self) -> Iterator[CounterMetricFamily]:
        try:
            values = dict(self.read())
        except Exception:  # noqa: BLE001 - a scrape must never fail because one source did
            return
        for key, value in sorted(values.items()):
            name = "counterpoint_" + re.sub(r"[^a-zA-Z0-9_]", "_", key)
            family = CounterMetricFamily(name, f"Service counter {key}", labels=["platform"])
            family.add_metric([self.platform], float(value))
            yield family
