"""ORM models: corpus tables (sources, passages, arguments, quotes, links) and service tables."""
from bot.db.models.base import Base
from bot.db.models.corpus import Argument, CounterLink, Meta, Passage, QuoteRow, Source
from bot.db.models.service import (ChannelSetting, Debate, DebateEvent, Feedback, PostedMessage, PostedReply,
                                   RequestSignature, StateVersion, Trigger)

__all__ = ["Base", "Meta", "Source", "Passage", "Argument", "QuoteRow", "CounterLink", "Debate", "DebateEvent",
           "Trigger", "ChannelSetting", "PostedReply", "PostedMessage", "Feedback",
           "RequestSignature", "StateVersion"]
