"""The auto-reply gate: speak only when a message is about the debate and matches with confidence."""
from __future__ import annotations

from bot.settings import Settings

TOPIC_CAP = 1.2  # beyond this, more topic words add no confidence
SHORT_MATCH_TERMS = 3  # a match on fewer message words than this is short...
SHORT_MATCH_TOPIC = 1.0  # ...and needs an unambiguous topic word ("the meta in this patch" stays quiet)


def confidence(topic: float, score: float, settings: Settings) -> float:
    """Match score lifted by how clearly the message is about open vs closed AI."""
    return score + settings.trigger_topic_weight * min(topic, TOPIC_CAP)


def should_trigger(topic: float, score: float, matched_terms: int, settings: Settings) -> bool:
    """At least one topical word, and enough combined confidence; chatter with no topical word never fires."""
    if topic < settings.trigger_min_topic or score <= 0:
        return False
    if matched_terms < SHORT_MATCH_TERMS and topic < SHORT_MATCH_TOPIC:
        return False
    return confidence(topic, score, settings) >= settings.trigger_min_confidence

